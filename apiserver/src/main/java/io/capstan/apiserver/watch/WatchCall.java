package io.capstan.apiserver.watch;

import io.capstan.apiserver.storage.ObjectKind;
import io.capstan.proto.api.v1.WatchEvent;
import io.capstan.proto.api.v1.WatchRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Serves one {@code ObjectService.Watch} call from the watch caches.
 *
 * <p>The request is checked first: an unknown kind, a namespace on a cluster-scoped kind, a bad
 * selector or resourceVersion, or {@code send_initial_events} without {@code allow_bookmarks} fail
 * the call with INVALID_ARGUMENT, the message starting with the field ({@code labelSelector: ...}),
 * and no event is sent. Otherwise the call streams the watcher's events, only while gRPC reports
 * the stream ready (so a slow client fills its own watcher's bounded buffer, not the server's
 * memory); a cancelled call removes the watcher. A watch that ends (OUT_OF_RANGE, too slow, cache
 * not fresh in time) sends its ERROR event and then completes the call with OK, as the API says.
 *
 * <p>{@code resource_version}: "" or "0" start from the cache's current revision; a positive
 * decimal revision from just after it.
 */
public final class WatchCall {
    private WatchCall() {}

    /** Starts serving; returns at once. Must be called from the service method, before it returns. */
    public static void serve(WatchCaches caches, WatchRequest request, ServerCallStreamObserver<WatchEvent> call) {
        WatchOptions options;
        WatchCache cache;
        try {
            ObjectKind kind = ObjectKind.forKindName(request.getKind());
            ObjectFilter filter = ObjectFilter.parse(
                    kind, request.getNamespace(), request.getLabelSelector(), request.getFieldSelector());
            options = new WatchOptions(
                    filter,
                    parseResourceVersion(request.getResourceVersion()),
                    request.getSendInitialEvents(),
                    request.getAllowBookmarks());
            cache = caches.cache(kind);
        } catch (IllegalArgumentException e) {
            call.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (IllegalStateException e) {
            call.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        // gRPC takes handlers only before the service method returns, so they go in before the watcher exists
        AtomicReference<CacheWatcher> started = new AtomicReference<>();
        AtomicBoolean cancelled = new AtomicBoolean();
        call.setOnCancelHandler(() -> {
            cancelled.set(true);
            CacheWatcher watcher = started.get();
            if (watcher != null) {
                watcher.close();
            }
        });
        call.setOnReadyHandler(() -> {
            CacheWatcher watcher = started.get();
            if (watcher != null) {
                watcher.signalReady();
            }
        });
        CacheWatcher watcher = cache.watch(options, new CallSink(call));
        started.set(watcher);
        if (cancelled.get()) {
            watcher.close();
        }
    }

    /**
     * The start of a watch: 0 for "" and "0" (from now), else a positive decimal revision.
     *
     * @throws IllegalArgumentException starting {@code resourceVersion: }
     */
    static long parseResourceVersion(String resourceVersion) {
        if (resourceVersion.isEmpty()) {
            return 0;
        }
        try {
            long revision = Long.parseLong(resourceVersion);
            if (revision >= 0) {
                return revision;
            }
        } catch (NumberFormatException e) {
            // reported below with the field name
        }
        throw new IllegalArgumentException(
                "resourceVersion: must be empty or a decimal revision, got \"" + resourceVersion + "\"");
    }

    /** The watcher's side of the call; CacheWatcher never calls it from two threads at once. */
    private static final class CallSink implements WatchSink {
        private final ServerCallStreamObserver<WatchEvent> call;

        CallSink(ServerCallStreamObserver<WatchEvent> call) {
            this.call = call;
        }

        @Override
        public boolean isReady() {
            return call.isReady();
        }

        @Override
        public void send(WatchEvent event) {
            call.onNext(event);
        }

        @Override
        public void close() {
            if (!call.isCancelled()) {
                call.onCompleted();
            }
        }
    }
}
