package io.capstan.bench;

import io.capstan.client.ApiException;
import io.capstan.client.ClientConfig;
import io.capstan.client.ListOptions;
import io.capstan.client.ObjectClient;
import io.capstan.client.informer.Informer;
import io.capstan.controllers.manager.ControllerManager;
import io.capstan.controllers.manager.ControllerManagerConfig;
import io.capstan.controllers.manager.StandardControllers;
import io.capstan.kubelet.runtime.ContainerRuntime;
import io.capstan.kubelet.runtime.docker.DockerEngine;
import io.capstan.kubelet.runtime.docker.DockerRuntime;
import io.capstan.kubelet.runtime.docker.DockerSettings;
import io.capstan.kubelet.runtime.fake.FakeRuntime;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodSpec;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Pod startup latency as Kubernetes' kubemark density test measures it: {@code --nodes} nodes whose
 * kubelets run in this JVM ({@link KubeletNodes}; over the fake runtime they are hollow nodes, over
 * Docker real ones), the controller-manager (in this JVM, or an external one), and {@code --nodes x
 * --pods-per-node} pods made by Deployments of {@code --replicas} each, created one after another
 * at a fixed pace of {@code --rate} pods per second, so that the figure measures latency rather than
 * a backlog. An informer on the run's namespace ({@link PodStartups}) times every pod from its
 * creation to Running and Ready. CPU and memory of the processes named by {@code --process} (the
 * control plane's) and of this JVM are read from /proc over the load phase (first create to last
 * pod running).
 */
@Command(
        name = "pods",
        mixinStandardHelpOptions = true,
        description = "Pod density: N kubelets in this JVM (hollow nodes over the fake runtime, or Docker),"
                + " Deployments created at a fixed pod rate, pod startup latency (created -> Running and Ready,"
                + " seen through a watch) p50/p99/max, control-plane CPU and memory.")
final class PodDensityCommand implements Callable<Integer> {
    static final Duration MAX_WAIT = Duration.ofHours(1);

    @Option(names = "--config", description = "Client config written by the server (default: $CAPSTAN_CONFIG)")
    java.nio.file.@Nullable Path config;

    @Option(
            names = "--endpoints",
            description = "Comma-separated API endpoints, 127.0.0.1 only (default: the config's)")
    @Nullable
    String endpoints;

    @Option(names = "--token", description = "Bearer token (default: the config's)")
    @Nullable
    String token;

    @Option(
            names = "--runtime",
            defaultValue = "fake",
            description = "fake: hollow nodes, containers without processes; docker: containers of the local"
                    + " engine (unix socket or 127.0.0.1 only), from a local image never pulled"
                    + " (default ${DEFAULT-VALUE})")
    String runtime = "fake";

    @Option(
            names = "--image",
            description = "The pods' image (default: " + DensityObjects.PAUSE_IMAGE + " on the fake runtime, "
                    + DensityObjects.BUSYBOX_IMAGE + " on Docker, which must be present)")
    @Nullable
    String image;

    @Option(names = "--nodes", defaultValue = "100", description = "Nodes (default ${DEFAULT-VALUE})")
    int nodes = 100;

    @Option(names = "--pods-per-node", defaultValue = "30", description = "Pods per node (default ${DEFAULT-VALUE})")
    int podsPerNode = 30;

    @Option(
            names = "--replicas",
            defaultValue = "10",
            description = "Replicas of each Deployment (default ${DEFAULT-VALUE}); the last one takes the rest")
    int replicas = 10;

    @Option(
            names = "--rate",
            defaultValue = "5",
            description = "Pods per second the Deployments are created at: one Deployment every replicas/rate"
                    + " seconds (default ${DEFAULT-VALUE})")
    double rate = 5;

    @Option(
            names = "--controller-manager",
            defaultValue = "in-process",
            description = "in-process: run the controller-manager (scheduler and controllers, no leader election)"
                    + " in this JVM; external: one runs already (default ${DEFAULT-VALUE})")
    String controllerManager = "in-process";

    @Option(
            names = "--process",
            description = "NAME=PID of a control-plane process whose CPU and memory to report (repeatable);"
                    + " this JVM is always reported as 'bench'")
    List<String> processes = new ArrayList<>();

    @Option(
            names = "--node-prefix",
            description = "Nodes are named this plus a number (default: hollow-node- on the fake runtime,"
                    + " docker-node- on Docker)")
    @Nullable
    String nodePrefix;

    @Option(
            names = "--node-start-timeout",
            defaultValue = "5m",
            converter = DurationConverter.class,
            description = "How long the nodes may take to start and turn Ready (default ${DEFAULT-VALUE})")
    Duration nodeStartTimeout = Duration.ofMinutes(5);

    @Option(
            names = "--timeout",
            defaultValue = "15m",
            converter = DurationConverter.class,
            description = "How long after the first create every pod may take to run (default ${DEFAULT-VALUE})")
    Duration timeout = Duration.ofMinutes(15);

    // picocli toggles a negatable option's default, so a true default is named by its negative form
    @Option(
            names = "--no-cleanup",
            negatable = true,
            description = "Leave the run's namespace and pods in place at the end (default: delete the namespace"
                    + " and wait for its pods to go)")
    boolean cleanup = true;

    @Option(
            names = "--cleanup-timeout",
            defaultValue = "5m",
            converter = DurationConverter.class,
            description = "How long the cleanup may take (default ${DEFAULT-VALUE})")
    Duration cleanupTimeout = Duration.ofMinutes(5);

    @Option(
            names = "--creators",
            defaultValue = "16",
            description = "Threads making the paced creates, so a slow create does not delay the next"
                    + " (default ${DEFAULT-VALUE})")
    int creators = 16;

    @Override
    public Integer call() throws Exception {
        Bounds.check("--nodes", nodes, 1, 1000);
        Bounds.check("--pods-per-node", podsPerNode, 1, 110);
        Bounds.check("--replicas", replicas, 1, 1000);
        Bounds.check("--creators", creators, 1, 256);
        if (!(rate >= 0.01 && rate <= 10_000)) {
            throw new IllegalArgumentException("--rate: must be in [0.01, 10000] pods/s, got " + rate);
        }
        boolean inProcess = switch (controllerManager) {
            case "in-process" -> true;
            case "external" -> false;
            default ->
                throw new IllegalArgumentException(
                        "--controller-manager: in-process or external, got " + controllerManager);
        };
        boolean docker = switch (runtime) {
            case "fake" -> false;
            case "docker" -> true;
            default -> throw new IllegalArgumentException("--runtime: fake or docker, got " + runtime);
        };
        String dockerHost = DockerEngine.defaultDockerHost();
        if (docker && !(dockerHost.startsWith("unix://") || dockerHost.startsWith("tcp://127.0.0.1:"))) {
            throw new IllegalArgumentException(
                    "--runtime docker: only an engine on a unix socket or 127.0.0.1, got DOCKER_HOST=" + dockerHost);
        }
        String podImage = image != null ? image : docker ? DensityObjects.BUSYBOX_IMAGE : DensityObjects.PAUSE_IMAGE;
        PodSpec podSpec = docker ? DensityObjects.sleepPod(podImage) : DensityObjects.pausePod(podImage);
        String prefix = nodePrefix != null ? nodePrefix : docker ? "docker-node-" : "hollow-node-";
        checkWait("--node-start-timeout", nodeStartTimeout);
        checkWait("--timeout", timeout);
        checkWait("--cleanup-timeout", cleanupTimeout);
        List<ProcessUsage.Watched> watched = new ArrayList<>();
        for (String spec : processes) {
            watched.add(ProcessUsage.Watched.parse(spec));
        }
        watched.add(new ProcessUsage.Watched("bench", ProcessHandle.current().pid()));

        ApiOptions target = new ApiOptions();
        target.config = config;
        target.endpoints = endpoints;
        target.token = token;
        ApiOptions.Target resolved = target.resolve(System.getenv());
        List<String> apiEndpoints =
                resolved.endpoints().stream().map(Endpoint::toString).toList();
        int total = nodes * podsPerNode;
        PrintStream err = System.err;

        try (ObjectClient api = ObjectClient.connect(ClientConfig.of(apiEndpoints, resolved.token()))) {
            @Nullable ControllerManager manager = inProcess ? startControllerManager(api) : null;
            PodStartups startups = PodStartups.systemClocks();
            Function<String, ContainerRuntime> runtimes = name -> new TimedRuntime(
                    docker
                            ? DockerRuntime.connect(name, DockerSettings.defaults())
                            : new FakeRuntime(name, Clock.systemUTC()),
                    startups);
            long started = System.nanoTime();
            try (KubeletNodes kubelets =
                    KubeletNodes.start(apiEndpoints, resolved.token(), nodes, prefix, 8, nodeStartTimeout, runtimes)) {
                awaitReady(api, err);
                err.printf(
                        Locale.ROOT,
                        "%d %s nodes started and Ready in %.1f s%n",
                        nodes,
                        runtime,
                        (System.nanoTime() - started) / 1e9);
                String namespace = ApiObjects.runNamespace("density-");
                api.namespaces()
                        .create(Namespace.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder().setName(namespace))
                                .build());
                try (Informer<Pod> informer =
                        Informer.create(api.pods(), ListOptions.inNamespace(namespace), Duration.ZERO)) {
                    informer.addHandler(startups);
                    informer.start();
                    if (!informer.awaitSynced(Duration.ofSeconds(60))) {
                        throw new IllegalStateException("the pod informer did not list within 60 s");
                    }
                    Summary summary = run(api, kubelets, namespace, total, podSpec, startups, watched, err);
                    summary.put("image", podImage);
                    summary.print(System.out);
                    if (cleanup) {
                        cleanUp(api, namespace, startups, total, err);
                    }
                }
            } finally {
                if (manager != null) {
                    manager.close();
                }
            }
        }
        return 0;
    }

    private Summary run(
            ObjectClient api,
            KubeletNodes kubelets,
            String namespace,
            int total,
            PodSpec podSpec,
            PodStartups startups,
            List<ProcessUsage.Watched> watched,
            PrintStream err)
            throws InterruptedException {
        int deployments = (total + replicas - 1) / replicas;
        long intervalNanos = Math.round(replicas / rate * 1e9);
        double loadBefore = LoadAverage.oneMinute();
        err.printf(
                Locale.ROOT,
                "namespace %s: %d Deployments of %d replicas, one every %.2f s (%.1f pods/s); load %.2f%n",
                namespace,
                deployments,
                replicas,
                intervalNanos / 1e9,
                rate,
                loadBefore);
        LatencyHistogram createLatency = new LatencyHistogram();
        Map<String, Long> createErrors = new ConcurrentHashMap<>();
        AtomicLong lateCreates = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(creators, runnable -> {
            Thread thread = new Thread(runnable, "density-create");
            thread.setDaemon(true);
            return thread;
        });
        ProcessUsage usage = ProcessUsage.start(watched);
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long createdNanos;
        try {
            long lastReport = System.nanoTime();
            for (int i = 0; i < deployments; i++) {
                long due = start + i * intervalNanos;
                LockSupport.parkNanos(due - System.nanoTime());
                if (System.nanoTime() - lastReport >= TimeUnit.SECONDS.toNanos(10)) {
                    lastReport = System.nanoTime();
                    progress(err, start, startups, kubelets);
                }
                int size = Math.min(replicas, total - i * replicas);
                String name = ApiObjects.name("density-", i);
                pool.execute(() -> {
                    long sent = System.nanoTime();
                    if (sent - due > intervalNanos) {
                        lateCreates.incrementAndGet();
                    }
                    try {
                        api.deployments().create(DensityObjects.deployment(namespace, name, size, podSpec));
                        createLatency.recordNanos(System.nanoTime() - sent);
                    } catch (ApiException e) {
                        createErrors.merge(e.code().name(), 1L, Long::sum);
                    }
                });
            }
            createdNanos = System.nanoTime() - start;
            while (startups.running() < total && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                if (System.nanoTime() - lastReport >= TimeUnit.SECONDS.toNanos(10)) {
                    lastReport = System.nanoTime();
                    progress(err, start, startups, kubelets);
                }
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        List<ProcessUsage.Usage> usages = usage.finish();
        PodStartups.Result result = startups.result();
        Summary summary = new Summary(runtime.equals("docker") ? "density-docker" : "density-hollow")
                .put("runtime", runtime)
                .put("nodes", nodes)
                .put("podsPerNode", podsPerNode)
                .put("replicas", replicas)
                .put("deployments", deployments)
                .put("ratePodsPerSecond", rate)
                .put("controllerManager", controllerManager)
                .put("namespace", namespace)
                .put("loadAverageStart", loadBefore)
                .put("loadAverageEnd", LoadAverage.oneMinute())
                .put("podsExpected", total)
                .put("podsSeen", result.pods())
                .put("podsScheduled", result.scheduled())
                .put("podsRunning", result.running())
                .put("complete", result.running() >= total)
                .put("createSeconds", createdNanos / 1e9)
                .put("elapsedSeconds", elapsed)
                .put("podsRunningPerSecond", elapsed > 0 ? result.running() / elapsed : 0.0)
                .put("deploymentCreateErrors", new TreeMap<>(createErrors))
                .put("deploymentCreatesLate", lateCreates.get());
        createLatency.addTo(summary, "deploymentCreate");
        result.startup().addTo(summary, "startup");
        result.startupFromCreationTimestamp().addTo(summary, "startupFromCreationTimestamp");
        result.createToScheduled().addTo(summary, "createToScheduled");
        result.scheduledToRunning().addTo(summary, "scheduledToRunning");
        result.scheduledToContainerCreating().addTo(summary, "scheduledToContainerCreating");
        result.containerCreatingToStarted().addTo(summary, "containerCreatingToStarted");
        result.containerStartedToRunning().addTo(summary, "containerStartedToRunning");
        summary.put(
                        "podsPerNodeMin",
                        result.podsPerNode().getCount() == 0
                                ? 0
                                : result.podsPerNode().getMin())
                .put(
                        "podsPerNodeMax",
                        result.podsPerNode().getCount() == 0
                                ? 0
                                : result.podsPerNode().getMax())
                .put("nodesUsed", result.podsPerNode().getCount())
                .put("podUpdatesMean", result.updatesPerPod().getAverage())
                .put(
                        "podUpdatesMax",
                        result.updatesPerPod().getCount() == 0
                                ? 0
                                : result.updatesPerPod().getMax())
                .put("containers", kubelets.containers())
                .put("benchThreadsPeak", ManagementFactory.getThreadMXBean().getPeakThreadCount());
        for (Map.Entry<String, Object> e : ProcessUsage.fields(usages).entrySet()) {
            summary.put(e.getKey(), e.getValue());
        }
        summary.put("eventsByReason", eventsByReason(api, namespace, err));
        return summary;
    }

    private static void progress(PrintStream err, long start, PodStartups startups, KubeletNodes kubelets) {
        err.printf(
                Locale.ROOT,
                "  %.0f s: %d pods seen, %d running; %d containers; load %.2f%n",
                (System.nanoTime() - start) / 1e9,
                startups.seen(),
                startups.running(),
                kubelets.containers(),
                LoadAverage.oneMinute());
    }

    private static ControllerManager startControllerManager(ObjectClient api) {
        ControllerManagerConfig settings = ControllerManagerConfig.defaults("density-bench");
        return new ControllerManager(api, Optional.empty(), c -> List.of(new StandardControllers(c, settings))).start();
    }

    private void awaitReady(ObjectClient api, PrintStream err) {
        long deadline = System.nanoTime() + nodeStartTimeout.toNanos();
        int ready = 0;
        while (System.nanoTime() < deadline) {
            try {
                ready = KubeletNodes.ready(api);
            } catch (ApiException e) {
                err.println("listing nodes failed, will retry: " + e.getMessage());
            }
            if (ready >= nodes) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
        }
        throw new IllegalStateException("only " + ready + " of " + nodes + " nodes Ready after " + nodeStartTimeout);
    }

    /** The run's Events by reason: how much the control plane wrote besides the pods themselves. */
    private static Map<String, Object> eventsByReason(ObjectClient api, String namespace, PrintStream err) {
        Map<String, Object> counts = new TreeMap<>();
        try {
            for (Event event : api.events()
                    .listAll(ListOptions.inNamespace(namespace).withLimit(1000))
                    .items()) {
                counts.merge(event.getReason(), 1L, (a, b) -> (Long) a + (Long) b);
            }
        } catch (ApiException e) {
            err.println("listing the run's events failed: " + e.getMessage());
        }
        return counts;
    }

    private void cleanUp(ObjectClient api, String namespace, PodStartups startups, int total, PrintStream err) {
        long start = System.nanoTime();
        try {
            api.namespaces().delete("", namespace);
        } catch (ApiException e) {
            err.println("deleting namespace " + namespace + " failed: " + e.getMessage());
            return;
        }
        long deadline = start + cleanupTimeout.toNanos();
        while (startups.deleted() < startups.seen() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        }
        err.printf(
                Locale.ROOT,
                "cleanup: %d of %d pods gone %.1f s after deleting namespace %s%n",
                startups.deleted(),
                startups.seen(),
                (System.nanoTime() - start) / 1e9,
                namespace);
    }

    private static void checkWait(String option, Duration value) {
        if (value.compareTo(Duration.ofSeconds(1)) < 0 || value.compareTo(MAX_WAIT) > 0) {
            throw new IllegalArgumentException(
                    String.format("%s: must be in [1s, %s], got %s", option, MAX_WAIT, value));
        }
    }
}
