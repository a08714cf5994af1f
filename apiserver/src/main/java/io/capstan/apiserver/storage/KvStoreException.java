package io.capstan.apiserver.storage;

import org.jspecify.annotations.Nullable;

/**
 * The store refused or failed a request. Subclasses name the failures the API server acts on; the
 * message keeps the store's own words (etcd's, for either implementation).
 */
public class KvStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KvStoreException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
