package io.capstan.store.lease;

/** A keep-alive reached a lessor that is not the leader's; the client should retry elsewhere. */
public final class NotPrimaryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotPrimaryException() {
        super("lessor is not the primary");
    }
}
