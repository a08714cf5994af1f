package io.capstan.store.kv;

import org.jspecify.annotations.Nullable;

/**
 * A request failed in a way the etcd API names. {@link #compactRevision()} is set for
 * {@link EtcdError#COMPACTED}; {@link #detail()} says more for logs and Java callers, while the
 * wire message stays etcd's.
 */
public final class EtcdException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final EtcdError error;
    private final long compactRevision;

    public EtcdException(EtcdError error) {
        this(error, null, 0, null);
    }

    public EtcdException(EtcdError error, @Nullable String detail) {
        this(error, detail, 0, null);
    }

    public EtcdException(EtcdError error, @Nullable String detail, long compactRevision, @Nullable Throwable cause) {
        super(detail == null ? error.message() : error.message() + " (" + detail + ")", cause);
        this.error = error;
        this.compactRevision = compactRevision;
    }

    public EtcdError error() {
        return error;
    }

    public long compactRevision() {
        return compactRevision;
    }

    public String detail() {
        String message = getMessage();
        return message == null ? error.message() : message;
    }
}
