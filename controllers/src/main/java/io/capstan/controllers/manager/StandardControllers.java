package io.capstan.controllers.manager;

import com.google.protobuf.Message;
import io.capstan.client.Kind;
import io.capstan.client.ListOptions;
import io.capstan.client.ObjectClient;
import io.capstan.client.controller.Controller;
import io.capstan.client.events.ApiEventRecorder;
import io.capstan.client.informer.Informer;
import io.capstan.controllers.alerts.AlertConfig;
import io.capstan.controllers.alerts.AlertController;
import io.capstan.controllers.deployment.DeploymentController;
import io.capstan.controllers.endpoints.EndpointsController;
import io.capstan.controllers.gc.GarbageCollector;
import io.capstan.controllers.namespace.NamespaceController;
import io.capstan.controllers.nodelifecycle.NodeLifecycleController;
import io.capstan.controllers.replicaset.ReplicaSetController;
import io.capstan.controllers.scheduler.SchedulerController;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every controller of {@code capstan controller-manager}, over one shared informer per kind (all
 * namespaces), created afresh each time this instance becomes leader so that no state survives a
 * lost leadership.
 */
public final class StandardControllers implements ControllerManager.Component {
    private final ObjectClient client;
    private final ControllerManagerConfig config;
    private final Map<Kind<?>, Informer<?>> informers = new LinkedHashMap<>();
    private final List<Controller> controllers = new ArrayList<>();
    private final List<AutoCloseable> others = new ArrayList<>();
    private final SchedulerController scheduler;
    private final AlertController alerts;

    public StandardControllers(ObjectClient client, ControllerManagerConfig config) {
        this.client = client;
        this.config = config;
        InstantSource clock = InstantSource.system();
        // The scheduler keeps informers of its own: its snapshot must see every pod and node event from the start.
        scheduler = SchedulerController.create(client, clock, config.identity(), SchedulerController.DEFAULT_WORKERS);

        ApiEventRecorder replicaSetEvents =
                new ApiEventRecorder(client.events(), "replicaset-controller", config.identity(), clock);
        ApiEventRecorder deploymentEvents =
                new ApiEventRecorder(client.events(), "deployment-controller", config.identity(), clock);
        ApiEventRecorder nodeEvents = NodeLifecycleController.eventRecorder(client, clock, config.identity());
        others.add(replicaSetEvents);
        others.add(deploymentEvents);
        others.add(nodeEvents);
        controllers.add(ReplicaSetController.create(
                client, informer(Kind.REPLICA_SET), informer(Kind.POD), replicaSetEvents, clock, 4));
        controllers.add(DeploymentController.create(
                client,
                informer(Kind.DEPLOYMENT),
                informer(Kind.REPLICA_SET),
                informer(Kind.POD),
                deploymentEvents,
                clock,
                4));
        controllers.add(NodeLifecycleController.controller(
                informer(Kind.NODE),
                informer(Kind.LEASE),
                informer(Kind.POD),
                client,
                config.nodeLifecycle(),
                clock,
                nodeEvents));
        controllers.add(EndpointsController.controller(
                informer(Kind.SERVICE), informer(Kind.POD), informer(Kind.ENDPOINTS), client.kind(Kind.ENDPOINTS)));
        controllers.add(
                NamespaceController.controller(informer(Kind.NAMESPACE), client, config.namespaceRecheck(), clock));
        List<Informer<?>> owned = new ArrayList<>();
        for (Kind<?> kind : Kind.all()) {
            if (kind != Kind.EVENT) {
                owned.add(informer(kind));
            }
        }
        // Alerts get a thread per route: a slow webhook never holds up the controllers above.
        alerts = new AlertController(
                informer(Kind.ALERT_ROUTE), informer(Kind.EVENT), client.alertRoutes(), AlertConfig.defaults(), clock);
        GarbageCollector gc = GarbageCollector.create(client, owned);
        others.add(gc);
        controllers.addAll(gc.controllers());
    }

    @SuppressWarnings("unchecked")
    private <T extends Message> Informer<T> informer(Kind<T> kind) {
        return (Informer<T>) informers.computeIfAbsent(
                kind, k -> Informer.create(client.kind(kind), ListOptions.all(), config.resync()));
    }

    @Override
    public void start() {
        for (Informer<?> informer : informers.values()) {
            informer.start();
        }
        for (Controller controller : controllers) {
            controller.start();
        }
        scheduler.start();
        alerts.start();
    }

    @Override
    public void close() {
        alerts.close();
        scheduler.close();
        for (Controller controller : controllers) {
            controller.close();
        }
        for (AutoCloseable other : others) {
            try {
                other.close();
            } catch (Exception e) {
                // closing is best effort: the next leader term starts from scratch
            }
        }
        for (Informer<?> informer : informers.values()) {
            informer.close();
        }
    }
}
