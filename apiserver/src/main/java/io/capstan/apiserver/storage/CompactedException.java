package io.capstan.apiserver.storage;

import org.jspecify.annotations.Nullable;

/**
 * The requested revision has been compacted away. The API server answers this as an expired
 * resourceVersion, and the client relists.
 */
public final class CompactedException extends KvStoreException {
    private static final long serialVersionUID = 1L;

    private final long compactRevision;

    public CompactedException(long compactRevision, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.compactRevision = compactRevision;
    }

    /**
     * The store's compact revision, or 0 when the store did not say: etcd reports it on a watch but
     * not on a range.
     */
    public long compactRevision() {
        return compactRevision;
    }
}
