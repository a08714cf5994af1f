package io.capstan.store.watch;

/** A watch was created with an explicit id that another watcher of the same stream already uses. */
public final class DuplicateWatchIdException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long watchId;

    public DuplicateWatchIdException(long watchId) {
        super(String.format("watch id %d is already in use on this stream", watchId));
        this.watchId = watchId;
    }

    public long watchId() {
        return watchId;
    }
}
