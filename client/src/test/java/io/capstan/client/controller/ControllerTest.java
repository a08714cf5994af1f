package io.capstan.client.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.client.Kind;
import io.capstan.client.ObjectKey;
import io.capstan.client.ObjectList;
import io.capstan.client.Watch;
import io.capstan.client.WatchListener;
import io.capstan.client.informer.Informer;
import io.capstan.client.informer.ListWatch;
import io.capstan.client.scheduler.ManualScheduler;
import io.capstan.client.workqueue.RateLimiter;
import io.capstan.client.workqueue.WorkQueue;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.OwnerReference;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.ReplicaSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ControllerTest {
    private final ManualScheduler clock = new ManualScheduler();
    private final WorkQueue<ObjectKey> queue = new WorkQueue<>("test", RateLimiter.defaults(), clock);
    private final List<ObjectKey> reconciled = new CopyOnWriteArrayList<>();
    private Controller controller;

    @AfterEach
    void stop() {
        if (controller != null) {
            controller.close();
        }
    }

    @Test
    void informerEventsBecomeReconcilesOfTheirKeys() {
        Informer<ReplicaSet> replicaSets = syncedInformer(Kind.REPLICA_SET, List.of(replicaSet("web")));
        Informer<Pod> pods = syncedInformer(Kind.POD, List.of(podOwnedBy("web-x1", "web"), podOwnedBy("lone", "")));
        controller = Controller.named("replicaset")
                .reconciler(key -> {
                    reconciled.add(key);
                    return Result.done();
                })
                .queue(queue)
                .watch(replicaSets, EventHandlers.byKey())
                .watch(pods, EventHandlers.byControllerOwner("ReplicaSet"))
                .workers(2)
                .build();
        clock.runDue(); // the handlers register and receive the cached objects

        controller.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> !reconciled.isEmpty() && queue.length() == 0);
        assertThat(reconciled).containsOnly(ObjectKey.of("ns", "web"));
    }

    @Test
    void failedReconcileIsRetriedWithBackOffAndSuccessForgetsIt() {
        AtomicInteger attempts = new AtomicInteger();
        controller = Controller.named("flaky")
                .reconciler(key -> {
                    if (attempts.incrementAndGet() < 3) {
                        throw new IllegalStateException("not yet");
                    }
                    reconciled.add(key);
                    return Result.done();
                })
                .queue(queue)
                .build();
        controller.start();
        ObjectKey key = ObjectKey.of("ns", "a");

        queue.add(key);
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.waitingCount() == 1);
        assertThat(queue.retries(key)).isEqualTo(1);
        clock.advance(Duration.ofMillis(5));
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() == 2 && queue.waitingCount() == 1);
        assertThat(queue.retries(key)).isEqualTo(2);
        clock.advance(Duration.ofMillis(9));
        assertThat(queue.length()).isZero(); // the second back-off is 10 ms
        clock.advance(Duration.ofMillis(1));

        await().atMost(Duration.ofSeconds(10)).until(() -> reconciled.size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.retries(key) == 0);
    }

    @Test
    void requeueAfterAddsTheKeyAgainLater() {
        controller = Controller.named("periodic")
                .reconciler(key -> {
                    reconciled.add(key);
                    return Result.requeueAfter(Duration.ofSeconds(30));
                })
                .queue(queue)
                .build();
        controller.start();

        queue.add(ObjectKey.of("ns", "a"));
        await().atMost(Duration.ofSeconds(10)).until(() -> reconciled.size() == 1 && queue.waitingCount() == 1);
        clock.advance(Duration.ofSeconds(30));

        await().atMost(Duration.ofSeconds(10)).until(() -> reconciled.size() == 2);
    }

    private <T extends com.google.protobuf.Message> Informer<T> syncedInformer(Kind<T> kind, List<T> items) {
        Informer<T> informer = new Informer<>(
                kind,
                new ListWatch<>() {
                    @Override
                    public ObjectList<T> list() {
                        return new ObjectList<>(items, "10", "");
                    }

                    @Override
                    public Watch watch(String resourceVersion, WatchListener<T> listener) {
                        return () -> {};
                    }
                },
                clock,
                Duration.ZERO);
        informer.start();
        clock.runDue();
        return informer;
    }

    private static ReplicaSet replicaSet(String name) {
        return ReplicaSet.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace("ns").setName(name))
                .build();
    }

    private static Pod podOwnedBy(String name, String owner) {
        ObjectMeta.Builder meta = ObjectMeta.newBuilder().setNamespace("ns").setName(name);
        if (!owner.isEmpty()) {
            meta.addOwnerReferences(OwnerReference.newBuilder()
                    .setKind("ReplicaSet")
                    .setName(owner)
                    .setController(true));
        }
        return Pod.newBuilder().setMetadata(meta).build();
    }
}
