package io.capstan.store.mvcc;

/** A read, watch or compaction asked for a revision that compaction has already removed. */
public final class CompactedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long compactRevision;

    public CompactedException(long requestedRevision, long compactRevision) {
        super(String.format("revision %d is below the compact revision %d", requestedRevision, compactRevision));
        this.compactRevision = compactRevision;
    }

    /** The store's compact revision when the request failed; etcd reports it to watchers. */
    public long compactRevision() {
        return compactRevision;
    }
}
