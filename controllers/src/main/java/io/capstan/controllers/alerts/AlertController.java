package io.capstan.controllers.alerts;

import io.capstan.client.KindClient;
import io.capstan.client.informer.EventHandler;
import io.capstan.client.informer.Informer;
import io.capstan.proto.api.v1.AlertRoute;
import io.capstan.proto.api.v1.Event;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Events to the webhooks of the AlertRoutes that match them: one {@link RouteWorker} thread
 * per route, started and stopped as routes come and go. The informer handlers only wake workers;
 * no webhook is ever called on an informer thread.
 */
public final class AlertController implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlertController.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final Informer<AlertRoute> routes;
    private final Informer<Event> events;
    private final KindClient<AlertRoute> api;
    private final WebhookSender sender = WebhookSender.create();
    private final AlertConfig config;
    private final InstantSource clock;
    private final Map<String, RouteWorker> workers = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private boolean started;

    public AlertController(
            Informer<AlertRoute> routes,
            Informer<Event> events,
            KindClient<AlertRoute> api,
            AlertConfig config,
            InstantSource clock) {
        this.routes = routes;
        this.events = events;
        this.api = api;
        this.config = config;
        this.clock = clock;
    }

    /** Adds the handlers; the informers are started by their owner. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("alert controller already started");
        }
        started = true;
        routes.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(AlertRoute route) {
                ensureWorker(route);
            }

            @Override
            public void onUpdate(AlertRoute oldRoute, AlertRoute newRoute) {
                ensureWorker(newRoute);
            }

            @Override
            public void onDelete(AlertRoute route) {
                RouteWorker worker = workers.remove(route.getMetadata().getName());
                if (worker != null) {
                    worker.stop();
                }
            }
        });
        events.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Event event) {
                wakeAll();
            }

            @Override
            public void onUpdate(Event oldEvent, Event newEvent) {
                wakeAll();
            }
        });
    }

    private synchronized void ensureWorker(AlertRoute route) {
        if (closed) {
            return;
        }
        String name = route.getMetadata().getName();
        RouteWorker worker = workers.get(name);
        if (worker != null && worker.uid().equals(route.getMetadata().getUid())) {
            worker.wake();
            return;
        }
        if (worker != null) {
            worker.stop();
        }
        RouteWorker created = new RouteWorker(route, routes.indexer(), events, api, sender, config, clock);
        workers.put(name, created);
        created.start();
    }

    private void wakeAll() {
        for (RouteWorker worker : workers.values()) {
            worker.wake();
        }
    }

    /** Stops every worker; an alert being sent stays recorded as in flight, for the next leader. */
    @Override
    public void close() {
        List<RouteWorker> stopping;
        synchronized (this) {
            closed = true;
            stopping = new ArrayList<>(workers.values());
            workers.clear();
        }
        for (RouteWorker worker : stopping) {
            worker.stop();
        }
        for (RouteWorker worker : stopping) {
            try {
                worker.join(STOP_TIMEOUT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.warn("interrupted while stopping the alert route workers");
                return;
            }
        }
    }
}
