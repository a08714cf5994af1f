package io.capstan.apiserver.storage;

import org.jspecify.annotations.Nullable;

/**
 * No store answered in time, or the store has no leader. The outcome of a write is unknown: it
 * may have been applied.
 */
public final class StoreUnavailableException extends KvStoreException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
