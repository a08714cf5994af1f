package io.capstan.controllers.alerts;

import io.capstan.client.ApiException;
import io.capstan.client.KindClient;
import io.capstan.client.NotFoundException;
import io.capstan.client.events.ProtoTimes;
import io.capstan.client.informer.Indexer;
import io.capstan.client.informer.Informer;
import io.capstan.proto.api.v1.AlertDelivery;
import io.capstan.proto.api.v1.AlertError;
import io.capstan.proto.api.v1.AlertRoute;
import io.capstan.proto.api.v1.AlertRouteStatus;
import io.capstan.proto.api.v1.Event;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one route's alerts, one at a time and in {@link AlertOrder}, on a thread of its own so
 * that a slow webhook delays nothing else. See the package documentation for the rules.
 */
final class RouteWorker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(RouteWorker.class);
    private static final Duration IDLE_RECHECK = Duration.ofSeconds(30);

    private final String name;
    private final String uid;
    private final Indexer<AlertRoute> routes;
    private final Informer<Event> events;
    private final KindClient<AlertRoute> api;
    private final WebhookSender sender;
    private final AlertConfig config;
    private final InstantSource clock;
    private final Object lock = new Object();
    private final Map<String, Instant> lastAlertByGroup = new HashMap<>();
    private boolean changed = true; // guarded by lock
    private volatile boolean stopped;
    private @Nullable Thread thread;
    private AlertOrder considered = AlertOrder.before(Instant.EPOCH);

    RouteWorker(
            AlertRoute route,
            Indexer<AlertRoute> routes,
            Informer<Event> events,
            KindClient<AlertRoute> api,
            WebhookSender sender,
            AlertConfig config,
            InstantSource clock) {
        this.name = route.getMetadata().getName();
        this.uid = route.getMetadata().getUid();
        this.routes = routes;
        this.events = events;
        this.api = api;
        this.sender = sender;
        this.config = config;
        this.clock = clock;
    }

    String uid() {
        return uid;
    }

    synchronized void start() {
        Thread started = new Thread(this, "alert-route-" + name);
        started.setDaemon(true);
        thread = started;
        started.start();
    }

    /** Something changed: look again. Returns at once. */
    void wake() {
        synchronized (lock) {
            changed = true;
            lock.notifyAll();
        }
    }

    /** Stops at once: an attempt in progress is cancelled and stays recorded as in flight. */
    synchronized void stop() {
        stopped = true;
        if (thread != null) {
            thread.interrupt();
        }
    }

    void join(Duration timeout) throws InterruptedException {
        Thread running;
        synchronized (this) {
            running = thread;
        }
        if (running != null) {
            running.join(Math.max(1, timeout.toMillis()));
        }
    }

    @Override
    public void run() {
        try {
            while (!stopped && !events.awaitSynced(Duration.ofSeconds(1))) {
                // wait for the Event cache
            }
            Optional<AlertRoute> route = resume();
            while (!stopped && route.isPresent()) {
                awaitChange();
                deliverPending();
                route = current();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("alert route {}: delivery stopped", name, e);
        }
    }

    /** Reads the route's status from the API, re-sends its in-flight alert, and sets the cursor. */
    private Optional<AlertRoute> resume() throws InterruptedException {
        AlertRoute route;
        Duration backoff = config.initialBackoff();
        while (true) {
            try {
                route = api.get("", name);
                break;
            } catch (NotFoundException e) {
                return Optional.empty();
            } catch (ApiException e) {
                log.warn("alert route {}: cannot read its status, will retry: {}", name, e.getMessage());
                backoff = pause(backoff);
            }
        }
        if (!route.getMetadata().getUid().equals(uid)) {
            return Optional.empty();
        }
        AlertRouteStatus status = route.getStatus();
        if (status.hasLastDelivered()) {
            AlertDelivery last = status.getLastDelivered();
            considered = AlertOrder.of(last);
            // the delivery does not keep the message: the group is known while its Event is
            events.indexer()
                    .get(last.getEventNamespace(), last.getEventName())
                    .ifPresent(event -> lastAlertByGroup.put(
                            Alert.groupKey(
                                    last.getEventNamespace(), last.getObject(), last.getReason(), event.getMessage()),
                            ProtoTimes.toInstant(last.getTime())));
        } else {
            Instant created = ProtoTimes.toInstant(route.getMetadata().getCreationTimestamp());
            considered = AlertOrder.before(created.truncatedTo(ChronoUnit.SECONDS));
        }
        if (status.hasInFlight()) {
            AlertDelivery inFlight = status.getInFlight();
            Event event = events.indexer()
                    .get(inFlight.getEventNamespace(), inFlight.getEventName())
                    .orElse(null);
            Alert alert = Alert.resumed(name, inFlight, event);
            log.info("alert route {}: sending again the alert in flight, key {}", name, alert.key());
            deliver(route, alert, false);
        }
        return current();
    }

    private Optional<AlertRoute> current() {
        return routes.get("", name).filter(r -> r.getMetadata().getUid().equals(uid));
    }

    private void awaitChange() throws InterruptedException {
        synchronized (lock) {
            long deadline = System.nanoTime() + IDLE_RECHECK.toNanos();
            while (!changed && !stopped) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
            changed = false;
        }
    }

    /** Sends every pending alert in order, skipping repeats inside their group window. */
    private void deliverPending() throws InterruptedException {
        while (!stopped) {
            Optional<AlertRoute> found = current();
            if (found.isEmpty()) {
                return;
            }
            AlertRoute route = found.get();
            @Nullable Event next = null;
            @Nullable AlertOrder nextOrder = null;
            for (Event event : events.indexer().list()) {
                if (!RouteMatch.matches(route.getSpec().getMatch(), event)) {
                    continue;
                }
                AlertOrder order = AlertOrder.of(event);
                if (order.isAfter(considered) && (nextOrder == null || nextOrder.isAfter(order))) {
                    next = event;
                    nextOrder = order;
                }
            }
            if (next == null || nextOrder == null) {
                return;
            }
            Alert alert = Alert.of(name, next);
            Instant lastAlert = lastAlertByGroup.get(alert.groupKey());
            Duration window = Duration.ofSeconds(route.getSpec().getGroupWindowSeconds());
            if (lastAlert != null && !window.isZero() && alert.lastTimestamp().isBefore(lastAlert.plus(window))) {
                log.debug("alert route {}: {} grouped with the alert sent at {}", name, alert.key(), lastAlert);
                considered = nextOrder;
                continue;
            }
            deliver(route, alert, true);
        }
    }

    /**
     * Sends {@code alert} until the webhook accepts it, the Event is gone, or the worker stops;
     * records it as in flight first when {@code record}.
     */
    private void deliver(AlertRoute route, Alert alert, boolean record) throws InterruptedException {
        AlertDelivery delivery = alert.delivery();
        if (record && !writeStatus(s -> s.setInFlight(delivery))) {
            return;
        }
        Duration backoff = config.initialBackoff();
        AlertRoute latest = route;
        while (!stopped) {
            String failure = sender.post(latest.getSpec().getWebhook(), alert);
            if (failure == null) {
                writeStatus(s -> s.setLastDelivered(delivery)
                        .clearInFlight()
                        .clearLastError()
                        .setDeliveredCount(s.getDeliveredCount() + 1));
                log.info("alert route {}: delivered {}", name, alert.key());
                finished(alert);
                return;
            }
            log.warn("alert route {}: {} not delivered, retrying in {}: {}", name, alert.key(), backoff, failure);
            AlertError error = AlertError.newBuilder()
                    .setMessage(failure)
                    .setKey(alert.key())
                    .setTime(ProtoTimes.toTimestamp(clock.instant()))
                    .build();
            writeStatus(s -> s.setLastError(error).setFailedAttempts(s.getFailedAttempts() + 1));
            backoff = pause(backoff);
            Optional<Event> event = events.indexer().get(alert.namespace(), alert.eventName());
            if (event.isEmpty()
                    || !Alert.key(event.get()).startsWith(alert.order().uid() + "/")) {
                log.info("alert route {}: event of {} is gone, dropping the alert", name, alert.key());
                writeStatus(AlertRouteStatus.Builder::clearInFlight);
                finished(alert);
                return;
            }
            Optional<AlertRoute> now = current();
            if (now.isEmpty()) {
                return;
            }
            latest = now.get();
        }
    }

    private void finished(Alert alert) {
        considered = alert.order().isAfter(considered) ? alert.order() : considered;
        lastAlertByGroup.put(alert.groupKey(), alert.lastTimestamp());
    }

    /** Writes the route's status from a fresh read; false if the worker stopped or the route went away. */
    private boolean writeStatus(UnaryOperator<AlertRouteStatus.Builder> change) throws InterruptedException {
        Duration backoff = config.initialBackoff();
        while (!stopped) {
            try {
                AlertRoute route = api.get("", name);
                if (!route.getMetadata().getUid().equals(uid)) {
                    return false;
                }
                AlertRouteStatus status = change.apply(route.getStatus().toBuilder()
                                .setObservedGeneration(route.getMetadata().getGeneration()))
                        .build();
                api.updateStatus(route.toBuilder().setStatus(status).build());
                return true;
            } catch (NotFoundException e) {
                return false;
            } catch (ApiException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("stopped while writing status");
                }
                log.warn("alert route {}: status not written, will retry: {}", name, e.getMessage());
                backoff = pause(backoff);
            }
        }
        return false;
    }

    /** Waits {@code backoff} (or until stopped) and returns the next, doubled up to the maximum. */
    private Duration pause(Duration backoff) throws InterruptedException {
        Thread.sleep(Math.max(1, backoff.toMillis()));
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : doubled;
    }
}
