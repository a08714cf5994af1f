package io.capstan.kubelet.proxy;

import com.google.protobuf.Timestamp;
import io.capstan.client.ApiException;
import io.capstan.client.KindClient;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.EventSource;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.ObjectReference;
import io.capstan.proto.api.v1.Service;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EventSink} creating core/v1 Events about Services through the API, on one thread of its
 * own, so callers never wait for the API. Events are named {@code <service>.<hex nanoseconds>} as
 * Kubernetes names them; the API server folds a repeat (same object, type, reason, message and
 * source) into the stored event. When more than {@value #QUEUE_CAPACITY} events wait, new ones are
 * dropped with a warning. {@link #close()} writes what is queued for up to 5 s.
 */
public final class ApiEventSink implements EventSink, AutoCloseable {
    /** Kubernetes' name for the component reporting proxy events. */
    public static final String COMPONENT = "kube-proxy";

    private static final Logger log = LoggerFactory.getLogger(ApiEventSink.class);
    private static final int QUEUE_CAPACITY = 100;

    private final KindClient<Event> events;
    private final InstantSource clock;
    private final String instance;
    private final ThreadPoolExecutor executor;
    private final AtomicInteger dropped = new AtomicInteger();

    /** @param instance which proxy reports, e.g. its node's name (reportingInstance, source.host) */
    public ApiEventSink(KindClient<Event> events, InstantSource clock, String instance) {
        this.events = events;
        this.clock = clock;
        this.instance = instance;
        this.executor = new ThreadPoolExecutor(
                1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_CAPACITY), runnable -> {
                    Thread thread = new Thread(runnable, "proxy-events");
                    thread.setDaemon(true);
                    return thread;
                });
    }

    @Override
    public void record(Service service, Event.Type type, String reason, String message) {
        Instant now = clock.instant();
        try {
            executor.execute(() -> write(event(service, type, reason, message, now)));
        } catch (RejectedExecutionException e) {
            int count = dropped.incrementAndGet();
            if (Integer.bitCount(count) == 1) { // 1, 2, 4, 8 ...: say so without flooding the log
                log.warn(
                        "Dropped {} events so far, the queue is full or closed; latest: {} on service {}/{}",
                        count,
                        reason,
                        service.getMetadata().getNamespace(),
                        service.getMetadata().getName());
            }
        }
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(Duration.ofSeconds(5).toNanos(), TimeUnit.NANOSECONDS)) {
                log.warn(
                        "Event writes still running after 5s, abandoning {} queued",
                        executor.getQueue().size());
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void write(Event event) {
        try {
            events.create(event);
        } catch (ApiException e) {
            log.warn(
                    "Could not write event {} about service {}/{}: {}",
                    event.getReason(),
                    event.getInvolvedObject().getNamespace(),
                    event.getInvolvedObject().getName(),
                    e.getMessage());
        }
    }

    private Event event(Service service, Event.Type type, String reason, String message, Instant at) {
        ObjectMeta meta = service.getMetadata();
        long nanos = at.getEpochSecond() * 1_000_000_000L + at.getNano();
        Timestamp timestamp = Timestamp.newBuilder()
                .setSeconds(at.getEpochSecond())
                .setNanos(at.getNano())
                .build();
        return Event.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace(meta.getNamespace())
                        .setName(meta.getName() + "." + Long.toHexString(nanos)))
                .setInvolvedObject(ObjectReference.newBuilder()
                        .setKind("Service")
                        .setApiVersion("v1")
                        .setNamespace(meta.getNamespace())
                        .setName(meta.getName())
                        .setUid(meta.getUid()))
                .setReason(reason)
                .setMessage(message)
                .setSource(EventSource.newBuilder().setComponent(COMPONENT).setHost(instance))
                .setFirstTimestamp(timestamp)
                .setLastTimestamp(timestamp)
                .setCount(1)
                .setType(type)
                .setReportingController(COMPONENT)
                .setReportingInstance(instance)
                .build();
    }
}
