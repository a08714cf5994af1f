package io.capstan.store.lease;

/** A grant asked for an id that a live lease already has. */
public final class LeaseExistsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long id;

    public LeaseExistsException(long id) {
        super(String.format("lease %d already exists", id));
        this.id = id;
    }

    public long id() {
        return id;
    }
}
