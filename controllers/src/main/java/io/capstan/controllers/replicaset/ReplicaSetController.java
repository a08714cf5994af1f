package io.capstan.controllers.replicaset;

import io.capstan.api.selector.LabelSelector;
import io.capstan.client.ApiException;
import io.capstan.client.ConflictException;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectClient;
import io.capstan.client.ObjectKey;
import io.capstan.client.controller.Controller;
import io.capstan.client.controller.Reconciler;
import io.capstan.client.controller.Result;
import io.capstan.client.events.EventRecorder;
import io.capstan.client.informer.EventHandler;
import io.capstan.client.informer.Indexer;
import io.capstan.client.informer.Informer;
import io.capstan.client.workqueue.WorkQueue;
import io.capstan.controllers.common.Claim;
import io.capstan.controllers.common.ControllerRef;
import io.capstan.controllers.common.Expectations;
import io.capstan.controllers.common.Pods;
import io.capstan.controllers.common.Replicas;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.ObjectReference;
import io.capstan.proto.api.v1.OwnerReference;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.ReplicaSet;
import io.capstan.proto.api.v1.ReplicaSetStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each ReplicaSet's active pods at spec.replicas, as Kubernetes' ReplicaSet controller:
 *
 * <ol>
 *   <li>claim: the active pods it controls and matching orphans it adopts (releasing controlled
 *       pods that stopped matching);
 *   <li>unless creations or deletions it asked for are still unseen ({@link Expectations}),
 *       create the missing pods in slow-start batches, or delete the surplus in {@link PodRanking}
 *       order;
 *   <li>report replicas, fullyLabeled, ready and available replicas, observedGeneration, and a
 *       ReplicaFailure condition while creating or deleting fails.
 * </ol>
 *
 * Pods being deleted or finished do not count. Informer handlers tell the expectations what they
 * saw before queueing the ReplicaSet, so a sync never waits on an observation already made.
 */
public final class ReplicaSetController implements Reconciler {
    private static final Logger log = LoggerFactory.getLogger(ReplicaSetController.class);
    static final String COMPONENT = "replicaset-controller";

    private final Indexer<ReplicaSet> replicaSets;
    private final Indexer<Pod> pods;
    private final ReplicaSetApi api;
    private final Expectations expectations;
    private final EventRecorder events;
    private final InstantSource clock;

    ReplicaSetController(
            Indexer<ReplicaSet> replicaSets,
            Indexer<Pod> pods,
            ReplicaSetApi api,
            Expectations expectations,
            EventRecorder events,
            InstantSource clock) {
        this.replicaSets = replicaSets;
        this.pods = pods;
        this.api = api;
        this.expectations = expectations;
        this.events = events;
        this.clock = clock;
    }

    /**
     * The controller over {@code client}, fed by the two informers (which the caller starts and
     * stops); start it with {@link Controller#start()}.
     */
    public static Controller create(
            ObjectClient client,
            Informer<ReplicaSet> replicaSetInformer,
            Informer<Pod> podInformer,
            EventRecorder events,
            InstantSource clock,
            int workers) {
        Expectations expectations = new Expectations(clock);
        ReplicaSetController reconciler = new ReplicaSetController(
                replicaSetInformer.indexer(),
                podInformer.indexer(),
                new ClientReplicaSetApi(client),
                expectations,
                events,
                clock);
        Controller controller = Controller.named("replicaset")
                .reconciler(reconciler)
                .watch(replicaSetInformer, rs -> List.of())
                .watch(podInformer, pod -> List.of())
                .workers(workers)
                .build();
        replicaSetInformer.addHandler(reconciler.replicaSetHandler(controller.queue()));
        podInformer.addHandler(reconciler.podHandler(controller.queue()));
        return controller;
    }

    @Override
    public Result reconcile(ObjectKey key) throws Exception {
        String expectationKey = key.toString();
        Optional<ReplicaSet> found = replicaSets.get(key);
        if (found.isEmpty()) {
            expectations.delete(expectationKey);
            return Result.done(); // gone; the garbage collector removes its pods
        }
        ReplicaSet rs = found.get();
        LabelSelector selector;
        try {
            selector = LabelSelector.fromProto(rs.getSpec().getSelector(), "spec.selector");
        } catch (IllegalArgumentException e) {
            events.warning(reference(rs), "InvalidSelector", String.valueOf(e.getMessage()));
            return Result.done();
        }
        boolean needsSync =
                expectations.satisfied(expectationKey) && !rs.getMetadata().hasDeletionTimestamp();
        List<Pod> owned = claimPods(rs, selector);

        @Nullable String failure = null;
        if (needsSync) {
            failure = manageReplicas(rs, owned, expectationKey);
        }
        Instant now = clock.instant();
        ReplicaSetStatus status = ReplicaSetStatuses.calculate(rs, owned, failure, now);
        if (!status.equals(rs.getStatus())) {
            writeStatus(rs, status);
        }
        if (failure != null) {
            throw new IllegalStateException("replica set " + key + ": " + failure);
        }
        Optional<Duration> recheck = ReplicaSetStatuses.nextAvailabilityCheck(rs, owned, now);
        return recheck.map(Result::requeueAfter).orElseGet(Result::done);
    }

    /**
     * Writes the status; on a conflict (the spec changed meanwhile, say) once more onto a fresh
     * read, as Kubernetes does: the status keeps the observedGeneration it was computed for.
     */
    private void writeStatus(ReplicaSet rs, ReplicaSetStatus status) {
        try {
            api.updateStatus(rs.toBuilder().setStatus(status).build());
        } catch (ConflictException e) {
            Optional<ReplicaSet> fresh = api.getReplicaSet(
                    rs.getMetadata().getNamespace(), rs.getMetadata().getName());
            if (fresh.isEmpty()
                    || !fresh.get()
                            .getMetadata()
                            .getUid()
                            .equals(rs.getMetadata().getUid())) {
                return; // gone
            }
            api.updateStatus(fresh.get().toBuilder().setStatus(status).build());
        }
    }

    /**
     * The active pods the ReplicaSet controls after adopting matching orphans and releasing
     * controlled pods that no longer match (Kubernetes' ClaimPods).
     */
    private List<Pod> claimPods(ReplicaSet rs, LabelSelector selector) {
        ObjectMeta owner = rs.getMetadata();
        Map<String, Pod> candidates = new LinkedHashMap<>();
        for (Pod pod : pods.list(owner.getNamespace(), selector)) {
            candidates.put(pod.getMetadata().getName(), pod);
        }
        for (Pod pod : pods.byIndex(Indexer.OWNER_UID, owner.getUid())) {
            if (pod.getMetadata().getNamespace().equals(owner.getNamespace())) {
                candidates.putIfAbsent(pod.getMetadata().getName(), pod);
            }
        }
        List<Pod> claimed = new ArrayList<>();
        boolean ownerChecked = false;
        for (Pod pod : candidates.values()) {
            if (!Pods.isActive(pod)) {
                continue;
            }
            Claim claim = Claim.decide(owner, owner.hasDeletionTimestamp(), selector, pod.getMetadata());
            switch (claim) {
                case OWNED -> claimed.add(pod);
                case ADOPT -> {
                    if (!ownerChecked) {
                        if (!stillTheSameAndAlive(rs)) {
                            return claimed;
                        }
                        ownerChecked = true;
                    }
                    adopt(rs, pod).ifPresent(claimed::add);
                }
                case RELEASE -> release(rs, pod);
                case IGNORE -> {}
            }
        }
        return claimed;
    }

    /** Kubernetes' RecheckDeletionTimestamp: adopt only for a ReplicaSet the API still has alive. */
    private boolean stillTheSameAndAlive(ReplicaSet rs) {
        Optional<ReplicaSet> fresh = api.getReplicaSet(
                rs.getMetadata().getNamespace(), rs.getMetadata().getName());
        return fresh.isPresent()
                && fresh.get().getMetadata().getUid().equals(rs.getMetadata().getUid())
                && !fresh.get().getMetadata().hasDeletionTimestamp();
    }

    private Optional<Pod> adopt(ReplicaSet rs, Pod pod) {
        OwnerReference ref = ControllerRef.to(PodTemplates.API_VERSION, PodTemplates.KIND, rs.getMetadata());
        try {
            Pod adopted = api.updatePod(pod.toBuilder()
                    .setMetadata(ControllerRef.adopted(pod.getMetadata(), ref))
                    .build());
            log.debug(
                    "Adopted pod {} into {}",
                    pod.getMetadata().getName(),
                    rs.getMetadata().getName());
            return Optional.of(adopted);
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    private void release(ReplicaSet rs, Pod pod) {
        try {
            api.updatePod(pod.toBuilder()
                    .setMetadata(ControllerRef.released(
                            pod.getMetadata(), rs.getMetadata().getUid()))
                    .build());
            log.debug(
                    "Released pod {} from {}",
                    pod.getMetadata().getName(),
                    rs.getMetadata().getName());
        } catch (NotFoundException e) {
            // gone already
        }
    }

    /** Creates or deletes pods toward spec.replicas; returns why it failed, or null. */
    private @Nullable String manageReplicas(ReplicaSet rs, List<Pod> owned, String key) {
        int diff = owned.size() - Replicas.of(rs);
        if (diff < 0) {
            return createPods(rs, Math.min(-diff, SlowStart.BURST_REPLICAS), key);
        }
        if (diff > 0) {
            return deletePods(rs, owned, Math.min(diff, SlowStart.BURST_REPLICAS), key);
        }
        return null;
    }

    private @Nullable String createPods(ReplicaSet rs, int count, String key) {
        // Expect first: the informer may see a pod before create() even returns.
        expectations.expectCreations(key, count);
        int attempted = 0;
        String failure = null;
        for (int batch : SlowStart.batches(count)) {
            for (int i = 0; i < batch; i++) {
                attempted++;
                try {
                    Pod created = api.createPod(PodTemplates.newPod(rs));
                    events.normal(
                            reference(rs),
                            "SuccessfulCreate",
                            "Created pod: " + created.getMetadata().getName());
                } catch (ApiException e) {
                    expectations.creationObserved(key);
                    if (failure == null) {
                        failure = e.getMessage();
                        events.warning(reference(rs), "FailedCreate", "Error creating: " + e.getMessage());
                    }
                }
            }
            if (failure != null) {
                break;
            }
        }
        if (attempted < count) {
            // The rest was never asked for: nothing will be observed of it.
            expectations.creationsObserved(key, count - attempted);
        }
        return failure;
    }

    private @Nullable String deletePods(ReplicaSet rs, List<Pod> owned, int count, String key) {
        List<Pod> victims = PodRanking.podsToDelete(owned, relatedPods(rs), count, clock.instant());
        List<String> victimKeys =
                victims.stream().map(ReplicaSetController::podKey).toList();
        expectations.expectDeletions(key, victimKeys);
        String failure = null;
        for (Pod pod : victims) {
            try {
                api.deletePod(pod);
                events.normal(
                        reference(rs),
                        "SuccessfulDelete",
                        "Deleted pod: " + pod.getMetadata().getName());
            } catch (NotFoundException e) {
                expectations.deletionObserved(key, podKey(pod));
            } catch (ApiException e) {
                expectations.deletionObserved(key, podKey(pod));
                if (failure == null) {
                    failure = e.getMessage();
                    events.warning(reference(rs), "FailedDelete", "Error deleting: " + e.getMessage());
                }
            }
        }
        return failure;
    }

    /**
     * The pods of every ReplicaSet with the same controller as {@code rs} (its siblings in a
     * deployment), or just its own when it has none: for ranking pods on crowded nodes.
     */
    private List<Pod> relatedPods(ReplicaSet rs) {
        Optional<OwnerReference> controller = ControllerRef.of(rs.getMetadata());
        List<ReplicaSet> siblings = controller.isPresent()
                ? replicaSets.byIndex(Indexer.OWNER_UID, controller.get().getUid())
                : List.of(rs);
        List<Pod> related = new ArrayList<>();
        for (ReplicaSet sibling : siblings) {
            for (Pod pod : pods.byIndex(Indexer.OWNER_UID, sibling.getMetadata().getUid())) {
                if (ControllerRef.isControlledBy(
                        pod.getMetadata(), sibling.getMetadata().getUid())) {
                    related.add(pod);
                }
            }
        }
        return related;
    }

    // ---------------------------------------------------------------------------------------------
    // informer handlers: observe for the expectations, then queue keys

    EventHandler<ReplicaSet> replicaSetHandler(WorkQueue<ObjectKey> queue) {
        return new EventHandler<>() {
            @Override
            public void onAdd(ReplicaSet rs) {
                queue.add(ObjectKey.of(rs.getMetadata()));
            }

            @Override
            public void onUpdate(ReplicaSet oldRs, ReplicaSet newRs) {
                queue.add(ObjectKey.of(newRs.getMetadata()));
            }

            @Override
            public void onDelete(ReplicaSet rs) {
                ObjectKey key = ObjectKey.of(rs.getMetadata());
                expectations.delete(key.toString());
                queue.add(key);
            }
        };
    }

    EventHandler<Pod> podHandler(WorkQueue<ObjectKey> queue) {
        return new EventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                if (pod.getMetadata().hasDeletionTimestamp()) {
                    // A pod can be seen first already being deleted (after a relist).
                    onDelete(pod);
                    return;
                }
                Optional<ReplicaSet> owner = controllingReplicaSet(pod.getMetadata());
                if (owner.isPresent()) {
                    ObjectKey key = ObjectKey.of(owner.get().getMetadata());
                    expectations.creationObserved(key.toString());
                    queue.add(key);
                    return;
                }
                if (ControllerRef.of(pod.getMetadata()).isEmpty()) {
                    matchingReplicaSets(pod.getMetadata()).forEach(queue::add);
                }
            }

            @Override
            public void onUpdate(Pod oldPod, Pod newPod) {
                ObjectMeta was = oldPod.getMetadata();
                ObjectMeta now = newPod.getMetadata();
                if (was.getResourceVersion().equals(now.getResourceVersion())) {
                    return; // a resync: nothing changed
                }
                boolean labelsChanged = !was.getLabelsMap().equals(now.getLabelsMap());
                if (now.hasDeletionTimestamp()) {
                    // Deletion has started: the pod no longer counts, so count it as deleted now.
                    onDelete(newPod);
                    if (labelsChanged) {
                        onDelete(oldPod);
                    }
                    return;
                }
                Optional<OwnerReference> oldRef = ControllerRef.of(was);
                Optional<OwnerReference> newRef = ControllerRef.of(now);
                boolean refChanged = !oldRef.equals(newRef);
                if (refChanged && oldRef.isPresent()) {
                    controllingReplicaSet(was).ifPresent(rs -> queue.add(ObjectKey.of(rs.getMetadata())));
                }
                if (newRef.isPresent()) {
                    controllingReplicaSet(now).ifPresent(rs -> queue.add(ObjectKey.of(rs.getMetadata())));
                    return;
                }
                if (labelsChanged || refChanged) {
                    matchingReplicaSets(now).forEach(queue::add);
                }
            }

            @Override
            public void onDelete(Pod pod) {
                Optional<ReplicaSet> owner = controllingReplicaSet(pod.getMetadata());
                if (owner.isPresent()) {
                    ObjectKey key = ObjectKey.of(owner.get().getMetadata());
                    expectations.deletionObserved(key.toString(), podKey(pod));
                    queue.add(key);
                }
            }
        };
    }

    /** The cached ReplicaSet the pod's controller reference names, if it is that very one (uid). */
    private Optional<ReplicaSet> controllingReplicaSet(ObjectMeta pod) {
        Optional<OwnerReference> ref = ControllerRef.of(pod);
        if (ref.isEmpty() || !ref.get().getKind().equals(PodTemplates.KIND)) {
            return Optional.empty();
        }
        return replicaSets
                .get(pod.getNamespace(), ref.get().getName())
                .filter(rs -> rs.getMetadata().getUid().equals(ref.get().getUid()));
    }

    /** ReplicaSets in the pod's namespace whose selector matches it: who might adopt it. */
    private List<ObjectKey> matchingReplicaSets(ObjectMeta pod) {
        List<ObjectKey> keys = new ArrayList<>();
        for (ReplicaSet rs : replicaSets.list(pod.getNamespace())) {
            try {
                if (LabelSelector.fromProto(rs.getSpec().getSelector()).matches(pod.getLabelsMap())) {
                    keys.add(ObjectKey.of(rs.getMetadata()));
                }
            } catch (IllegalArgumentException e) {
                // an invalid selector adopts nothing; its own sync reports it
            }
        }
        return keys;
    }

    static String podKey(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    private static ObjectReference reference(ReplicaSet rs) {
        return EventRecorder.reference(PodTemplates.API_VERSION, PodTemplates.KIND, rs.getMetadata());
    }
}
