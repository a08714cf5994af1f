package io.capstan.store.watch;

/**
 * The requested revision has been compacted away. Carries the compact revision, which etcd reports to a watcher
 * before cancelling it (the rpc layer maps this to etcd's "mvcc: required revision has been compacted").
 */
public final class CompactedRevisionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long requestedRevision;
    private final long compactRevision;

    public CompactedRevisionException(long requestedRevision, long compactRevision) {
        super(String.format("revision %d is below compacted %d", requestedRevision, compactRevision));
        this.requestedRevision = requestedRevision;
        this.compactRevision = compactRevision;
    }

    public long requestedRevision() {
        return requestedRevision;
    }

    public long compactRevision() {
        return compactRevision;
    }
}
