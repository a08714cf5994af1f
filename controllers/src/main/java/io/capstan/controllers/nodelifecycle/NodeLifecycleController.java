package io.capstan.controllers.nodelifecycle;

import io.capstan.client.ApiException;
import io.capstan.client.ConflictException;
import io.capstan.client.DeleteOptions;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectClient;
import io.capstan.client.ObjectKey;
import io.capstan.client.controller.Controller;
import io.capstan.client.controller.EventHandlers;
import io.capstan.client.controller.Reconciler;
import io.capstan.client.controller.Result;
import io.capstan.client.events.ApiEventRecorder;
import io.capstan.client.events.EventRecorder;
import io.capstan.client.informer.Indexer;
import io.capstan.client.informer.Informer;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.Lease;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.Taint;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches over nodes as Kubernetes' node lifecycle controller and its NoExecute taint manager,
 * keyed by node name. Each reconcile of a node:
 *
 * <ol>
 *   <li>notes whether its Lease (namespace {@value #LEASE_NAMESPACE}, named after the node) was
 *       renewed or its Ready heartbeat moved ({@link Heartbeats}), and once the grace period has
 *       passed without either, sets its conditions to Unknown ({@link NodeHealth}); a Ready that
 *       was True records a NodeNotReady event;
 *   <li>brings its not-ready, unreachable and pressure taints in line with its conditions ({@link
 *       NodeTaints});
 *   <li>for the pods bound to it ({@link PodActions}): marks them not ready while the node is not
 *       ready, evicts (deletes) those whose toleration of its NoExecute taints has run out, with a
 *       TaintManagerEviction event, and removes with grace 0 those left terminating past the
 *       timeout on a node still lost;
 *   <li>asks to run again at the next deadline, and at least every monitor period.
 * </ol>
 *
 * Pods bound to a node that does not exist (deleted, or never registered) are removed with grace 0
 * once the grace period has passed since their creation, as Kubernetes' pod garbage collector
 * removes orphaned pods; the pod's changes queue its node's name, so they are found.
 *
 * Eviction is not rate-limited per zone as in Kubernetes: Capstan has no zones, and a cluster
 * whose every node is lost evicts every pod.
 */
public final class NodeLifecycleController implements Reconciler {
    private static final Logger log = LoggerFactory.getLogger(NodeLifecycleController.class);
    public static final String LEASE_NAMESPACE = "kube-node-lease";
    /** The source.component of its events, as Kubernetes' node lifecycle controller names itself. */
    public static final String COMPONENT = "node-controller";

    static final String REPORTING_CONTROLLER = "capstan.io/node-lifecycle-controller";

    private final Indexer<Node> nodes;
    private final Indexer<Lease> leases;
    private final Indexer<Pod> pods;
    private final ObjectClient api;
    private final NodeLifecycleConfig config;
    private final InstantSource clock;
    private final Heartbeats heartbeats = new Heartbeats();
    private final EventRecorder events;

    /**
     * @param leases a cache of the Leases in {@value #LEASE_NAMESPACE} (others are ignored)
     * @param pods a cache of pods with the {@link Indexer#NODE_NAME} index
     * @param events where Node and Pod events go, e.g. a recorder reporting as {@link #COMPONENT}
     */
    public NodeLifecycleController(
            Indexer<Node> nodes,
            Indexer<Lease> leases,
            Indexer<Pod> pods,
            ObjectClient api,
            NodeLifecycleConfig config,
            InstantSource clock,
            EventRecorder events) {
        this.nodes = nodes;
        this.leases = leases;
        this.pods = pods;
        this.api = api;
        this.config = config;
        this.clock = clock;
        this.events = events;
    }

    /** A recorder reporting as this controller: {@value #COMPONENT}, capstan.io/node-lifecycle-controller. */
    public static ApiEventRecorder eventRecorder(ObjectClient api, InstantSource clock, String instance) {
        return ApiEventRecorder.builder(api.events(), COMPONENT)
                .reportingController(REPORTING_CONTROLLER)
                .instance(instance)
                .clock(clock)
                .build();
    }

    /**
     * The controller, fed by changes to nodes (their key), node Leases (the node's key) and pods
     * (their node's key).
     */
    public static Controller controller(
            Informer<Node> nodes,
            Informer<Lease> leases,
            Informer<Pod> pods,
            ObjectClient api,
            NodeLifecycleConfig config,
            InstantSource clock,
            EventRecorder events) {
        return Controller.named("node-lifecycle")
                .reconciler(new NodeLifecycleController(
                        nodes.indexer(), leases.indexer(), pods.indexer(), api, config, clock, events))
                .watch(nodes, EventHandlers.byKey())
                .watch(
                        leases,
                        lease -> lease.getMetadata().getNamespace().equals(LEASE_NAMESPACE)
                                ? List.of(ObjectKey.cluster(lease.getMetadata().getName()))
                                : List.of())
                .watch(
                        pods,
                        pod -> pod.getSpec().getNodeName().isEmpty()
                                ? List.of()
                                : List.of(ObjectKey.cluster(pod.getSpec().getNodeName())))
                .workers(2)
                .build();
    }

    @Override
    public Result reconcile(ObjectKey key) {
        Optional<Node> found = nodes.get(key);
        if (found.isEmpty()) {
            heartbeats.forget(key.name());
            return removeOrphans(key.name());
        }
        Instant now = clock.instant();
        Node node = found.get();
        Lease lease = leases.get(LEASE_NAMESPACE, key.name()).orElse(null);
        Instant probe = heartbeats.observe(node, lease, now);
        NodeHealth.Assessment health = NodeHealth.assess(node, probe, now, config);
        if (health.changed()) {
            ConditionStatus before = NodeHealth.readyStatus(node.getStatus());
            node = api.nodes()
                    .updateStatus(node.toBuilder().setStatus(health.status()).build());
            log.info("Node {} stopped posting status, conditions set to Unknown (last sign of life {})", key, probe);
            if (before == ConditionStatus.CONDITION_STATUS_TRUE) {
                events.record(
                        EventRecorder.reference("v1", "Node", node.getMetadata()),
                        Event.Type.TYPE_NORMAL,
                        "NodeNotReady",
                        "Node " + key.name() + " status is now: NodeNotReady");
            }
        }
        List<Taint> taints = NodeTaints.reconcile(node.getSpec(), node.getStatus(), now);
        if (!taints.equals(node.getSpec().getTaintsList())) {
            node = api.nodes()
                    .update(node.toBuilder()
                            .setSpec(node.getSpec().toBuilder().clearTaints().addAllTaints(taints))
                            .build());
            log.info(
                    "Node {} taints now {}",
                    key,
                    taints.stream().map(NodeLifecycleController::describe).toList());
        }
        ConditionStatus ready = NodeHealth.readyStatus(node.getStatus());
        PodActions actions = PodActions.plan(ready, taints, pods.byIndex(Indexer.NODE_NAME, key.name()), config, now);
        List<ApiException> failures = new ArrayList<>();
        for (Pod pod : actions.evict()) {
            evict(pod, failures);
        }
        for (Pod pod : actions.forceRemove()) {
            forceRemove(pod, failures);
        }
        for (Pod pod : actions.notReady()) {
            markNotReady(pod, failures);
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        return Result.requeueAfter(nextLook(now, health.staleAt(), actions.nextDeadline()));
    }

    /**
     * Removes the pods bound to {@code nodeName}, which is not in the cache, once the API confirms
     * it does not exist and each pod has been quarantined ({@link Evictions#orphanRemovalTime}).
     */
    private Result removeOrphans(String nodeName) {
        List<Pod> orphans = pods.byIndex(Indexer.NODE_NAME, nodeName);
        if (orphans.isEmpty() || nodeExists(nodeName)) {
            return Result.done();
        }
        Instant now = clock.instant();
        List<ApiException> failures = new ArrayList<>();
        Optional<Instant> next = Optional.empty();
        for (Pod pod : orphans) {
            Instant due = Evictions.orphanRemovalTime(pod, config.gracePeriod());
            if (due.isAfter(now)) {
                next = Optional.of(next.map(n -> Times.earlier(n, due)).orElse(due));
            } else {
                forceRemove(pod, failures);
            }
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        return next.map(at -> Result.requeueAfter(Duration.between(now, at).plusMillis(1)))
                .orElse(Result.done());
    }

    /** Asked of the API: the cache may not have seen a node that registered a moment ago. */
    private boolean nodeExists(String nodeName) {
        try {
            api.nodes().get("", nodeName);
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private void evict(Pod pod, List<ApiException> failures) {
        try {
            api.pods()
                    .delete(
                            pod.getMetadata().getNamespace(),
                            pod.getMetadata().getName(),
                            DeleteOptions.defaults()
                                    .withPreconditions(pod.getMetadata().getUid(), ""));
            log.info(
                    "Evicted pod {}/{} from node {}",
                    pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName(),
                    pod.getSpec().getNodeName());
            events.record(
                    EventRecorder.reference("v1", "Pod", pod.getMetadata()),
                    Event.Type.TYPE_NORMAL,
                    "TaintManagerEviction",
                    "Marking for deletion Pod " + pod.getMetadata().getNamespace() + "/"
                            + pod.getMetadata().getName());
        } catch (NotFoundException e) {
            // gone already
        } catch (ApiException e) {
            failures.add(e);
        }
    }

    private void forceRemove(Pod pod, List<ApiException> failures) {
        try {
            api.pods()
                    .delete(
                            pod.getMetadata().getNamespace(),
                            pod.getMetadata().getName(),
                            DeleteOptions.defaults()
                                    .withGracePeriod(Duration.ZERO)
                                    .withPreconditions(pod.getMetadata().getUid(), ""));
            log.info(
                    "Removed pod {}/{} of lost or missing node {}",
                    pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName(),
                    pod.getSpec().getNodeName());
        } catch (NotFoundException e) {
            // gone already
        } catch (ApiException e) {
            failures.add(e);
        }
    }

    private void markNotReady(Pod pod, List<ApiException> failures) {
        try {
            api.pods().updateStatus(pod);
            events.record(
                    EventRecorder.reference("v1", "Pod", pod.getMetadata()),
                    Event.Type.TYPE_WARNING,
                    "NodeNotReady",
                    "Node is not ready");
        } catch (NotFoundException e) {
            // gone already
        } catch (ConflictException e) {
            failures.add(e); // written meanwhile: look again with the newer pod
        } catch (ApiException e) {
            failures.add(e);
        }
    }

    /** The sooner of the monitor period and the next deadline still ahead. */
    private Duration nextLook(Instant now, Instant staleAt, Optional<Instant> podDeadline) {
        Duration next = config.monitorPeriod();
        List<Instant> deadlines = new ArrayList<>();
        deadlines.add(staleAt);
        podDeadline.ifPresent(deadlines::add);
        for (Instant deadline : deadlines) {
            // just past the deadline: the node is stale only once the grace period has passed
            Duration until = Duration.between(now, deadline).plusMillis(1);
            if (!until.isNegative() && !until.isZero() && until.compareTo(next) < 0) {
                next = until;
            }
        }
        return next;
    }

    private static String describe(Taint taint) {
        return taint.getKey() + ":" + taint.getEffect().name().replace("TAINT_EFFECT_", "");
    }
}
