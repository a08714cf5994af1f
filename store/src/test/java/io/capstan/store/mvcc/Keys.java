package io.capstan.store.mvcc;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.mvcc.KeyValue;
import java.util.List;
import java.util.stream.Collectors;

/** Small helpers for readable mvcc tests. */
final class Keys {
    static final ByteString NONE = ByteString.EMPTY;
    static final ByteString ALL = ByteString.copyFrom(new byte[] {0});

    private Keys() {}

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    static long put(MvccStore store, String key, String value) {
        WriteTxn txn = store.write();
        txn.put(bytes(key), bytes(value), 0);
        return txn.end().revision();
    }

    static long delete(MvccStore store, String key) {
        WriteTxn txn = store.write();
        txn.deleteRange(bytes(key), NONE);
        return txn.end().revision();
    }

    static String valueAt(MvccStore store, String key, long revision) {
        List<KeyValue> kvs = store.read(revision).range(bytes(key), NONE);
        return kvs.isEmpty() ? "<absent>" : kvs.get(0).getValue().toStringUtf8();
    }

    static List<String> keysAt(MvccStore store, long revision) {
        return store.read(revision).range(ALL, ALL).stream()
                .map(kv -> kv.getKey().toStringUtf8())
                .collect(Collectors.toList());
    }
}
