package io.capstan.apiserver.storage;

import org.jspecify.annotations.Nullable;

/** The requested revision is above the store's current revision. */
public final class FutureRevisionException extends KvStoreException {
    private static final long serialVersionUID = 1L;

    public FutureRevisionException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
