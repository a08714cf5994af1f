package io.capstan.kubelet.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import io.capstan.kubelet.runtime.ContainerLabels;
import io.capstan.kubelet.runtime.ContainerListener;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's container events for one node's containers (start, die, oom, destroy), told to the
 * runtime's listener. When the stream breaks (engine restarted, connection lost) it reconnects after
 * a back-off of 1 s doubling to 30 s, asking for the events since the last one it saw, so a change
 * made while disconnected is told late (perhaps twice) rather than lost.
 */
final class EventStream implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventStream.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final DockerClient client;
    private final String node;
    private final Supplier<ContainerListener> listener;
    private final ScheduledExecutorService scheduler;

    // all guarded by this
    private boolean closed;
    private int generation;
    private @Nullable DockerStream<Event> current;
    private Duration retryDelay = FIRST_RETRY;
    /** Epoch seconds to replay from on a reconnect: the last event seen, or when the stream began. */
    private long since;

    EventStream(
            DockerClient client,
            String node,
            Supplier<ContainerListener> listener,
            ScheduledExecutorService scheduler) {
        this.client = client;
        this.node = node;
        this.listener = listener;
        this.scheduler = scheduler;
    }

    void start() {
        synchronized (this) {
            since = Instant.now().getEpochSecond();
        }
        connect(false);
    }

    /** Ends the current connection as if the engine had dropped it; for tests of the reconnect. */
    void breakConnection() {
        DockerStream<Event> stream;
        synchronized (this) {
            stream = current;
        }
        if (stream != null) {
            stream.onError(new IllegalStateException("connection broken by a test"));
        }
    }

    private void connect(boolean replay) {
        DockerStream<Event> stream;
        String replayFrom;
        synchronized (this) {
            if (closed) {
                return;
            }
            int connection = ++generation;
            stream = new DockerStream<>(new DockerStream.Handler<>() {
                @Override
                public void item(Event event) {
                    received(event);
                }

                @Override
                public void ended(@Nullable Throwable error) {
                    disconnected(connection, error);
                }
            });
            current = stream;
            replayFrom = Long.toString(since);
        }
        var command = client.eventsCmd()
                .withEventTypeFilter(EventType.CONTAINER)
                .withLabelFilter(Map.of(ContainerLabels.NODE, node))
                .withEventFilter("start", "die", "oom", "destroy");
        if (replay) {
            command.withSince(replayFrom);
        }
        try {
            command.exec(stream);
        } catch (RuntimeException e) {
            stream.onError(e);
        }
    }

    private void received(Event event) {
        Long time = event.getTime();
        synchronized (this) {
            retryDelay = FIRST_RETRY;
            if (time != null && time > since) {
                since = time;
            }
        }
        if (event.getActor() == null || event.getActor().getAttributes() == null) {
            return;
        }
        ContainerLabels labels = ContainerLabels.fromMap(event.getActor().getAttributes());
        String id = event.getActor().getId() != null ? event.getActor().getId() : event.getId();
        if (labels == null || id == null || !labels.node().equals(node)) {
            return;
        }
        log.debug("Container event {} id={} pod={}/{}", event.getAction(), id, labels.podNamespace(), labels.podName());
        try {
            listener.get().changed(labels, id);
        } catch (RuntimeException e) {
            log.warn("Container listener failed on {} of {}", event.getAction(), id, e);
        }
    }

    private synchronized void disconnected(int connection, @Nullable Throwable error) {
        if (closed || connection != generation) {
            return;
        }
        Duration delay = retryDelay;
        retryDelay = retryDelay.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retryDelay.multipliedBy(2);
        if (error == null) {
            log.warn("Docker events stream of node {} ended; reconnecting in {} ms", node, delay.toMillis());
        } else {
            log.warn(
                    "Docker events stream of node {} failed ({}); reconnecting in {} ms",
                    node,
                    DockerEngine.message(error),
                    delay.toMillis());
        }
        try {
            scheduler.schedule(() -> connect(true), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("Not reconnecting the events stream: the runtime is closing");
        }
    }

    /** The number of connections made so far; for tests. */
    synchronized int connections() {
        return generation;
    }

    @Override
    public void close() {
        DockerStream<Event> stream;
        synchronized (this) {
            closed = true;
            stream = current;
        }
        if (stream != null) {
            stream.close();
        }
    }
}
