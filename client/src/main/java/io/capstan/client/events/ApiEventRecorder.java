package io.capstan.client.events;

import io.capstan.client.ApiException;
import io.capstan.client.KindClient;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.EventSource;
import io.capstan.proto.api.v1.ObjectReference;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates core/v1 Events through the API on threads of its own, so that a controller never waits
 * for them. A repeat of an earlier event (same object, type, reason, message and source) needs
 * nothing special here: the API server recognises it on create and bumps the stored event's count.
 *
 * <p>Events are named {@code <object>.<hex nanoseconds>}, as Kubernetes names them, the object's
 * name cut to leave the whole within a DNS subdomain's 253 characters. When the backlog is full,
 * new events are dropped (client-go's broadcaster does the same), with a warning at the 1st, 2nd,
 * 4th, 8th ... drop; so are those the API refuses. {@link #close()} writes what waits, for up to
 * {@link #CLOSE_TIMEOUT}, then drops the rest.
 */
public final class ApiEventRecorder implements EventRecorder, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiEventRecorder.class);
    static final int DEFAULT_BACKLOG = 1000;
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    // a DNS subdomain is at most 253 characters; leave room for "." and 16 hex digits
    static final int MAX_OBJECT_NAME_PART = 253 - 17;

    private final KindClient<Event> events;
    private final InstantSource clock;
    private final String component;
    private final String reportingController;
    private final String instance;
    private final ThreadPoolExecutor writers;
    private final AtomicInteger dropped = new AtomicInteger();
    // the last nanosecond stamp used in a name: two events in the same clock tick still get two names
    private final AtomicLong lastStamp = new AtomicLong();

    private ApiEventRecorder(Builder builder) {
        this.events = builder.events;
        this.clock = builder.clock;
        this.component = builder.component;
        this.reportingController =
                builder.reportingController != null ? builder.reportingController : "capstan.io/" + component;
        this.instance = builder.instance;
        AtomicInteger threadNumber = new AtomicInteger();
        this.writers = new ThreadPoolExecutor(
                builder.threads,
                builder.threads,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(builder.backlog),
                runnable -> {
                    Thread thread = new Thread(runnable, "events-" + component + "-" + threadNumber.getAndIncrement());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * A recorder with one writer thread and a backlog of {@value #DEFAULT_BACKLOG}.
     *
     * @param component who reports, e.g. {@code deployment-controller}; events carry it as
     *     source.component and as reporting controller {@code capstan.io/<component>}
     * @param instance which process reports, e.g. its host name or identity
     */
    public ApiEventRecorder(KindClient<Event> events, String component, String instance, InstantSource clock) {
        this(builder(events, component).instance(instance).clock(clock));
    }

    /** A recorder reporting as {@code component}; see {@link Builder} for the rest. */
    public static Builder builder(KindClient<Event> events, String component) {
        return new Builder(events, component);
    }

    @Override
    public void record(ObjectReference involved, Event.Type type, String reason, String message) {
        Event event = event(involved, type, reason, message, clock.instant());
        try {
            writers.execute(() -> write(event));
        } catch (RejectedExecutionException e) {
            int count = dropped.incrementAndGet();
            if (Integer.bitCount(count) == 1) { // 1, 2, 4, 8 ...: say so without flooding the log
                log.warn(
                        "Dropped {} events so far, the backlog is full or the recorder closed; latest: {} {} on {} {}/{}",
                        count,
                        type,
                        reason,
                        involved.getKind(),
                        involved.getNamespace(),
                        involved.getName());
            }
        }
    }

    /** How many events were dropped because the backlog was full or the recorder closed. */
    public int dropped() {
        return dropped.get();
    }

    /** The Event written for {@code reason} about {@code involved} at {@code at}. */
    Event event(ObjectReference involved, Event.Type type, String reason, String message, Instant at) {
        String objectName = involved.getName().length() > MAX_OBJECT_NAME_PART
                ? involved.getName().substring(0, MAX_OBJECT_NAME_PART)
                : involved.getName();
        long nanos = at.getEpochSecond() * 1_000_000_000L + at.getNano();
        long stamp = lastStamp.updateAndGet(last -> Math.max(last + 1, nanos));
        Event.Builder event = Event.newBuilder()
                .setInvolvedObject(involved)
                .setReason(reason)
                .setMessage(message)
                .setType(type)
                .setCount(1)
                .setFirstTimestamp(ProtoTimes.wholeSeconds(at))
                .setLastTimestamp(ProtoTimes.wholeSeconds(at))
                .setSource(EventSource.newBuilder().setComponent(component))
                .setReportingController(reportingController)
                .setReportingInstance(instance);
        event.getMetadataBuilder()
                .setNamespace(involved.getNamespace().isEmpty() ? "default" : involved.getNamespace())
                .setName(objectName + "." + Long.toHexString(stamp));
        return event.build();
    }

    private void write(Event event) {
        try {
            events.create(event);
        } catch (ApiException e) {
            log.warn(
                    "Could not record event {} on {} {}/{}: {}",
                    event.getReason(),
                    event.getInvolvedObject().getKind(),
                    event.getInvolvedObject().getNamespace(),
                    event.getInvolvedObject().getName(),
                    e.getMessage());
        }
    }

    /** Stops taking events, writes those waiting for up to {@code timeout}, then drops the rest. */
    public void close(Duration timeout) {
        writers.shutdown();
        try {
            if (!writers.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                log.warn(
                        "Event writes still running after {}, dropping {} waiting",
                        timeout,
                        writers.getQueue().size());
                writers.shutdownNow();
            }
        } catch (InterruptedException e) {
            writers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(CLOSE_TIMEOUT);
    }

    /** How a recorder reports and how much it buffers. */
    public static final class Builder {
        private final KindClient<Event> events;
        private final String component;
        private String instance = "";
        private InstantSource clock = InstantSource.system();
        private @Nullable String reportingController;
        private int threads = 1;
        private int backlog = DEFAULT_BACKLOG;

        private Builder(KindClient<Event> events, String component) {
            this.events = events;
            this.component = component;
        }

        /** Which process reports: events' reportingInstance. */
        public Builder instance(String instance) {
            this.instance = instance;
            return this;
        }

        public Builder clock(InstantSource clock) {
            this.clock = clock;
            return this;
        }

        /** Events' reportingController; {@code capstan.io/<component>} unless set. */
        public Builder reportingController(String reportingController) {
            this.reportingController = reportingController;
            return this;
        }

        /** How many events are written at once; 1 unless set. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** How many events may wait before new ones are dropped; {@value ApiEventRecorder#DEFAULT_BACKLOG} unless set. */
        public Builder backlog(int backlog) {
            if (backlog < 1) {
                throw new IllegalArgumentException("backlog must be at least 1, got " + backlog);
            }
            this.backlog = backlog;
            return this;
        }

        public ApiEventRecorder build() {
            return new ApiEventRecorder(this);
        }
    }
}
