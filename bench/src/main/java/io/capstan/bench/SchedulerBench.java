package io.capstan.bench;

import io.capstan.client.DeleteOptions;
import io.capstan.client.ListOptions;
import io.capstan.client.ObjectClient;
import io.capstan.client.informer.EventHandler;
import io.capstan.client.informer.Informer;
import io.capstan.controllers.scheduler.SchedulerController;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeCondition;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.OwnerReference;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.api.v1.ResourceRequirements;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The scheduler's throughput against a running control plane, in the manner of Kubernetes'
 * scheduler_perf: {@code --nodes} Ready nodes with allocatable set, {@code --pods} pending pods
 * (created before the scheduler starts, or at {@code --rate} while it runs), and a {@link
 * SchedulerController} in this process (or, with {@code --no-scheduler}, whatever scheduler the
 * cluster runs). A watch of its own sees each pod's spec.nodeName being set; from those events come
 * the pods bound per second and the create-to-bound latency. Prints its figures and one JSON line
 * ({@code "scenario":"scheduler"}).
 *
 * <pre>
 * java -cp bench/target/capstan-bench.jar io.capstan.bench.SchedulerBench --config $CAPSTAN_DIR/config
 * </pre>
 */
@Command(
        name = "scheduler-bench",
        mixinStandardHelpOptions = true,
        description = "Scheduler throughput: pods bound per second over Ready nodes, create-to-bound latency.")
public final class SchedulerBench implements java.util.concurrent.Callable<Integer> {
    private static final int CONTROLLERS = 30;

    @Mixin
    ApiOptions api = new ApiOptions();

    @Option(names = "--nodes", defaultValue = "100", description = "Ready nodes to create (default ${DEFAULT-VALUE})")
    int nodes = 100;

    @Option(names = "--pods", defaultValue = "3000", description = "Pods to schedule (default ${DEFAULT-VALUE})")
    int pods = 3000;

    @Option(
            names = "--rate",
            defaultValue = "0",
            description = "Pods created per second while the scheduler runs; 0 creates them all before it starts"
                    + " (default ${DEFAULT-VALUE})")
    int rate;

    @Option(
            names = "--create-in-flight",
            defaultValue = "32",
            description = "Creates in flight at most (default ${DEFAULT-VALUE})")
    int createInFlight = 32;

    @Option(
            names = "--workers",
            description =
                    "Scheduler workers (default: SchedulerController's, " + SchedulerController.DEFAULT_WORKERS + ")")
    int workers = SchedulerController.DEFAULT_WORKERS;

    @Option(
            names = "--scheduler",
            defaultValue = "true",
            negatable = true,
            description = "Run a scheduler in this process; --no-scheduler measures the cluster's own"
                    + " (default ${DEFAULT-VALUE})")
    boolean inProcessScheduler = true;

    @Option(
            names = "--timeout",
            defaultValue = "5m",
            converter = DurationConverter.class,
            description = "How long to wait for every pod to be bound (default ${DEFAULT-VALUE})")
    Duration timeout = Duration.ofMinutes(5);

    @Option(
            names = "--warmup-pods",
            defaultValue = "3000",
            description = "Pods scheduled, then deleted, before the measured run, so that every JVM involved"
                    + " has compiled its hot paths; 0 measures cold processes (default ${DEFAULT-VALUE})")
    int warmupPods = 3000;

    @Option(
            names = "--profile",
            description = "Sample the scheduler workers' stacks every 20 ms and print where they spend their time")
    boolean profile;

    @Option(
            names = "--node-cpu",
            defaultValue = "8",
            description = "Allocatable cpu per node (default ${DEFAULT-VALUE})")
    String nodeCpu = "8";

    @Option(
            names = "--node-memory",
            defaultValue = "32Gi",
            description = "Allocatable memory per node (default ${DEFAULT-VALUE})")
    String nodeMemory = "32Gi";

    @Option(names = "--pod-cpu", defaultValue = "100m", description = "cpu request per pod (default ${DEFAULT-VALUE})")
    String podCpu = "100m";

    @Option(
            names = "--pod-memory",
            defaultValue = "128Mi",
            description = "memory request per pod (default ${DEFAULT-VALUE})")
    String podMemory = "128Mi";

    /** When each pod was acknowledged as created and seen bound, by name (System.nanoTime()). */
    private final Map<String, Long> created = new ConcurrentHashMap<>();

    private final Map<String, Long> bound = new ConcurrentHashMap<>();
    private final Map<String, String> nodeOf = new ConcurrentHashMap<>();
    private final AtomicLong firstBound = new AtomicLong();
    private final ErrorCounts errors = new ErrorCounts();

    @Override
    public Integer call() throws Exception {
        Bounds.check("--nodes", nodes, 1, 5_000);
        Bounds.check("--pods", pods, 1, 100_000);
        Bounds.check("--rate", rate, 0, 100_000);
        Bounds.check("--create-in-flight", createInFlight, 1, Bounds.MAX_IN_FLIGHT);
        Bounds.check("--workers", workers, 1, 1024);
        Bounds.check("--warmup-pods", warmupPods, 0, 100_000);
        Bounds.check("--timeout", timeout, Duration.ofSeconds(1));
        ApiOptions.Target target = api.resolve(System.getenv());
        List<String> endpoints = new ArrayList<>();
        target.endpoints().forEach(e -> endpoints.add(e.toString()));
        double loadAtStart = LoadAverage.oneMinute();
        String run = "sb-" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36);

        try (ObjectClient client = ObjectClient.connect(io.capstan.client.ClientConfig.of(endpoints, target.token()))) {
            client.namespaces()
                    .create(Namespace.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder().setName(run))
                            .build());
            long setup = System.nanoTime();
            inParallel(nodes, i -> createNode(client, String.format(Locale.ROOT, "%s-node-%04d", run, i)));
            System.out.printf(
                    Locale.ROOT, "created %d Ready nodes in %.1f s%n", nodes, (System.nanoTime() - setup) / 1e9);

            if (warmupPods > 0 && inProcessScheduler) {
                warmUp(client, run + "-warmup");
            }

            CountDownLatch allBound = new CountDownLatch(pods);
            Informer<Pod> watch = Informer.create(client.pods(), ListOptions.inNamespace(run), Duration.ZERO);
            watch.addHandler(new EventHandler<>() {
                @Override
                public void onAdd(Pod pod) {
                    seen(pod, allBound);
                }

                @Override
                public void onUpdate(Pod oldPod, Pod pod) {
                    seen(pod, allBound);
                }
            });
            watch.start();
            if (!watch.awaitSynced(Duration.ofMinutes(1))) {
                throw new IllegalStateException("the bench's pod watch did not sync in a minute");
            }

            @Nullable SchedulerController scheduler = null;
            @Nullable Informer<Pod> schedulerPods = null;
            @Nullable Informer<Node> schedulerNodes = null;
            @Nullable StackSampler sampler = null;
            long start;
            long cpuBefore;
            try {
                if (rate == 0) {
                    long creating = System.nanoTime();
                    inParallel(pods, i -> createPod(client, run, i, created));
                    System.out.printf(
                            Locale.ROOT,
                            "created %d pending pods in %.1f s (%d in flight)%n",
                            pods,
                            (System.nanoTime() - creating) / 1e9,
                            createInFlight);
                }
                if (inProcessScheduler) {
                    // created before its informers start, as the controller-manager does, so that
                    // its handlers see the first lists
                    schedulerPods = Informer.create(client.pods(), ListOptions.all(), Duration.ZERO);
                    schedulerNodes = Informer.create(client.nodes(), ListOptions.all(), Duration.ZERO);
                    scheduler = SchedulerController.create(
                            client, schedulerPods, schedulerNodes, Clock.systemUTC(), "scheduler-bench", workers);
                    schedulerPods.start();
                    schedulerNodes.start();
                    if (!schedulerPods.awaitSynced(Duration.ofMinutes(1))
                            || !schedulerNodes.awaitSynced(Duration.ofMinutes(1))) {
                        throw new IllegalStateException("the scheduler's informers did not sync in a minute");
                    }
                }
                if (profile) {
                    sampler = StackSampler.start("controller-scheduler-", Duration.ofMillis(20));
                }
                cpuBefore = processCpuNanos();
                start = System.nanoTime();
                if (scheduler != null) {
                    scheduler.start();
                }
                if (rate > 0) {
                    createAtRate(client, run, start);
                }
                if (!allBound.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException(
                            allBound.getCount() + " of " + pods + " pods still unbound after " + timeout);
                }
            } finally {
                if (sampler != null) {
                    sampler.close();
                }
                if (scheduler != null) {
                    scheduler.close();
                }
                if (schedulerPods != null) {
                    schedulerPods.close();
                }
                if (schedulerNodes != null) {
                    schedulerNodes.close();
                }
                watch.close();
            }
            long cpu = processCpuNanos() - cpuBefore;
            report(start, cpu, loadAtStart, target, sampler);
        }
        return 0;
    }

    /**
     * The warm-up: {@code --warmup-pods} pods in a namespace of their own, created and bound over
     * the same nodes by a scheduler of their own, then deleted at once (grace 0), so that the
     * measured run starts from the same cluster state on processes whose hot paths are compiled (a
     * fresh control plane spends about half its CPU in the JIT compilers during a cold run).
     */
    private void warmUp(ObjectClient client, String namespace) throws Exception {
        long begin = System.nanoTime();
        client.namespaces()
                .create(Namespace.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(namespace))
                        .build());
        CountDownLatch warmBound = new CountDownLatch(warmupPods);
        Set<String> seenBound = ConcurrentHashMap.newKeySet();
        Informer<Pod> warmPods = Informer.create(client.pods(), ListOptions.inNamespace(namespace), Duration.ZERO);
        warmPods.addHandler(new EventHandler<>() {
            @Override
            public void onUpdate(Pod oldPod, Pod pod) {
                if (!pod.getSpec().getNodeName().isEmpty()
                        && seenBound.add(pod.getMetadata().getName())) {
                    warmBound.countDown();
                }
            }
        });
        Informer<Pod> schedulerPods = Informer.create(client.pods(), ListOptions.all(), Duration.ZERO);
        Informer<Node> schedulerNodes = Informer.create(client.nodes(), ListOptions.all(), Duration.ZERO);
        try (SchedulerController scheduler = SchedulerController.create(
                client, schedulerPods, schedulerNodes, Clock.systemUTC(), "scheduler-bench-warmup", workers)) {
            warmPods.start();
            schedulerPods.start();
            schedulerNodes.start();
            if (!warmPods.awaitSynced(Duration.ofMinutes(1))
                    || !schedulerPods.awaitSynced(Duration.ofMinutes(1))
                    || !schedulerNodes.awaitSynced(Duration.ofMinutes(1))) {
                throw new IllegalStateException("the warm-up's informers did not sync in a minute");
            }
            scheduler.start();
            inParallel(warmupPods, i -> createPod(client, namespace, i, new ConcurrentHashMap<>()));
            if (!warmBound.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(warmBound.getCount() + " warm-up pods still unbound after " + timeout);
            }
        } finally {
            schedulerPods.close();
            schedulerNodes.close();
            warmPods.close();
        }
        DeleteOptions now = DeleteOptions.defaults().withGracePeriod(Duration.ZERO);
        inParallel(warmupPods, i -> client.pods().delete(namespace, String.format(Locale.ROOT, "pod-%05d", i), now));
        System.out.printf(
                Locale.ROOT,
                "warm-up: %d pods created, bound and deleted in %.1f s%n",
                warmupPods,
                (System.nanoTime() - begin) / 1e9);
    }

    private void seen(Pod pod, CountDownLatch allBound) {
        String node = pod.getSpec().getNodeName();
        if (node.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        if (bound.putIfAbsent(pod.getMetadata().getName(), now) == null) {
            nodeOf.put(pod.getMetadata().getName(), node);
            firstBound.compareAndSet(0, now);
            allBound.countDown();
        }
    }

    private void report(
            long start, long cpuNanos, double loadAtStart, ApiOptions.Target target, @Nullable StackSampler sampler) {
        long last = bound.values().stream().mapToLong(Long::longValue).max().orElse(start);
        double seconds = (last - start) / 1e9;
        LatencyHistogram createToBound = new LatencyHistogram();
        LatencyHistogram sinceStart = new LatencyHistogram();
        Map<Long, Integer> perSecond = new HashMap<>();
        for (Map.Entry<String, Long> entry : bound.entrySet()) {
            long at = entry.getValue();
            Long acked = created.get(entry.getKey());
            if (acked != null) {
                createToBound.recordNanos(at - Math.max(acked, rate == 0 ? start : acked));
            }
            sinceStart.recordNanos(at - start);
            perSecond.merge((at - start) / 1_000_000_000L, 1, Integer::sum);
        }
        List<Integer> seconds1 = new ArrayList<>();
        long fullSeconds = (last - start) / 1_000_000_000L; // the last, partial second is left out
        for (long s = 0; s < fullSeconds; s++) {
            seconds1.add(perSecond.getOrDefault(s, 0));
        }
        seconds1.sort(null);
        Map<String, Integer> perNode = new HashMap<>();
        nodeOf.values().forEach(node -> perNode.merge(node, 1, Integer::sum));
        IntSummaryStatistics placement =
                perNode.values().stream().mapToInt(Integer::intValue).summaryStatistics();

        Summary summary = new Summary("scheduler")
                .put("endpoints", target.endpoints().toString())
                .put("loadAverage1m", loadAtStart)
                .put("nodes", nodes)
                .put("pods", pods)
                .put("rate", rate)
                .put("workers", inProcessScheduler ? workers : 0)
                .put("bound", bound.size())
                .put("elapsedSeconds", seconds)
                .put("throughput", seconds > 0 ? bound.size() / seconds : 0.0)
                .put(
                        "steadyThroughput",
                        bound.size() > 1 ? (bound.size() - 1) / ((last - firstBound.get()) / 1e9) : 0.0)
                .put("firstBoundMs", (firstBound.get() - start) / 1e6)
                .put("perSecondP50", percentile(seconds1, 50))
                .put("perSecondP90", percentile(seconds1, 90))
                .put("perSecondMin", seconds1.isEmpty() ? 0 : seconds1.get(0))
                .put("perSecondMax", seconds1.isEmpty() ? 0 : seconds1.get(seconds1.size() - 1));
        createToBound.addTo(summary, rate == 0 ? "startToBound" : "createToBound");
        summary.put("podsPerNodeMin", placement.getMin())
                .put("podsPerNodeMax", placement.getMax())
                .put("benchCpuSeconds", cpuNanos / 1e9)
                .put("createErrors", errors.total())
                .put("createErrorsByCode", errors.byCode());
        if (sampler != null) {
            sampler.print(System.out, 25);
        }
        summary.print(System.out);
    }

    private static int percentile(List<Integer> sorted, double percentile) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** Creates the pods at {@code rate} per second from {@code start}, at most createInFlight at once. */
    private void createAtRate(ObjectClient client, String run, long start) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(createInFlight);
        Semaphore inFlight = new Semaphore(createInFlight);
        try {
            long interval = 1_000_000_000L / rate;
            for (int i = 0; i < pods; i++) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                inFlight.acquire();
                int index = i;
                executor.execute(() -> {
                    try {
                        createPod(client, run, index, created);
                    } finally {
                        inFlight.release();
                    }
                });
            }
        } finally {
            executor.shutdown();
            if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        }
    }

    private interface Creation {
        void create(int index) throws Exception;
    }

    private void inParallel(int count, Creation creation) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(Math.min(count, createInFlight));
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
                future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            executor.shutdownNow();
        }
    }

    private void createNode(ObjectClient client, String name) {
        Node node = client.nodes()
                .create(Node.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(name))
                        .build());
        Node.Builder ready = node.toBuilder();
        ready.getStatusBuilder()
                .putAllocatable("cpu", nodeCpu)
                .putAllocatable("memory", nodeMemory)
                .putAllocatable("pods", "110")
                .putCapacity("cpu", nodeCpu)
                .putCapacity("memory", nodeMemory)
                .putCapacity("pods", "110")
                .addConditions(
                        NodeCondition.newBuilder().setType("Ready").setStatus(ConditionStatus.CONDITION_STATUS_TRUE));
        client.nodes().updateStatus(ready.build());
    }

    /** One pending pod of one of {@value #CONTROLLERS} ReplicaSet-like owners, as the replica controllers make them. */
    private void createPod(ObjectClient client, String run, int index, Map<String, Long> acknowledged) {
        String name = String.format(Locale.ROOT, "pod-%05d", index);
        int owner = index % CONTROLLERS;
        Pod pod = Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace(run)
                        .setName(name)
                        .putLabels("app", "load-" + owner)
                        .addOwnerReferences(OwnerReference.newBuilder()
                                .setApiVersion("apps/v1")
                                .setKind("ReplicaSet")
                                .setName("rs-" + owner)
                                .setUid(run + "-rs-" + owner)
                                .setController(true)))
                .setSpec(PodSpec.newBuilder()
                        .addContainers(Container.newBuilder()
                                .setName("main")
                                .setImage("busybox:1.36")
                                .setResources(ResourceRequirements.newBuilder()
                                        .putRequests("cpu", podCpu)
                                        .putRequests("memory", podMemory))))
                .build();
        try {
            client.pods().create(pod);
            acknowledged.put(name, System.nanoTime());
        } catch (io.capstan.client.ApiException e) {
            errors.record(e);
            throw e;
        }
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    public static void main(String[] args) {
        // the client's and the scheduler's warnings only, unless asked for more with -D
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(BenchCli.execute(new SchedulerBench(), args));
    }
}
