package io.capstan.store.raft;

/** A command could not be committed: no leader, a timeout, or the peer is shutting down. */
public final class ProposalFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean timedOut;

    public ProposalFailedException(String message, boolean timedOut, Throwable cause) {
        super(message, cause);
        this.timedOut = timedOut;
    }

    /** True when the outcome is unknown (the command may still commit), as etcd's "request timed out". */
    public boolean timedOut() {
        return timedOut;
    }
}
