package io.capstan.apiserver.service;

import io.capstan.apiserver.storage.AlreadyExistsException;
import io.capstan.apiserver.storage.CompactedException;
import io.capstan.apiserver.storage.ConflictException;
import io.capstan.apiserver.storage.GuardFailedException;
import io.capstan.apiserver.storage.KvStoreException;
import io.capstan.apiserver.storage.NotFoundException;
import io.capstan.apiserver.storage.StoreUnavailableException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a failure becomes the gRPC status a client acts on (see object_service.proto):
 * the code says what to do (fix the request, re-read and retry, relist, wait), the message names
 * the object or the field.
 */
final class ApiErrors {
    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    private ApiErrors() {}

    static StatusRuntimeException toStatus(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        Status status;
        if (cause instanceof StatusRuntimeException already) {
            return already;
        } else if (cause instanceof NotFoundException) {
            status = Status.NOT_FOUND;
        } else if (cause instanceof AlreadyExistsException) {
            status = Status.ALREADY_EXISTS;
        } else if (cause instanceof ConflictException || cause instanceof GuardFailedException) {
            status = Status.ABORTED;
        } else if (cause instanceof NamespaceTerminatingException) {
            status = Status.FAILED_PRECONDITION;
        } else if (cause instanceof CompactedException) {
            status = Status.OUT_OF_RANGE;
            return status.withDescription("resourceVersion or continue token expired (compacted at "
                            + ((CompactedException) cause).compactRevision() + "): list again")
                    .asRuntimeException();
        } else if (cause instanceof StoreUnavailableException) {
            status = Status.UNAVAILABLE;
        } else if (cause instanceof ServiceAllocator.ExhaustedException) {
            status = Status.RESOURCE_EXHAUSTED;
        } else if (cause instanceof KvStoreException) {
            status = cause.getMessage() != null && cause.getMessage().contains("space exceeded")
                    ? Status.RESOURCE_EXHAUSTED
                    : Status.UNAVAILABLE;
        } else if (cause instanceof IllegalArgumentException) {
            // ValidationException, ManifestException and malformed request fields: the message starts
            // with the field path.
            status = Status.INVALID_ARGUMENT;
        } else {
            log.error("request failed unexpectedly", cause);
            return Status.INTERNAL.withDescription(String.valueOf(cause)).asRuntimeException();
        }
        return status.withDescription(cause.getMessage()).asRuntimeException();
    }
}
