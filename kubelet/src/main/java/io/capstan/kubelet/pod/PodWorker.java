package io.capstan.kubelet.pod;

import io.capstan.client.ApiException;
import io.capstan.client.ConflictException;
import io.capstan.client.DeleteOptions;
import io.capstan.client.NotFoundException;
import io.capstan.client.events.EventRecorder;
import io.capstan.kubelet.pod.PodStatuses.Observed;
import io.capstan.kubelet.pod.PodStatuses.Waiting;
import io.capstan.kubelet.runtime.ContainerConfig;
import io.capstan.kubelet.runtime.ContainerException;
import io.capstan.kubelet.runtime.ImageException;
import io.capstan.kubelet.runtime.ImageRef;
import io.capstan.kubelet.runtime.PullPolicy;
import io.capstan.kubelet.runtime.RuntimeContainer;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.ContainerStatus;
import io.capstan.proto.api.v1.HostPortBinding;
import io.capstan.proto.api.v1.ObjectReference;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodSpec.RestartPolicy;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.PodStatus.Phase;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converges one pod's containers to its spec. {@link #sync} is called by {@link PodWorkers}, one
 * call at a time per pod, whenever the pod, one of its containers, a probe or a timer changes; it
 * reads the runtime afresh each time, so it needs no memory of what it did beyond back-offs, errors
 * and probe trackers, and it finds a restarted kubelet's containers as its own.
 *
 * <p>One sync: prepare the pod (host ports, volumes); run the init containers one at a time, in
 * order, each to success; start each container that has never run; restart exited ones as the
 * restart policy says, after the crash-loop back-off; kill containers whose liveness or startup
 * probe failed; drop runs older than the previous one; write the status if it changed. A pod being
 * deleted is first reported not ready, then (once it has left the Endpoints, or after a bound) its
 * containers get SIGTERM and, after the grace period, SIGKILL; then its resources are released and
 * its Pod object removed.
 */
final class PodWorker {
    private static final Logger log = LoggerFactory.getLogger(PodWorker.class);

    private final String uid;
    private final PodContext context;
    private final ContainerConfigs configs;
    private final PodStatusWriter statusWriter;
    private volatile @Nullable Pod pod;
    private volatile boolean gone;
    private final Map<String, Waiting> waiting = new HashMap<>();
    private final Map<String, Instant> retryAt = new HashMap<>();
    private final Map<String, Integer> pullFailures = new HashMap<>();
    private final Map<String, HealthChecks.Tracker> trackers = new HashMap<>();
    private final Set<String> backoffReported = new HashSet<>();
    private List<HostPortBinding> ports = List.of();
    private @Nullable Instant terminatingSince;
    private boolean finished;

    PodWorker(String uid, PodContext context) {
        this.uid = uid;
        this.context = context;
        this.configs = new ContainerConfigs(
                context.nodeName(), context.config(), context.runtime().portsInEnvironment());
        this.statusWriter = new PodStatusWriter(context.pods());
    }

    void update(Pod latest) {
        this.pod = latest;
    }

    /** The Pod object is gone from the API (deleted with grace 0, or its node changed). */
    void markGone() {
        this.gone = true;
    }

    boolean finished() {
        return finished;
    }

    /**
     * Converges once.
     *
     * @return when to sync again at the latest (back-off expiry, a retry, the drain poll)
     */
    @Nullable
    Instant sync() {
        if (finished) {
            return null;
        }
        Pod current = pod;
        if (current == null) {
            return null;
        }
        Instant now = context.clock().instant();
        List<RuntimeContainer> containers = containersOfPod();
        if (gone) {
            teardown(current, containers, Duration.ZERO);
            return null;
        }
        if (current.getMetadata().hasDeletionTimestamp()) {
            return terminate(current, containers, now);
        }
        Map<String, List<RuntimeContainer>> runs = byName(containers);
        Instant next = null;
        try {
            if (ports.isEmpty()) {
                ports = context.hostPorts().bind(current);
            }
            Map<String, Path> volumes;
            try {
                volumes = PodVolumes.prepare(current, podDir(), context.config());
                waiting.remove("");
            } catch (ConfigException e) {
                for (Container c : current.getSpec().getContainersList()) {
                    setWaiting(current, c.getName(), "CreateContainerConfigError", String.valueOf(e.getMessage()));
                }
                writeStatus(current, runs, false, now);
                return now.plus(context.timings().resync());
            }
            if (!terminal(current)) {
                next = runInitContainers(current, runs, volumes, now);
                if (initDone(current, runs)) {
                    next = earliest(next, runContainers(current, runs, volumes, now));
                }
            }
            containers = containersOfPod();
            runs = byName(containers);
            pruneOldRuns(runs);
            closeStaleTrackers(containers);
            writeStatus(current, runs, false, now);
        } catch (IOException e) {
            log.warn(
                    "Pod {}/{}: {}",
                    current.getMetadata().getNamespace(),
                    current.getMetadata().getName(),
                    e.toString());
            next = now.plus(context.timings().resync());
        }
        return next;
    }

    // ---------------------------------------------------------------------------------------
    // Running

    private @Nullable Instant runInitContainers(
            Pod pod, Map<String, List<RuntimeContainer>> runs, Map<String, Path> volumes, Instant now) {
        for (Container init : pod.getSpec().getInitContainersList()) {
            List<RuntimeContainer> attempts = runs.getOrDefault(init.getName(), List.of());
            RuntimeContainer latest = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
            if (latest != null && latest.exited() && latest.exitCode() == 0) {
                continue;
            }
            if (latest != null && !latest.exited()) {
                return null;
            }
            if (latest != null && pod.getSpec().getRestartPolicy() == RestartPolicy.RESTART_POLICY_NEVER) {
                return null;
            }
            return startOrBackOff(pod, init, latest, volumes, now);
        }
        return null;
    }

    private boolean initDone(Pod pod, Map<String, List<RuntimeContainer>> runs) {
        for (Container init : pod.getSpec().getInitContainersList()) {
            List<RuntimeContainer> attempts = runs.getOrDefault(init.getName(), List.of());
            if (attempts.isEmpty()) {
                return false;
            }
            RuntimeContainer latest = attempts.get(attempts.size() - 1);
            if (!latest.exited() || latest.exitCode() != 0) {
                return false;
            }
        }
        return true;
    }

    private @Nullable Instant runContainers(
            Pod pod, Map<String, List<RuntimeContainer>> runs, Map<String, Path> volumes, Instant now) {
        Instant next = null;
        RestartPolicy policy = pod.getSpec().getRestartPolicy();
        for (Container spec : pod.getSpec().getContainersList()) {
            List<RuntimeContainer> attempts = runs.getOrDefault(spec.getName(), List.of());
            RuntimeContainer latest = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
            if (latest == null) {
                next = earliest(next, startOrBackOff(pod, spec, null, volumes, now));
            } else if (latest.state() == RuntimeContainer.State.CREATED) {
                startCreated(pod, spec, latest);
            } else if (latest.running()) {
                HealthChecks.Tracker tracker = tracker(pod, spec, latest);
                String failure = tracker.failure();
                if (failure != null) {
                    context.events()
                            .normal(
                                    reference(pod),
                                    "Killing",
                                    "Container " + spec.getName() + " " + failure + ", will be restarted");
                    tracker.close();
                    trackers.remove(latest.id());
                    context.runtime().stop(latest.id(), grace(pod));
                }
            } else {
                boolean restart = policy == RestartPolicy.RESTART_POLICY_ALWAYS
                        || policy == RestartPolicy.RESTART_POLICY_UNSPECIFIED
                        || (policy == RestartPolicy.RESTART_POLICY_ON_FAILURE && latest.exitCode() != 0);
                if (restart) {
                    next = earliest(next, startOrBackOff(pod, spec, latest, volumes, now));
                }
            }
        }
        return next;
    }

    /**
     * Starts the next run of {@code spec} unless its back-off (after an exit) or a retry delay (after
     * an error) holds it; returns when to look again.
     */
    private @Nullable Instant startOrBackOff(
            Pod pod, Container spec, @Nullable RuntimeContainer latest, Map<String, Path> volumes, Instant now) {
        String name = spec.getName();
        Instant retry = retryAt.get(name);
        if (retry != null && now.isBefore(retry)) {
            return retry;
        }
        if (latest != null) {
            Instant finished = latest.finishedAt() != null ? latest.finishedAt() : now;
            Instant started = latest.startedAt() != null ? latest.startedAt() : finished;
            String key = RestartBackoff.key(uid, name);
            Instant at = context.backoff().restartAt(key, latest.id(), finished, Duration.between(started, finished));
            if (now.isBefore(at)) {
                Duration wait = context.backoff().waiting(key, finished);
                setWaiting(
                        pod,
                        name,
                        "CrashLoopBackOff",
                        "back-off " + seconds(wait) + " restarting failed container=" + name + " pod="
                                + pod.getMetadata().getName() + "_"
                                + pod.getMetadata().getNamespace() + "("
                                + uid + ")");
                if (backoffReported.add(latest.id())) {
                    context.events()
                            .warning(
                                    reference(pod),
                                    "BackOff",
                                    "Back-off restarting failed container " + name + " in pod "
                                            + pod.getMetadata().getName() + "_"
                                            + pod.getMetadata().getNamespace() + "("
                                            + uid + ")");
                }
                return at;
            }
        }
        int attempt = latest == null ? 0 : latest.labels().attempt() + 1;
        return start(pod, spec, attempt, volumes, now);
    }

    private @Nullable Instant start(Pod pod, Container spec, int attempt, Map<String, Path> volumes, Instant now) {
        String name = spec.getName();
        ObjectReference ref = reference(pod);
        ImageRef image;
        try {
            image = context.runtime().ensureImage(spec.getImage(), pullPolicy(spec));
            pullFailures.remove(name);
            if (image.pulled()) {
                context.events().normal(ref, "Pulled", "Successfully pulled image \"" + spec.getImage() + "\"");
            } else if (attempt == 0) {
                context.events()
                        .normal(
                                ref,
                                "Pulled",
                                "Container image \"" + spec.getImage() + "\" already present on machine");
            }
        } catch (ImageException e) {
            int failures = pullFailures.merge(name, 1, Integer::sum);
            context.events()
                    .warning(
                            ref,
                            "Failed",
                            "Failed to pull image \"" + spec.getImage() + "\": " + String.valueOf(e.getMessage()));
            String reason = failures > 1 && e.reason().equals("ErrImagePull") ? "ImagePullBackOff" : e.reason();
            setWaiting(pod, name, reason, String.valueOf(e.getMessage()));
            Duration wait = context.timings().backoffInitial().multipliedBy(1L << Math.min(failures - 1, 5));
            if (wait.compareTo(context.timings().backoffMax()) > 0) {
                wait = context.timings().backoffMax();
            }
            Instant retry = now.plus(wait);
            retryAt.put(name, retry);
            return retry;
        } catch (ContainerException e) {
            return failed(pod, name, e.reason(), String.valueOf(e.getMessage()), now);
        }
        ContainerConfig config;
        try {
            config = new ContainerConfigs(
                            context.nodeName(),
                            context.config(),
                            context.runtime().portsInEnvironment())
                    .of(pod, spec, attempt, volumes, HostPorts.mappings(ports, name), podDir());
        } catch (ConfigException e) {
            return failed(pod, name, "CreateContainerConfigError", String.valueOf(e.getMessage()), now);
        }
        String id;
        try {
            id = context.runtime().create(config);
        } catch (ContainerException e) {
            return failed(pod, name, e.reason(), String.valueOf(e.getMessage()), now);
        }
        context.events().normal(ref, "Created", "Created container " + name);
        try {
            context.runtime().start(id);
        } catch (ContainerException e) {
            context.events().warning(ref, "Failed", "Error: " + String.valueOf(e.getMessage()));
            waiting.remove(name);
            return null;
        }
        waiting.remove(name);
        retryAt.remove(name);
        context.events().normal(ref, "Started", "Started container " + name);
        return null;
    }

    private void startCreated(Pod pod, Container spec, RuntimeContainer created) {
        try {
            context.runtime().start(created.id());
            context.events().normal(reference(pod), "Started", "Started container " + spec.getName());
        } catch (ContainerException e) {
            context.events().warning(reference(pod), "Failed", "Error: " + String.valueOf(e.getMessage()));
        }
    }

    private Instant failed(Pod pod, String container, String reason, String message, Instant now) {
        context.events().warning(reference(pod), "Failed", "Error: " + message);
        setWaiting(pod, container, reason, message);
        Instant retry = now.plus(context.timings().backoffInitial());
        retryAt.put(container, retry);
        return retry;
    }

    private void setWaiting(Pod pod, String container, String reason, String message) {
        waiting.put(container, new Waiting(reason, message));
    }

    private HealthChecks.Tracker tracker(Pod pod, Container spec, RuntimeContainer container) {
        return trackers.computeIfAbsent(container.id(), id -> {
            boolean wasReady = pod.getStatus().getContainerStatusesList().stream()
                    .anyMatch(s -> s.getName().equals(spec.getName())
                            && s.getContainerId().equals(context.runtime().name() + "://" + id)
                            && s.getReady());
            return context.health()
                    .track(
                            pod,
                            spec,
                            id,
                            HostPorts.mappings(ports, spec.getName()),
                            container.startedAt() != null ? container.startedAt() : container.createdAt(),
                            wasReady,
                            () -> context.requestSync().accept(uid));
        });
    }

    private void closeStaleTrackers(List<RuntimeContainer> containers) {
        Set<String> running = new HashSet<>();
        for (RuntimeContainer c : containers) {
            if (c.running()) {
                running.add(c.id());
            }
        }
        trackers.entrySet().removeIf(entry -> {
            if (!running.contains(entry.getKey())) {
                entry.getValue().close();
                return true;
            }
            return false;
        });
    }

    /** Keeps the latest run of each container and the one before it (for logs --previous). */
    private void pruneOldRuns(Map<String, List<RuntimeContainer>> runs) {
        for (List<RuntimeContainer> attempts : runs.values()) {
            for (int i = 0; i < attempts.size() - 2; i++) {
                RuntimeContainer old = attempts.get(i);
                if (old.exited()) {
                    context.runtime().remove(old.id());
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Status

    private void writeStatus(Pod pod, Map<String, List<RuntimeContainer>> runs, boolean terminating, Instant now) {
        Map<String, Observed> observed = new HashMap<>();
        List<Container> all = new ArrayList<>(pod.getSpec().getInitContainersList());
        all.addAll(pod.getSpec().getContainersList());
        for (Container spec : all) {
            List<RuntimeContainer> attempts = runs.getOrDefault(spec.getName(), List.of());
            RuntimeContainer latest = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
            boolean probed = pod.getSpec().getContainersList().contains(spec);
            HealthChecks.Tracker tracker =
                    latest != null && latest.running() && probed ? tracker(pod, spec, latest) : null;
            Waiting w = waiting.get(spec.getName());
            if (w != null && w.reason().equals("CrashLoopBackOff") && latest != null && !latest.exited()) {
                waiting.remove(spec.getName());
                w = null;
            }
            boolean started = tracker == null || tracker.started();
            boolean ready = tracker == null || tracker.ready();
            observed.put(spec.getName(), new Observed(attempts, w, started, ready));
        }
        PodStatus status = PodStatuses.compute(
                pod, observed, ports, context.hostIp(), context.runtime().name(), terminating, now);
        publish(pod, status);
    }

    private void publish(Pod pod, PodStatus status) {
        statusWriter.write(pod, status).ifPresent(written -> this.pod = newer(this.pod, written));
    }

    private static @Nullable Pod newer(@Nullable Pod mine, Pod written) {
        if (mine == null) {
            return written;
        }
        try {
            long a = Long.parseLong(mine.getMetadata().getResourceVersion());
            long b = Long.parseLong(written.getMetadata().getResourceVersion());
            return b >= a ? written : mine;
        } catch (NumberFormatException e) {
            return written;
        }
    }

    // ---------------------------------------------------------------------------------------
    // Termination

    private @Nullable Instant terminate(Pod pod, List<RuntimeContainer> containers, Instant now) {
        Map<String, List<RuntimeContainer>> runs = byName(containers);
        writeStatus(pod, runs, true, now);
        if (terminatingSince == null) {
            terminatingSince = now;
        }
        Set<Integer> hostPorts = new HashSet<>();
        for (HostPortBinding binding : ports.isEmpty() ? pod.getStatus().getHostPortsList() : ports) {
            hostPorts.add(binding.getHostPort());
        }
        boolean listed = !hostPorts.isEmpty()
                && context.endpoints().lists(pod.getMetadata().getNamespace(), context.hostIp(), hostPorts);
        boolean running = containers.stream().anyMatch(RuntimeContainer::running);
        if (listed
                && running
                && now.isBefore(terminatingSince.plus(context.timings().endpointsDrain()))) {
            return now.plusMillis(100);
        }
        teardown(pod, containers, grace(pod));
        try {
            context.pods()
                    .delete(
                            pod.getMetadata().getNamespace(),
                            pod.getMetadata().getName(),
                            DeleteOptions.defaults()
                                    .withGracePeriod(Duration.ZERO)
                                    .withPreconditions(uid, ""));
        } catch (NotFoundException | ConflictException e) {
            // already gone, or a new pod of the same name
        } catch (ApiException e) {
            log.warn(
                    "Pod {}/{}: not removed: {}",
                    pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName(),
                    String.valueOf(e.getMessage()));
            finished = false;
            return now.plus(context.timings().resync());
        }
        return null;
    }

    /** Stops every container (in parallel, each with {@code grace}), removes them and the pod's data. */
    private void teardown(Pod pod, List<RuntimeContainer> containers, Duration grace) {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (RuntimeContainer c : containers) {
            if (c.running()) {
                context.events()
                        .normal(
                                reference(pod),
                                "Killing",
                                "Stopping container " + c.labels().containerName());
                stops.add(CompletableFuture.runAsync(() -> context.runtime().stop(c.id(), grace)));
            }
        }
        stops.forEach(CompletableFuture::join);
        trackers.values().forEach(HealthChecks.Tracker::close);
        trackers.clear();
        for (RuntimeContainer c : containers) {
            context.runtime().remove(c.id());
        }
        try {
            PodVolumes.deleteTree(podDir());
        } catch (IOException e) {
            log.warn("Pod {}: data not removed: {}", uid, e.toString());
        }
        context.hostPorts().release(ports.isEmpty() ? pod.getStatus().getHostPortsList() : ports);
        context.backoff().forgetPod(uid);
        finished = true;
    }

    private Duration grace(Pod pod) {
        if (pod.getMetadata().hasDeletionGracePeriodSeconds()) {
            return Duration.ofSeconds(pod.getMetadata().getDeletionGracePeriodSeconds());
        }
        if (pod.getSpec().hasTerminationGracePeriodSeconds()) {
            return Duration.ofSeconds(pod.getSpec().getTerminationGracePeriodSeconds());
        }
        return context.timings().defaultGrace();
    }

    // ---------------------------------------------------------------------------------------
    // Helpers

    private List<RuntimeContainer> containersOfPod() {
        return new ArrayList<>(context.runtime().list(uid));
    }

    private static Map<String, List<RuntimeContainer>> byName(List<RuntimeContainer> containers) {
        Map<String, List<RuntimeContainer>> runs = new HashMap<>();
        for (RuntimeContainer c : containers) {
            runs.computeIfAbsent(c.labels().containerName(), k -> new ArrayList<>())
                    .add(c);
        }
        for (List<RuntimeContainer> attempts : runs.values()) {
            attempts.sort(
                    Comparator.comparingInt((RuntimeContainer c) -> c.labels().attempt())
                            .thenComparing(RuntimeContainer::createdAt));
        }
        return runs;
    }

    private boolean terminal(Pod pod) {
        Phase phase = pod.getStatus().getPhase();
        if (phase != Phase.PHASE_SUCCEEDED && phase != Phase.PHASE_FAILED) {
            return false;
        }
        // a terminal phase the kubelet itself wrote: nothing runs any more
        for (ContainerStatus status : pod.getStatus().getContainerStatusesList()) {
            if (status.getState().hasRunning()) {
                return false;
            }
        }
        return true;
    }

    Path podDir() {
        return context.podsDir().resolve(uid);
    }

    private static PullPolicy pullPolicy(Container spec) {
        return switch (spec.getImagePullPolicy()) {
            case PULL_POLICY_ALWAYS -> PullPolicy.ALWAYS;
            case PULL_POLICY_NEVER -> PullPolicy.NEVER;
            default -> PullPolicy.IF_NOT_PRESENT;
        };
    }

    static ObjectReference reference(Pod pod) {
        return EventRecorder.reference("v1", "Pod", pod.getMetadata());
    }

    private static @Nullable Instant earliest(@Nullable Instant a, @Nullable Instant b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isBefore(b) ? a : b;
    }

    private static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + "s" : String.format("%.1fs", millis / 1000.0);
    }
}
