package io.capstan.store.mvcc;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.mvcc.KeyValue;
import java.util.List;

/**
 * The keyspace at one published revision. Thread-safe and cheap; it pins nothing, so a view
 * whose revision is compacted away later fails with {@link CompactedException} instead of giving
 * a partial answer.
 */
public final class ReadView implements KvView {
    private final MvccStore store;
    private final long revision;

    ReadView(MvccStore store, long revision) {
        this.store = store;
        this.revision = revision;
    }

    public long revision() {
        return revision;
    }

    @Override
    public List<KeyValue> range(ByteString key, ByteString rangeEnd) {
        return store.rangeAt(key, rangeEnd, revision);
    }
}
