package io.capstan.store.mvcc;

/** A read or compaction asked for a revision the store has not reached yet. */
public final class FutureRevisionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long currentRevision;

    public FutureRevisionException(long requestedRevision, long currentRevision) {
        super(String.format("revision %d is above the current revision %d", requestedRevision, currentRevision));
        this.currentRevision = currentRevision;
    }

    /** The store's revision when the request failed. */
    public long currentRevision() {
        return currentRevision;
    }
}
