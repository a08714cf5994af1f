package io.capstan.store.rpc;

import io.capstan.store.kv.EtcdError;
import io.capstan.store.kv.EtcdException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps the store's failures to the gRPC statuses etcd sends (etcd's toGRPCErrorMap), once. */
final class EtcdErrors {
    private static final Logger log = LoggerFactory.getLogger(EtcdErrors.class);

    private EtcdErrors() {}

    static Status.Code code(EtcdError error) {
        return switch (error) {
            case EMPTY_KEY,
                    KEY_NOT_FOUND,
                    VALUE_PROVIDED,
                    LEASE_PROVIDED,
                    TOO_MANY_OPS,
                    DUPLICATE_KEY,
                    MEMBER_BAD_URLS,
                    REQUEST_TOO_LARGE,
                    INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
            case COMPACTED, FUTURE_REVISION, LEASE_TTL_TOO_LARGE -> Status.Code.OUT_OF_RANGE;
            case NO_SPACE -> Status.Code.RESOURCE_EXHAUSTED;
            case LEASE_NOT_FOUND, MEMBER_NOT_FOUND -> Status.Code.NOT_FOUND;
            case LEASE_EXISTS, MEMBER_EXISTS, PEER_URL_EXISTS, NOT_LEADER, BAD_LEADER_TRANSFEREE ->
                Status.Code.FAILED_PRECONDITION;
            case NO_LEADER, TIMEOUT, STOPPED, NOT_CAPABLE -> Status.Code.UNAVAILABLE;
        };
    }

    static StatusRuntimeException toStatus(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof StatusRuntimeException status) {
            return status;
        }
        if (cause instanceof EtcdException etcd) {
            if (log.isDebugEnabled()) {
                log.debug("request failed: {}", etcd.detail());
            }
            return Status.fromCode(code(etcd.error()))
                    .withDescription(etcd.error().message())
                    .asRuntimeException();
        }
        log.warn("request failed unexpectedly", cause);
        return Status.INTERNAL
                .withDescription(String.valueOf(cause))
                .withCause(cause)
                .asRuntimeException();
    }
}
