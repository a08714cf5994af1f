package io.capstan.controllers.scheduler;

import com.google.protobuf.Timestamp;
import io.capstan.client.ApiException;
import io.capstan.client.KindClient;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.EventSource;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.ObjectReference;
import io.capstan.proto.api.v1.Pod;
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
 * {@link EventRecorder} creating core/v1 Events through the API on threads of its own. A repeat of
 * an earlier event (same pod, type, reason, message and source) needs nothing special here: the API
 * server recognises it on create and bumps the stored event's count instead. Events are named
 * {@code <pod>.<hex nanoseconds>}, as Kubernetes names them. When more than {@code queueCapacity}
 * events wait, new ones are dropped with a warning. {@link #close()} writes what is queued, for up
 * to the given time.
 */
final class ApiEventRecorder implements EventRecorder, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiEventRecorder.class);
    // a DNS subdomain is at most 253 characters; leave room for "." and 16 hex digits
    private static final int MAX_POD_NAME_PART = 253 - 17;

    private final KindClient<Event> events;
    private final InstantSource clock;
    private final String component;
    private final String instance;
    private final ThreadPoolExecutor executor;
    private final AtomicInteger dropped = new AtomicInteger();

    /**
     * @param component the reporting component, e.g. {@code default-scheduler}; also
     *     source.component
     * @param instance which instance of it reports, e.g. the process identity
     * @param threads how many events are written at once
     * @param queueCapacity how many events may wait before new ones are dropped
     */
    ApiEventRecorder(
            KindClient<Event> events,
            InstantSource clock,
            String component,
            String instance,
            int threads,
            int queueCapacity) {
        this.events = events;
        this.clock = clock;
        this.component = component;
        this.instance = instance;
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(
                threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueCapacity), runnable -> {
                    Thread thread = new Thread(runnable, "events-" + component + "-" + threadNumber.getAndIncrement());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    @Override
    public void record(Pod pod, Event.Type type, String reason, String message) {
        Instant now = clock.instant();
        try {
            executor.execute(() -> write(pod, type, reason, message, now));
        } catch (RejectedExecutionException e) {
            int count = dropped.incrementAndGet();
            if (Integer.bitCount(count) == 1) { // 1, 2, 4, 8 ...: say so without flooding the log
                log.warn(
                        "Dropped {} events so far, the queue is full or closed; latest: {} {} on {}/{}",
                        count,
                        reason,
                        type,
                        pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName());
            }
        }
    }

    /** How many events were dropped because the queue was full. */
    int dropped() {
        return dropped.get();
    }

    /** Writes what is queued, waiting up to {@code timeout}, then stops. */
    void close(Duration timeout) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                log.warn(
                        "Event writes still running after {}, abandoning {} queued",
                        timeout,
                        executor.getQueue().size());
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    private void write(Pod pod, Event.Type type, String reason, String message, Instant at) {
        try {
            events.create(event(pod, type, reason, message, at));
        } catch (ApiException e) {
            log.warn(
                    "Could not write event {} about pod {}/{}: {}",
                    reason,
                    pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName(),
                    e.getMessage());
        }
    }

    Event event(Pod pod, Event.Type type, String reason, String message, Instant at) {
        ObjectMeta podMeta = pod.getMetadata();
        String podName = podMeta.getName().length() > MAX_POD_NAME_PART
                ? podMeta.getName().substring(0, MAX_POD_NAME_PART)
                : podMeta.getName();
        long nanos = at.getEpochSecond() * 1_000_000_000L + at.getNano();
        Timestamp timestamp = timestamp(at);
        return Event.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace(podMeta.getNamespace())
                        .setName(podName + "." + Long.toHexString(nanos)))
                .setInvolvedObject(ObjectReference.newBuilder()
                        .setKind("Pod")
                        .setApiVersion("v1")
                        .setNamespace(podMeta.getNamespace())
                        .setName(podMeta.getName())
                        .setUid(podMeta.getUid())
                        .setResourceVersion(podMeta.getResourceVersion()))
                .setReason(reason)
                .setMessage(message)
                .setSource(EventSource.newBuilder().setComponent(component))
                .setFirstTimestamp(timestamp)
                .setLastTimestamp(timestamp)
                .setCount(1)
                .setType(type)
                .setReportingController(component)
                .setReportingInstance(instance)
                .build();
    }

    private static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder()
                .setSeconds(at.getEpochSecond())
                .setNanos(at.getNano())
                .build();
    }
}
