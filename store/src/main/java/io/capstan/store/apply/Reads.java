package io.capstan.store.apply;

import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.capstan.proto.etcd.ResponseHeader;
import io.capstan.proto.etcd.mvcc.KeyValue;
import io.capstan.store.mvcc.KvView;
import io.capstan.store.mvcc.MvccStore;
import io.capstan.store.mvcc.ReadView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Answers etcd Range requests from the mvcc store, with etcd's limit, count, filter and sort
 * rules. Thread-safe; it reads a published revision and never blocks the apply thread.
 */
public final class Reads {
    private final MvccStore mvcc;

    public Reads(MvccStore mvcc) {
        this.mvcc = mvcc;
    }

    /**
     * Serves {@code request} at its revision, or the current one if it asks for none.
     *
     * @throws io.capstan.store.mvcc.CompactedException if that revision was compacted
     * @throws io.capstan.store.mvcc.FutureRevisionException if that revision is in the future
     */
    public RangeResponse range(RangeRequest request) {
        ReadView view = mvcc.read(request.getRevision());
        return range(view, view.revision(), request);
    }

    static RangeResponse range(KvView view, long revision, RangeRequest request) {
        List<KeyValue> found = view.range(request.getKey(), request.getRangeEnd());
        RangeResponse.Builder response = RangeResponse.newBuilder()
                .setHeader(ResponseHeader.newBuilder().setRevision(revision))
                // etcd counts every key in the range, before filters and limit
                .setCount(found.size());
        if (request.getCountOnly()) {
            return response.build();
        }
        List<KeyValue> kvs = new ArrayList<>(found.size());
        for (KeyValue kv : found) {
            if (isWanted(kv, request)) {
                kvs.add(kv);
            }
        }
        Comparator<KeyValue> order = sortOrder(request);
        if (order != null) {
            kvs.sort(order); // stable: ties stay in key order
        }
        long limit = request.getLimit();
        if (limit > 0 && kvs.size() > limit) {
            kvs = kvs.subList(0, (int) limit);
            response.setMore(true);
        }
        for (KeyValue kv : kvs) {
            response.addKvs(request.getKeysOnly() ? kv.toBuilder().clearValue().build() : kv);
        }
        return response.build();
    }

    private static boolean isWanted(KeyValue kv, RangeRequest request) {
        return (request.getMaxModRevision() == 0 || kv.getModRevision() <= request.getMaxModRevision())
                && (request.getMinModRevision() == 0 || kv.getModRevision() >= request.getMinModRevision())
                && (request.getMaxCreateRevision() == 0 || kv.getCreateRevision() <= request.getMaxCreateRevision())
                && (request.getMinCreateRevision() == 0 || kv.getCreateRevision() >= request.getMinCreateRevision());
    }

    /** Null when the key order the store returns is already the answer. */
    private static @org.jspecify.annotations.Nullable Comparator<KeyValue> sortOrder(RangeRequest request) {
        RangeRequest.SortOrder sortOrder = request.getSortOrder();
        RangeRequest.SortTarget target = request.getSortTarget();
        // etcd: a target other than KEY with no order means ascending; KEY ascending is the natural order
        if (sortOrder == RangeRequest.SortOrder.NONE && target != RangeRequest.SortTarget.KEY) {
            sortOrder = RangeRequest.SortOrder.ASCEND;
        }
        if (sortOrder != RangeRequest.SortOrder.ASCEND && sortOrder != RangeRequest.SortOrder.DESCEND) {
            return null;
        }
        if (sortOrder == RangeRequest.SortOrder.ASCEND && target == RangeRequest.SortTarget.KEY) {
            return null;
        }
        Comparator<KeyValue> ascending = switch (target) {
            case KEY, UNRECOGNIZED ->
                Comparator.comparing(
                        KeyValue::getKey, com.google.protobuf.ByteString.unsignedLexicographicalComparator());
            case VERSION -> Comparator.comparingLong(KeyValue::getVersion);
            case CREATE -> Comparator.comparingLong(KeyValue::getCreateRevision);
            case MOD -> Comparator.comparingLong(KeyValue::getModRevision);
            case VALUE ->
                Comparator.comparing(
                        KeyValue::getValue, com.google.protobuf.ByteString.unsignedLexicographicalComparator());
        };
        return sortOrder == RangeRequest.SortOrder.DESCEND ? ascending.reversed() : ascending;
    }
}
