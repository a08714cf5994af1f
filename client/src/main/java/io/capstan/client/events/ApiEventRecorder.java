package io.capstan.client.events;

import io.capstan.client.ApiException;
import io.capstan.client.KindClient;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.EventSource;
import io.capstan.proto.api.v1.ObjectReference;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events through the API on a thread of its own, so that a controller never waits for them;
 * at most {@value #BACKLOG} wait, and further ones are dropped (client-go's broadcaster does the
 * same), as are those the API refuses. {@link #close()} stops taking events and drops the backlog.
 */
public final class ApiEventRecorder implements EventRecorder, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiEventRecorder.class);
    static final int BACKLOG = 1000;

    private final KindClient<Event> events;
    private final String component;
    private final String instance;
    private final InstantSource clock;
    private final ExecutorService writer;

    /**
     * @param component who reports, e.g. {@code deployment-controller}; events carry it as source
     *     and as reporting controller {@code capstan.io/<component>}
     * @param instance which process reports, e.g. its host name
     */
    public ApiEventRecorder(KindClient<Event> events, String component, String instance, InstantSource clock) {
        this.events = events;
        this.component = component;
        this.instance = instance;
        this.clock = clock;
        this.writer =
                new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(BACKLOG), runnable -> {
                    Thread thread = new Thread(runnable, "events-" + component);
                    thread.setDaemon(true);
                    return thread;
                });
    }

    @Override
    public void record(ObjectReference involved, Event.Type type, String reason, String message) {
        Instant now = clock.instant();
        Event.Builder event = Event.newBuilder()
                .setInvolvedObject(involved)
                .setReason(reason)
                .setMessage(message)
                .setType(type)
                .setCount(1)
                .setFirstTimestamp(ProtoTimes.wholeSeconds(now))
                .setLastTimestamp(ProtoTimes.wholeSeconds(now))
                .setSource(EventSource.newBuilder().setComponent(component))
                .setReportingController("capstan.io/" + component)
                .setReportingInstance(instance);
        event.getMetadataBuilder()
                .setNamespace(involved.getNamespace().isEmpty() ? "default" : involved.getNamespace())
                .setName(involved.getName() + "."
                        + Long.toHexString(now.getEpochSecond() * 1_000_000_000L + now.getNano()));
        Event built = event.build();
        try {
            writer.execute(() -> write(built));
        } catch (RejectedExecutionException e) {
            log.warn(
                    "Dropped event {} {} on {}/{}: backlog full or recorder closed",
                    reason,
                    message,
                    involved.getNamespace(),
                    involved.getName());
        }
    }

    private void write(Event event) {
        try {
            events.create(event);
        } catch (ApiException e) {
            log.warn(
                    "Could not record event {} on {}: {}",
                    event.getReason(),
                    event.getInvolvedObject().getName(),
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        writer.shutdownNow();
    }
}
