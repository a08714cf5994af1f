package io.capstan.store.apply;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.Compare;
import io.capstan.proto.etcd.mvcc.KeyValue;
import io.capstan.store.mvcc.KvView;
import java.util.List;

/** etcd's txn compare: over a range it holds only if it holds for every key in the range. */
final class Compares {
    private Compares() {}

    static boolean holds(KvView view, Compare compare) {
        List<KeyValue> kvs = view.range(compare.getKey(), compare.getRangeEnd());
        if (kvs.isEmpty()) {
            // etcd: a value compare on missing keys always fails (there is no "missing" value);
            // the other targets compare a missing key as all zeros
            return compare.getTarget() != Compare.CompareTarget.VALUE
                    && holdsFor(KeyValue.getDefaultInstance(), compare);
        }
        for (KeyValue kv : kvs) {
            if (!holdsFor(kv, compare)) {
                return false;
            }
        }
        return true;
    }

    private static boolean holdsFor(KeyValue kv, Compare compare) {
        Compare.TargetUnionCase given = compare.getTargetUnionCase();
        // a target without its matching value field compares against zero / empty, as in etcd
        int result = switch (compare.getTarget()) {
            case VERSION ->
                Long.compare(kv.getVersion(), given == Compare.TargetUnionCase.VERSION ? compare.getVersion() : 0);
            case CREATE ->
                Long.compare(
                        kv.getCreateRevision(),
                        given == Compare.TargetUnionCase.CREATE_REVISION ? compare.getCreateRevision() : 0);
            case MOD ->
                Long.compare(
                        kv.getModRevision(),
                        given == Compare.TargetUnionCase.MOD_REVISION ? compare.getModRevision() : 0);
            case LEASE -> Long.compare(kv.getLease(), given == Compare.TargetUnionCase.LEASE ? compare.getLease() : 0);
            case VALUE ->
                ByteString.unsignedLexicographicalComparator()
                        .compare(
                                kv.getValue(),
                                given == Compare.TargetUnionCase.VALUE ? compare.getValue() : ByteString.EMPTY);
            case UNRECOGNIZED -> 0;
        };
        return switch (compare.getResult()) {
            case EQUAL -> result == 0;
            case NOT_EQUAL -> result != 0;
            case GREATER -> result > 0;
            case LESS -> result < 0;
            case UNRECOGNIZED -> false;
        };
    }
}
