package io.capstan.apiserver.storage;

import io.capstan.store.kv.EtcdError;
import io.capstan.store.kv.EtcdException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Maps the store's failures, whether the embedded store's {@link EtcdException} or an etcd
 * endpoint's gRPC status, to one {@link KvStoreException} family, so that callers of either
 * {@link KvStore} see the same exceptions.
 */
final class KvErrors {
    // etcd's rpctypes messages; clients match on them, so we do too.
    private static final String COMPACTED = EtcdError.COMPACTED.message();
    private static final String FUTURE_REVISION = EtcdError.FUTURE_REVISION.message();

    private KvErrors() {}

    /** A future that completes as {@code future} does, with its failure translated. */
    @SuppressWarnings("FutureReturnValueIgnored") // whenComplete's own future only mirrors this one
    static <T> CompletableFuture<T> translating(CompletableFuture<T> future) {
        CompletableFuture<T> translated = new CompletableFuture<>();
        future.whenComplete((value, failure) -> {
            if (failure != null) {
                translated.completeExceptionally(translate(failure));
            } else {
                translated.complete(value);
            }
        });
        return translated;
    }

    static KvStoreException translate(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof KvStoreException known) {
            return known;
        }
        if (cause instanceof EtcdException etcd) {
            return fromEtcd(etcd);
        }
        if (cause instanceof StatusRuntimeException status) {
            return fromStatus(status.getStatus(), status);
        }
        if (cause instanceof TimeoutException) {
            return new StoreUnavailableException("store did not answer before the deadline", cause);
        }
        return new KvStoreException(String.valueOf(cause.getMessage()), cause);
    }

    static KvStoreException fromStatus(Status status, Throwable cause) {
        String description = status.getDescription() == null ? "" : status.getDescription();
        String message = status.getCode() + ": " + description;
        return switch (status.getCode()) {
            case OUT_OF_RANGE -> {
                if (description.equals(COMPACTED)) {
                    // etcd's Range error carries no compact revision; only a watch reports it
                    yield new CompactedException(0, message, cause);
                }
                if (description.equals(FUTURE_REVISION)) {
                    yield new FutureRevisionException(message, cause);
                }
                yield new KvStoreException(message, cause);
            }
            case UNAVAILABLE, DEADLINE_EXCEEDED -> new StoreUnavailableException(message, cause);
            default -> new KvStoreException(message, cause);
        };
    }

    private static KvStoreException fromEtcd(EtcdException etcd) {
        String message = etcd.detail();
        return switch (etcd.error()) {
            case COMPACTED -> new CompactedException(etcd.compactRevision(), message, etcd);
            case FUTURE_REVISION -> new FutureRevisionException(message, etcd);
            case NO_LEADER, TIMEOUT, STOPPED, NOT_LEADER -> new StoreUnavailableException(message, etcd);
            default -> new KvStoreException(message, etcd);
        };
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
