package io.capstan.client;

import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.WatchRequest;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Watch call: turns the proto events into {@link WatchEvent}s for the listener, and the end of
 * the stream (an ERROR event, then the server's close, or a broken call) into one {@link
 * WatchListener#onClose}.
 */
final class WatchStream implements ClientResponseObserver<WatchRequest, io.capstan.proto.api.v1.WatchEvent>, Watch {
    private static final Logger log = LoggerFactory.getLogger(WatchStream.class);

    private final Channels.Endpoint endpoint;
    private final Channels channels;
    private final WatchListener<TypedObject> listener;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile @Nullable ClientCallStreamObserver<WatchRequest> call;
    // set by an ERROR event, reported when the server then ends the stream; gRPC calls us serially
    private @Nullable ApiException error;

    WatchStream(Channels.Endpoint endpoint, Channels channels, WatchListener<TypedObject> listener) {
        this.endpoint = endpoint;
        this.channels = channels;
        this.listener = listener;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
        call = requestStream;
    }

    @Override
    public void onNext(io.capstan.proto.api.v1.WatchEvent event) {
        if (closed.get()) {
            return;
        }
        WatchEvent.Type type;
        switch (event.getType()) {
            case TYPE_ADDED -> type = WatchEvent.Type.ADDED;
            case TYPE_MODIFIED -> type = WatchEvent.Type.MODIFIED;
            case TYPE_DELETED -> type = WatchEvent.Type.DELETED;
            case TYPE_BOOKMARK -> type = WatchEvent.Type.BOOKMARK;
            case TYPE_ERROR -> {
                error = ApiErrors.fromWatchError(
                        event.getError().getCode(), event.getError().getMessage());
                return;
            }
            default -> {
                log.warn("Ignoring a watch event of unknown type {} from {}", event.getType(), endpoint.target());
                return;
            }
        }
        TypedObject object = event.getObject();
        String resourceVersion = Kind.metadataOf(object).getResourceVersion();
        listener.onEvent(new WatchEvent<>(type, object, resourceVersion, event.getInitialEventsEnd()));
    }

    @Override
    public void onError(Throwable t) {
        Status status = Status.fromThrowable(t);
        String description = status.getDescription() != null
                ? status.getDescription()
                : status.getCode().name();
        if (status.getCode() == Status.Code.CANCELLED) {
            // not cancelled by us (close() silences the stream first): the server reset it, as it does
            // when it shuts down, so this is a broken stream like UNAVAILABLE
            end(new UnavailableException(Status.Code.CANCELLED, "stream reset by the server: " + description, false));
            return;
        }
        end(ApiErrors.from(status.getCode(), description, false));
    }

    @Override
    public void onCompleted() {
        end(error);
    }

    private void end(@Nullable ApiException cause) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (cause != null && (cause.code() == Status.Code.UNAVAILABLE || cause.code() == Status.Code.CANCELLED)) {
            channels.failed(endpoint);
        }
        listener.onClose(cause);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            ClientCallStreamObserver<WatchRequest> started = call;
            if (started != null) {
                started.cancel("closed by the client", null);
            }
        }
    }
}
