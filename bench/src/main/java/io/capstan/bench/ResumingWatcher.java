package io.capstan.bench;

import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.WatchEvent;
import io.capstan.proto.api.v1.WatchRequest;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * One watcher of the watch scenario: a Watch stream of ConfigMaps in one namespace that behaves as
 * an informer's does. It starts with the initial events and their closing bookmark (counting down
 * {@code synced} then), reports each MODIFIED event to {@link Deliveries}, and when the stream ends
 * early (an ERROR event such as a slow watcher's RESOURCE_EXHAUSTED, or a broken stream) it watches
 * again from the last resourceVersion it saw, at most {@link #MAX_RESUMES} times.
 *
 * <p>Thread-safe: callbacks run on gRPC transport threads, {@link #start()} and {@link #cancel()} on
 * the driver.
 */
final class ResumingWatcher {
    static final int MAX_RESUMES = 10;

    /** Opens one Watch call; the bench passes a round-robin stub, tests a fake. */
    @FunctionalInterface
    interface Opener {
        void open(WatchRequest request, ClientResponseObserver<WatchRequest, WatchEvent> observer);
    }

    /**
     * What every watcher of one run shares. {@code afterAck} takes, for each counted event whose
     * write was acknowledged before the event arrived, the time from that acknowledgement to the
     * event; {@code beforeAck} counts the events that arrived first.
     */
    record Shared(
            Deliveries deliveries,
            WriteAcks acks,
            LatencyHistogram afterAck,
            LongAdder beforeAck,
            CountDownLatch synced,
            ErrorCounts errors,
            LongAdder resumes,
            LongAdder gaveUp,
            AtomicBoolean closing) {
        Shared(int watchers) {
            this(
                    new Deliveries(watchers),
                    new WriteAcks(1_000_000),
                    new LatencyHistogram(),
                    new LongAdder(),
                    new CountDownLatch(watchers),
                    new ErrorCounts(),
                    new LongAdder(),
                    new LongAdder(),
                    new AtomicBoolean());
        }
    }

    private final int index;
    private final WatchRequest base;
    private final Opener opener;
    private final Shared shared;
    private final AtomicBoolean synced = new AtomicBoolean();
    private final AtomicInteger resumes = new AtomicInteger();
    private volatile @Nullable ClientCallStreamObserver<WatchRequest> call;

    /**
     * @param base kind, namespace and selectors; the watcher adds resourceVersion, bookmarks and
     *     initial events
     */
    ResumingWatcher(int index, WatchRequest base, Opener opener, Shared shared) {
        this.index = index;
        this.base = base;
        this.opener = opener;
        this.shared = shared;
    }

    void start() {
        open();
    }

    /** Ends the stream; call after setting the shared {@code closing} flag. */
    void cancel() {
        ClientCallStreamObserver<WatchRequest> current = call;
        if (current != null) {
            current.cancel("benchmark finished", null);
        }
    }

    private void open() {
        WatchRequest.Builder request = base.toBuilder().setAllowBookmarks(true);
        long from = shared.deliveries().lastResourceVersion(index);
        if (synced.get() && from > 0) {
            request.setResourceVersion(Long.toString(from));
        } else {
            request.setSendInitialEvents(true);
        }
        opener.open(request.build(), new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
                call = requestStream;
            }

            @Override
            public void onNext(WatchEvent event) {
                onEvent(event, System.nanoTime());
            }

            @Override
            public void onError(Throwable t) {
                if (shared.closing().get()) {
                    return; // our own cancel
                }
                shared.errors().record(t);
                resume();
            }

            @Override
            public void onCompleted() {
                if (!shared.closing().get()) {
                    resume();
                }
            }
        });
    }

    void onEvent(WatchEvent event, long receivedNanos) {
        switch (event.getType()) {
            case TYPE_MODIFIED -> {
                TypedObject object = event.getObject();
                long rv = resourceVersion(object);
                long stamp = ApiObjects.stampOf(object.getConfigMap());
                if (shared.deliveries().delivered(index, rv, stamp > 0 ? receivedNanos - stamp : -1)) {
                    Long acked = shared.acks().ackedAt(rv);
                    if (acked == null) {
                        shared.beforeAck().increment();
                    } else {
                        shared.afterAck().recordNanos(receivedNanos - acked);
                    }
                }
            }
            case TYPE_BOOKMARK -> {
                shared.deliveries().seen(index, resourceVersion(event.getObject()));
                if (event.getInitialEventsEnd() && synced.compareAndSet(false, true)) {
                    shared.synced().countDown();
                }
            }
            case TYPE_ERROR ->
                shared.errors()
                        .record(Status.fromCodeValue(event.getError().getCode())
                                .withDescription(event.getError().getMessage())
                                .asRuntimeException());
            // initial events (ADDED, in key order: their resourceVersions are not ordered) and the
            // run's own deletes do not count
            case TYPE_ADDED, TYPE_DELETED, TYPE_UNSPECIFIED, UNRECOGNIZED -> {}
        }
    }

    private void resume() {
        if (resumes.incrementAndGet() > MAX_RESUMES) {
            shared.gaveUp().increment();
            return;
        }
        shared.resumes().increment();
        open();
    }

    private static long resourceVersion(TypedObject object) {
        String rv = object.getConfigMap().getMetadata().getResourceVersion();
        try {
            return Long.parseLong(rv);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
