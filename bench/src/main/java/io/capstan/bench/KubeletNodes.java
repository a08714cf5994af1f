package io.capstan.bench;

import io.capstan.client.ClientConfig;
import io.capstan.client.ListOptions;
import io.capstan.client.ObjectClient;
import io.capstan.kubelet.Kubelet;
import io.capstan.kubelet.KubeletConfig;
import io.capstan.kubelet.node.NodeConfig;
import io.capstan.kubelet.pod.HealthChecks;
import io.capstan.kubelet.pod.PodTimings;
import io.capstan.kubelet.runtime.ContainerRuntime;
import io.capstan.kubelet.runtime.RuntimeContainer;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeCondition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nodes whose kubelets run in this JVM: real {@link Kubelet}s (node registration, Lease, pod
 * workers, status, events) over a runtime per node. Over the fake runtime they are kubemark's
 * hollow nodes, whose containers run without processes, so one JVM hosts a hundred; over Docker,
 * one real node. Each node has a client of its own, as each kubelet process would, and the nodes'
 * first endpoints go round-robin over the API servers so the load spreads as it would over a real
 * cluster's nodes. Kubernetes' kubelet periods (Lease every 10 s, pod resync every 10 s, status at
 * least every minute); every node reports the same capacity, so the scheduler spreads pods evenly.
 */
final class KubeletNodes implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KubeletNodes.class);

    /** What each node offers: 30 pods of the scheduler's default request (100m, 200Mi) use 3/4. */
    static final Map<String, String> CAPACITY = Map.of("cpu", "4", "memory", "16Gi", "pods", "110");

    /** Every node of a run carries this label, so the run counts its own nodes only. */
    static final String LABEL = "bench.capstan.io/density-node";

    private final List<ObjectClient> clients = Collections.synchronizedList(new ArrayList<>());
    private final List<Kubelet> kubelets = Collections.synchronizedList(new ArrayList<>());
    private final Path root;
    private final Function<String, ContainerRuntime> runtimes;

    private KubeletNodes(Path root, Function<String, ContainerRuntime> runtimes) {
        this.root = root;
        this.runtimes = runtimes;
    }

    /**
     * Starts {@code count} nodes named {@code prefix} plus a 3-digit number, {@code parallel} at a
     * time, each over the runtime {@code runtimes} makes for its name; {@link Kubelet#start} returns
     * once the node is registered and its informers have listed. Throws if they have not all started
     * within {@code timeout} (the started ones are closed).
     */
    static KubeletNodes start(
            List<String> endpoints,
            String token,
            int count,
            String prefix,
            int parallel,
            Duration timeout,
            Function<String, ContainerRuntime> runtimes)
            throws InterruptedException {
        Path root;
        try {
            root = Files.createTempDirectory("capstan-density-nodes");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KubeletNodes nodes = new KubeletNodes(root, runtimes);
        ExecutorService starters = Executors.newFixedThreadPool(parallel, runnable -> {
            Thread thread = new Thread(runnable, "density-node-start");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> starting = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = nodeName(prefix, i);
                List<String> rotated = rotate(endpoints, i);
                starting.add(starters.submit(() -> {
                    nodes.startOne(name, rotated, token);
                    return null;
                }));
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Future<?> f : starting) {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            return nodes;
        } catch (ExecutionException | TimeoutException e) {
            nodes.close();
            throw new IllegalStateException("the nodes did not all start within " + timeout + ": " + e.getMessage(), e);
        } catch (InterruptedException | RuntimeException e) {
            nodes.close();
            throw e;
        } finally {
            starters.shutdownNow();
        }
    }

    static String nodeName(String prefix, int i) {
        return prefix + String.format(Locale.ROOT, "%03d", i);
    }

    /** {@code endpoints} starting at index {@code i} modulo their number. */
    static List<String> rotate(List<String> endpoints, int i) {
        List<String> rotated = new ArrayList<>(endpoints);
        Collections.rotate(rotated, -(i % endpoints.size()));
        return rotated;
    }

    private void startOne(String name, List<String> endpoints, String token) throws InterruptedException {
        ObjectClient client = ObjectClient.connect(ClientConfig.of(endpoints, token));
        clients.add(client);
        Path dir = root.resolve(name);
        KubeletConfig config = new KubeletConfig(
                new NodeConfig(
                        name,
                        Endpoint.LOOPBACK,
                        Map.of(LABEL, "true"),
                        List.of(),
                        CAPACITY,
                        "",
                        dir,
                        Duration.ofSeconds(40),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(10),
                        Duration.ofMinutes(1)),
                dir,
                PodTimings.defaults());
        Clock clock = Clock.systemUTC();
        ContainerRuntime runtime = runtimes.apply(name);
        try {
            kubelets.add(Kubelet.start(client, config, runtime, HealthChecks.NONE, clock));
        } catch (InterruptedException | RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    /** How many of the run's nodes (by label) have their Ready condition True, as the API says. */
    static int ready(ObjectClient api) {
        int ready = 0;
        for (Node node : api.nodes()
                .listAll(ListOptions.all().withLabelSelector(LABEL + "=true").withLimit(500))
                .items()) {
            for (NodeCondition c : node.getStatus().getConditionsList()) {
                if (c.getType().equals("Ready") && c.getStatus() == ConditionStatus.CONDITION_STATUS_TRUE) {
                    ready++;
                }
            }
        }
        return ready;
    }

    int size() {
        return kubelets.size();
    }

    /** Containers the nodes' runtimes hold, in all. */
    int containers() {
        int total = 0;
        synchronized (kubelets) {
            for (Kubelet k : kubelets) {
                total += k.runtime().list().size();
            }
        }
        return total;
    }

    /**
     * Stops every kubelet, then stops and removes every container its runtime still holds (a
     * kubelet leaves them running when it stops, as after a crash; a run leaves none behind), closes
     * the runtimes and removes the nodes' directories.
     */
    @Override
    public void close() {
        synchronized (kubelets) {
            kubelets.forEach(Kubelet::close);
            for (Kubelet k : kubelets) {
                for (RuntimeContainer c : k.runtime().list()) {
                    try {
                        k.runtime().stop(c.id(), Duration.ZERO);
                        k.runtime().remove(c.id());
                    } catch (RuntimeException e) {
                        log.warn("Container {} of node {} not removed: {}", c.id(), k.nodeName(), e.toString());
                    }
                }
                k.runtime().close();
            }
            kubelets.clear();
        }
        synchronized (clients) {
            clients.forEach(ObjectClient::close);
            clients.clear();
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
