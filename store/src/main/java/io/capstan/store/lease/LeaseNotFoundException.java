package io.capstan.store.lease;

/** No lease has this id (never granted, or already revoked). */
public final class LeaseNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long id;

    public LeaseNotFoundException(long id) {
        super(String.format("lease %d not found", id));
        this.id = id;
    }

    public long id() {
        return id;
    }
}
