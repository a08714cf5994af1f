package io.capstan.apiserver.storage;

import io.capstan.proto.etcd.Compare;
import io.capstan.proto.etcd.RequestOp;
import java.util.List;

/**
 * What else an object write carries in its one store transaction: compares that must hold too
 * (the namespace is unchanged since it was read, an allocated port is still free), ops that apply
 * with it (claim or release an allocation), and the lease the object's key is attached to (0 for
 * none), as an Event's expiry.
 */
public record TxnGuard(List<Compare> compares, List<RequestOp> ops, long lease) {
    public static final TxnGuard NONE = new TxnGuard(List.of(), List.of(), 0);

    public TxnGuard {
        compares = List.copyOf(compares);
        ops = List.copyOf(ops);
    }

    public TxnGuard withLease(long leaseId) {
        return new TxnGuard(compares, ops, leaseId);
    }

    public TxnGuard and(TxnGuard other) {
        List<Compare> allCompares = new java.util.ArrayList<>(compares);
        allCompares.addAll(other.compares);
        List<RequestOp> allOps = new java.util.ArrayList<>(ops);
        allOps.addAll(other.ops);
        return new TxnGuard(allCompares, allOps, other.lease != 0 ? other.lease : lease);
    }
}
