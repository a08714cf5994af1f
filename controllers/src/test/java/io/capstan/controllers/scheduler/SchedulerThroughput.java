package io.capstan.controllers.scheduler;

import io.capstan.apiserver.service.ControlPlane;
import io.capstan.client.ClientConfig;
import io.capstan.client.ListOptions;
import io.capstan.client.ObjectClient;
import io.capstan.client.informer.EventHandler;
import io.capstan.client.informer.Indexer;
import io.capstan.client.informer.Informer;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures how many pods per second the scheduler binds: {@value #PODS} pending pods (100m cpu,
 * 128Mi each, of {@value #CONTROLLERS} controllers) over {@value #NODES} Ready nodes (8 cpu, 32Gi,
 * 110 pods), against an in-process three-node control plane. The pods are created before the
 * scheduler starts; the clock runs from its start until the informer has delivered every pod's
 * binding.
 * Prints the figure; asserts nothing about speed.
 *
 * <p>Not part of the normal build (its name matches neither Surefire's nor Failsafe's patterns).
 * Run it with {@code mvn -B -o verify -pl client,controllers -Dtest=None
 * -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=SchedulerThroughput
 * -Dfailsafe.failIfNoSpecifiedTests=false} (add {@code -Dscheduler.workers=N} through {@code
 * -DargLine} to try another worker count), or as a Java program with the test classpath (optional
 * argument: the number of workers). The figure lands in {@code
 * controllers/target/failsafe-reports/*SchedulerThroughput-output.txt}.
 */
class SchedulerThroughput {
    static final int NODES = 100;
    static final int PODS = 3_000;
    static final int CONTROLLERS = 30;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void measure(@TempDir Path root) throws Exception {
        run(root, Integer.getInteger("scheduler.workers", SchedulerController.DEFAULT_WORKERS));
    }

    public static void main(String[] args) throws Exception {
        int workers = args.length > 0 ? Integer.parseInt(args[0]) : SchedulerController.DEFAULT_WORKERS;
        Path root = Files.createTempDirectory("scheduler-throughput");
        run(root, workers);
        System.exit(0);
    }

    static double run(Path root, int workers) throws Exception {
        try (ControlPlane plane = ControlPlane.start(3, root);
                ObjectClient client = ObjectClient.connect(ClientConfig.of(
                        List.of(plane.apiAddress(0), plane.apiAddress(1), plane.apiAddress(2)), ControlPlane.TOKEN))) {
            long setupStart = System.nanoTime();
            createInParallel(NODES, i -> createNode(client, String.format("node-%03d", i)));
            createInParallel(PODS, i -> createPod(client, i));
            System.out.printf(
                    "SchedulerThroughput: created %d nodes and %d pending pods in %.1f s%n",
                    NODES, PODS, (System.nanoTime() - setupStart) / 1e9);

            Informer<Pod> pods = Informer.create(client.pods(), ListOptions.all(), Duration.ZERO);
            Informer<Node> nodes = Informer.create(client.nodes(), ListOptions.all(), Duration.ZERO);
            CountDownLatch allBound = new CountDownLatch(PODS);
            AtomicLong firstBound = new AtomicLong();
            pods.addHandler(new EventHandler<>() {
                @Override
                public void onUpdate(Pod oldPod, Pod pod) {
                    if (oldPod.getSpec().getNodeName().isEmpty()
                            && !pod.getSpec().getNodeName().isEmpty()) {
                        firstBound.compareAndSet(0, System.nanoTime());
                        allBound.countDown();
                    }
                }
            });
            // created before the informers start, as the controller-manager does, so that its
            // handlers see the first lists
            try (SchedulerController scheduler =
                    SchedulerController.create(client, pods, nodes, Clock.systemUTC(), "throughput", workers)) {
                pods.start();
                nodes.start();
                if (!pods.awaitSynced(Duration.ofMinutes(1)) || !nodes.awaitSynced(Duration.ofMinutes(1))) {
                    throw new IllegalStateException("informers did not sync in a minute");
                }
                long start = System.nanoTime();
                scheduler.start();
                if (!allBound.await(5, TimeUnit.MINUTES)) {
                    throw new IllegalStateException(allBound.getCount() + " pods still pending after 5 minutes");
                }
                long end = System.nanoTime();
                double seconds = (end - start) / 1e9;
                double rate = PODS / seconds;
                double steadyRate = (PODS - 1) / ((end - firstBound.get()) / 1e9);
                IntSummaryStatistics perNode = nodes.indexer().list().stream()
                        .mapToInt(node -> pods.indexer()
                                .byIndex(Indexer.NODE_NAME, node.getMetadata().getName())
                                .size())
                        .summaryStatistics();
                System.out.printf(
                        "SchedulerThroughput: %d pods bound over %d nodes in %.2f s with %d workers: %.0f pods/s"
                                + " (first binding after %.0f ms, %.0f pods/s from there; %d to %d pods per node)%n",
                        PODS,
                        NODES,
                        seconds,
                        workers,
                        rate,
                        (firstBound.get() - start) / 1e6,
                        steadyRate,
                        perNode.getMin(),
                        perNode.getMax());
                return rate;
            } finally {
                pods.close();
                nodes.close();
            }
        }
    }

    private interface Creation {
        void create(int index) throws Exception;
    }

    private static void createInParallel(int count, Creation creation) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(executor.submit(() -> {
                    creation.create(index);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            executor.shutdownNow();
        }
    }

    private static void createNode(ObjectClient client, String name) {
        Node node = SchedulerFixtures.withAllocatable(SchedulerFixtures.node(name, "8", "32Gi"), "pods", "110");
        Node created = client.nodes()
                .create(node.toBuilder()
                        .setMetadata(node.getMetadata().toBuilder().clearUid())
                        .clearStatus()
                        .build());
        client.nodes()
                .updateStatus(created.toBuilder().setStatus(node.getStatus()).build());
    }

    private static void createPod(ObjectClient client, int index) {
        Pod pod = SchedulerFixtures.ownedBy(
                SchedulerFixtures.pod("load-" + index, "100m", "128Mi"), "rs-" + (index % CONTROLLERS));
        client.pods()
                .create(pod.toBuilder()
                        .setMetadata(pod.getMetadata().toBuilder().clearUid().clearResourceVersion())
                        .build());
    }
}
