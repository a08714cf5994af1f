package io.capstan.store.mvcc;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.mvcc.KeyValue;
import java.util.List;

/**
 * The keyspace as seen at one revision: a {@link ReadView} at a published revision, or a {@link
 * WriteTxn}, which also sees its own earlier writes.
 */
public interface KvView {

    /**
     * The live keys in the etcd range {@code [key, rangeEnd)}, sorted by key as unsigned bytes. An
     * empty {@code rangeEnd} means {@code key} alone; {@code "\0"} means every key {@code >= key}.
     *
     * @throws CompactedException if compaction removed this view's revision meanwhile
     */
    List<KeyValue> range(ByteString key, ByteString rangeEnd);
}
