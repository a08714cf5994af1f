package io.capstan.controllers.common;

import io.capstan.client.ApiException;
import io.capstan.client.ConflictException;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectClient;
import io.capstan.client.ObjectKey;
import io.capstan.client.events.ProtoTimes;
import io.capstan.client.informer.EventHandler;
import io.capstan.client.informer.Indexer;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in for every kubelet: marks each pod it hears of Running and Ready (after a delay set per
 * namespace, or never), without binding it to a node. Pods without a node are deleted at once by
 * the API server, so scale-downs need nothing more from it.
 */
public final class FakeKubelet implements EventHandler<Pod>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FakeKubelet.class);
    private static final Duration NEVER = Duration.ofDays(365);

    private final ObjectClient client;
    private final Indexer<Pod> cache;
    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(2, runnable -> {
        Thread thread = new Thread(runnable, "fake-kubelet");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Duration> delays = new ConcurrentHashMap<>();
    private final Map<ObjectKey, Boolean> scheduled = new ConcurrentHashMap<>();

    /** @param cache the pods this kubelet hears of, to revisit when a namespace turns ready */
    public FakeKubelet(ObjectClient client, Indexer<Pod> cache) {
        this.client = client;
        this.cache = cache;
    }

    /** Pods in {@code namespace} turn ready this long after they are first seen. */
    public void readyAfter(String namespace, Duration delay) {
        delays.put(namespace, delay);
    }

    /** Pods in {@code namespace} not yet ready stay so. */
    public void neverReady(String namespace) {
        delays.put(namespace, NEVER);
    }

    /** Pods in {@code namespace}, those waiting already included, turn ready at once. */
    public void readyNow(String namespace) {
        delays.put(namespace, Duration.ZERO);
        cache.list(namespace).forEach(this::consider);
    }

    @Override
    public void onAdd(Pod pod) {
        consider(pod);
    }

    @Override
    public void onUpdate(Pod oldPod, Pod newPod) {
        consider(newPod);
    }

    private void consider(Pod pod) {
        if (Pods.isReady(pod) || Pods.isBeingDeleted(pod)) {
            return;
        }
        Duration delay = delays.getOrDefault(pod.getMetadata().getNamespace(), Duration.ZERO);
        if (delay.equals(NEVER)) {
            return;
        }
        ObjectKey key = ObjectKey.of(pod.getMetadata());
        if (scheduled.putIfAbsent(key, Boolean.TRUE) == null) {
            executor.schedule(() -> markReady(key), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void markReady(ObjectKey key) {
        try {
            for (int attempt = 0; attempt < 10; attempt++) {
                Pod pod = client.pods().get(key);
                if (Pods.isReady(pod) || Pods.isBeingDeleted(pod)) {
                    return;
                }
                Instant now = Instant.now();
                Pod ready = pod.toBuilder()
                        .setStatus(PodStatus.newBuilder()
                                .setPhase(PodStatus.Phase.PHASE_RUNNING)
                                .setStartTime(ProtoTimes.wholeSeconds(now))
                                .addConditions(condition("Initialized", now))
                                .addConditions(condition("ContainersReady", now))
                                .addConditions(condition(Pods.READY, now)))
                        .build();
                try {
                    client.pods().updateStatus(ready);
                    return;
                } catch (ConflictException e) {
                    // changed meanwhile: read again
                }
            }
        } catch (NotFoundException e) {
            // deleted before it got ready
        } catch (ApiException e) {
            log.warn("Could not mark {} ready: {}", key, e.getMessage());
        } finally {
            scheduled.remove(key);
        }
    }

    private static Condition condition(String type, Instant now) {
        return Condition.newBuilder()
                .setType(type)
                .setStatus(ConditionStatus.CONDITION_STATUS_TRUE)
                .setLastTransitionTime(ProtoTimes.toTimestamp(now))
                .build();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
