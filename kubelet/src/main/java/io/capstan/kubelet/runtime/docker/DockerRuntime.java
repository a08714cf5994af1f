package io.capstan.kubelet.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.LogContainerCmd;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.WaitResponse;
import io.capstan.kubelet.runtime.ContainerConfig;
import io.capstan.kubelet.runtime.ContainerException;
import io.capstan.kubelet.runtime.ContainerLabels;
import io.capstan.kubelet.runtime.ContainerListener;
import io.capstan.kubelet.runtime.ContainerRuntime;
import io.capstan.kubelet.runtime.ExecSession;
import io.capstan.kubelet.runtime.ImageException;
import io.capstan.kubelet.runtime.ImageRef;
import io.capstan.kubelet.runtime.LogOptions;
import io.capstan.kubelet.runtime.LogStream;
import io.capstan.kubelet.runtime.NoSuchContainerException;
import io.capstan.kubelet.runtime.OutputSink;
import io.capstan.kubelet.runtime.PortEnvironment;
import io.capstan.kubelet.runtime.PullPolicy;
import io.capstan.kubelet.runtime.RuntimeContainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers on a Docker engine, through docker-java. One instance serves one node: it labels what
 * it creates with {@link ContainerLabels} and lists, inspects, stops and removes only containers
 * labelled with its node, so several kubelets can share an engine, and a restarted kubelet finds its
 * containers again from their labels alone.
 *
 * <p>What a container gets from its {@link ContainerConfig}:
 *
 * <ul>
 *   <li>a readable name, {@code capstan_<ns>_<pod>_<container>_<attempt>_<uid prefix>} (see {@link
 *       ContainerNames}); a create that collides with a stopped leftover of the same name on this
 *       node removes the leftover and creates again;
 *   <li>the command as the entrypoint and the args as the cmd, each only when not empty (so, as in
 *       Kubernetes, a command without args drops the image's cmd), the working directory, env;
 *   <li>cpu as {@code NanoCpus} (millicores x 10^6) and memory as {@code Memory} with the same {@code
 *       MemorySwap}, so the limit cannot be evaded through swap and an excess is an OOM kill;
 *   <li>mounts as binds of the host directories, read-only when asked;
 *   <li>the json-file log driver with {@code max-size} and {@code max-file} from the {@link
 *       DockerSettings}, so the engine rotates each container's log by size;
 *   <li>networking by {@link DockerSettings.NetworkMode}: {@code HOST} runs it in the host's network with each
 *       declared port handed over in the variables of {@link PortEnvironment} (set after the
 *       config's env, so they win over a same-named variable there: the kubelet chose that port);
 *       {@code BRIDGE} publishes {@code hostIp:hostPort -> containerPort} (hostIp 127.0.0.1 when
 *       empty) and sets no port variables. Nothing ever addresses a container's bridge IP.
 * </ul>
 *
 * <p>Images: see {@link DockerImages}: a present image is used unless the policy is Always, and
 * Always falls back to the present image when the pull fails.
 *
 * <p>Failures: engine errors of create and start become {@link ContainerException}s
 * (CreateContainerError, StartError); {@link #stop} and {@link #remove} log them at WARN (the pod
 * worker's next sync retries); the other calls throw them as unchecked {@link DockerException}s or
 * {@link IllegalStateException}s.
 *
 * <p>Thread-safe. {@link #close} closes the client, the events stream and any open log or exec
 * streams; the containers keep running.
 */
public final class DockerRuntime implements ContainerRuntime {
    private static final Logger log = LoggerFactory.getLogger(DockerRuntime.class);

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long a stop may wait after SIGKILL for the engine to see the container exit. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(30);

    private final String node;
    private final DockerSettings settings;
    private final DockerClient client;
    private final String version;
    private final DockerImages images;
    private final ContainerSpecs specs;
    private final ScheduledExecutorService scheduler;
    private final Set<DockerStream<?>> openStreams = ConcurrentHashMap.newKeySet();
    private final AtomicReference<@Nullable EventStream> events = new AtomicReference<>();
    private volatile ContainerListener listener = (labels, id) -> {};
    private volatile boolean closed;

    private DockerRuntime(String node, DockerSettings settings, DockerClient client, String version) {
        this.node = node;
        this.settings = settings;
        this.client = client;
        this.version = version;
        this.images = new DockerImages(client, settings.pullTimeout());
        this.specs = new ContainerSpecs(settings);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "docker-events-" + node);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Connects to the engine of {@code settings} for the containers of {@code node}.
     *
     * @throws IllegalStateException when the engine does not answer
     */
    public static DockerRuntime connect(String node, DockerSettings settings) {
        DockerClient client = DockerEngine.newClient(settings.dockerHost(), CONNECT_TIMEOUT, null);
        try {
            client.pingCmd().exec();
            String version = client.versionCmd().exec().getVersion();
            log.info(
                    "Connected to Docker engine {} at {} node={} network={}",
                    version,
                    settings.dockerHost(),
                    node,
                    settings.networkMode());
            return new DockerRuntime(node, settings, client, version == null ? "unknown" : version);
        } catch (RuntimeException e) {
            DockerEngine.closeQuietly(client);
            throw new IllegalStateException(
                    "no Docker engine answers at " + settings.dockerHost() + ": " + DockerEngine.message(e), e);
        }
    }

    @Override
    public String name() {
        return "docker";
    }

    @Override
    public String version() {
        return "docker://" + version;
    }

    /** True in host networking (ports in {@link PortEnvironment}), false in bridge mode. */
    @Override
    public boolean portsInEnvironment() {
        return settings.networkMode() == DockerSettings.NetworkMode.HOST;
    }

    /** The node whose containers this runtime manages. */
    public String node() {
        return node;
    }

    public DockerSettings settings() {
        return settings;
    }

    // ------------------------------------------------------------------------------------ images

    @Override
    public ImageRef ensureImage(String image, PullPolicy policy) throws ImageException {
        return images.ensure(image, policy);
    }

    // -------------------------------------------------------------------------------- containers

    @Override
    public String create(ContainerConfig config) throws ContainerException {
        ContainerLabels labels = config.labels();
        if (!labels.node().equals(node)) {
            throw new ContainerException(
                    "CreateContainerError",
                    "container " + labels.containerName() + " is labelled for node " + labels.node() + ", not " + node);
        }
        String name = ContainerNames.of(labels);
        try {
            return createNamed(config, name);
        } catch (ConflictException e) {
            if (!removeLeftover(name)) {
                throw new ContainerException(
                        "CreateContainerError", "container name " + name + " is in use: " + DockerEngine.message(e), e);
            }
            try {
                return createNamed(config, name);
            } catch (RuntimeException again) {
                throw createError(config, again);
            }
        } catch (RuntimeException e) {
            throw createError(config, e);
        }
    }

    private String createNamed(ContainerConfig config, String name) {
        CreateContainerCmd command = client.createContainerCmd(config.image())
                .withName(name)
                .withLabels(config.labels().toMap())
                .withEnv(specs.environment(config))
                .withHostConfig(specs.hostConfig(config));
        if (!config.command().isEmpty()) {
            command.withEntrypoint(config.command());
        }
        if (!config.args().isEmpty()) {
            command.withCmd(config.args());
        }
        if (!config.workingDir().isEmpty()) {
            command.withWorkingDir(config.workingDir());
        }
        List<ExposedPort> exposed = specs.exposedPorts(config);
        if (!exposed.isEmpty()) {
            command.withExposedPorts(exposed);
        }
        long started = System.nanoTime();
        String id = command.exec().getId();
        log.debug("Created container {} id={} in {} ms", name, id, (System.nanoTime() - started) / 1_000_000);
        return id;
    }

    private static ContainerException createError(ContainerConfig config, RuntimeException e) {
        String message = e instanceof NotFoundException
                ? "image " + config.image() + " is not present: " + DockerEngine.message(e)
                : DockerEngine.message(e);
        return new ContainerException(
                "CreateContainerError", "creating container " + config.labels().containerName() + ": " + message, e);
    }

    /**
     * Removes a stopped container of this node named {@code name}: what remains of a create whose
     * answer was lost, or of an attempt the kubelet is making again. True when the name is free now.
     */
    private boolean removeLeftover(String name) {
        try {
            InspectContainerResponse leftover = client.inspectContainerCmd(name).exec();
            ContainerLabels labels = ContainerStates.labels(leftover);
            if (labels == null
                    || !labels.node().equals(node)
                    || Boolean.TRUE.equals(leftover.getState().getRunning())) {
                return false;
            }
            log.info("Removing leftover container {} id={} to create it again", name, leftover.getId());
            client.removeContainerCmd(leftover.getId())
                    .withForce(true)
                    .withRemoveVolumes(true)
                    .exec();
            return true;
        } catch (NotFoundException e) {
            return true;
        } catch (RuntimeException e) {
            log.warn("Removing leftover container {} failed: {}", name, DockerEngine.message(e));
            return false;
        }
    }

    @Override
    public void start(String containerId) throws ContainerException {
        long started = System.nanoTime();
        try {
            client.startContainerCmd(containerId).exec();
        } catch (NotModifiedException e) {
            return; // already running
        } catch (NotFoundException e) {
            throw new ContainerException("StartError", "no such container " + containerId, e);
        } catch (RuntimeException e) {
            throw new ContainerException("StartError", DockerEngine.message(e), e);
        }
        log.debug("Started container {} in {} ms", containerId, (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public void stop(String containerId, Duration grace) {
        try {
            InspectContainerResponse container = ownedOrNull(containerId);
            if (container == null || !Boolean.TRUE.equals(container.getState().getRunning())) {
                return;
            }
            if (grace.isZero() || grace.isNegative()) {
                // a stop with timeout 0 still sends SIGTERM first; the contract says kill at once
                client.killContainerCmd(containerId).exec();
                awaitExit(containerId);
            } else {
                // the engine counts in whole seconds: round up, never cut the grace short
                long seconds = (grace.toMillis() + 999) / 1000;
                client.stopContainerCmd(containerId)
                        .withTimeout((int) Math.min(seconds, Integer.MAX_VALUE))
                        .exec();
            }
        } catch (NotModifiedException | NotFoundException e) {
            // already stopped, or removed meanwhile
        } catch (ConflictException e) {
            log.debug("Container {} was not running when killed: {}", containerId, DockerEngine.message(e));
        } catch (RuntimeException e) {
            log.warn("Stopping container {} failed: {}", containerId, DockerEngine.message(e));
        }
    }

    private void awaitExit(String containerId) {
        DockerStream<WaitResponse> wait = new DockerStream<>(new DockerStream.Handler<>() {
            @Override
            public void item(WaitResponse item) {}

            @Override
            public void ended(@Nullable Throwable error) {}
        });
        client.waitContainerCmd(containerId).exec(wait);
        try {
            if (!wait.await(KILL_WAIT)) {
                log.warn("Container {} has not exited {} s after SIGKILL", containerId, KILL_WAIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            wait.close();
        }
    }

    @Override
    public void remove(String containerId) {
        try {
            if (ownedOrNull(containerId) == null) {
                return;
            }
            client.removeContainerCmd(containerId)
                    .withForce(true)
                    .withRemoveVolumes(true)
                    .exec();
        } catch (NotFoundException e) {
            // removed meanwhile
        } catch (RuntimeException e) {
            log.warn("Removing container {} failed: {}", containerId, DockerEngine.message(e));
        }
    }

    @Override
    public List<RuntimeContainer> list() {
        return listLabelled(Map.of(ContainerLabels.NODE, node));
    }

    /** Asks the engine for the pod's containers only, so a pod's sync inspects its own containers. */
    @Override
    public List<RuntimeContainer> list(String podUid) {
        return listLabelled(Map.of(ContainerLabels.NODE, node, ContainerLabels.POD_UID, podUid));
    }

    private List<RuntimeContainer> listLabelled(Map<String, String> selector) {
        List<Container> containers = client.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(selector)
                .exec();
        List<RuntimeContainer> result = new ArrayList<>(containers.size());
        for (Container container : containers) {
            InspectContainerResponse inspected = ownedOrNull(container.getId());
            ContainerLabels labels = inspected == null ? null : ContainerStates.labels(inspected);
            if (inspected != null && labels != null) {
                result.add(ContainerStates.of(inspected, labels));
            }
        }
        return result;
    }

    @Override
    public RuntimeContainer inspect(String containerId) throws NoSuchContainerException {
        InspectContainerResponse inspected = owned(containerId);
        ContainerLabels labels = ContainerStates.labels(inspected);
        if (labels == null) {
            throw new NoSuchContainerException("no such container " + containerId);
        }
        return ContainerStates.of(inspected, labels);
    }

    /** The engine's view of a container of this node, else NoSuchContainerException. */
    private InspectContainerResponse owned(String containerId) throws NoSuchContainerException {
        InspectContainerResponse inspected = ownedOrNull(containerId);
        if (inspected == null) {
            throw new NoSuchContainerException("no such container " + containerId + " on node " + node);
        }
        return inspected;
    }

    private @Nullable InspectContainerResponse ownedOrNull(String containerId) {
        InspectContainerResponse inspected;
        try {
            inspected = client.inspectContainerCmd(containerId).exec();
        } catch (NotFoundException e) {
            return null;
        }
        ContainerLabels labels = ContainerStates.labels(inspected);
        return labels != null && labels.node().equals(node) ? inspected : null;
    }

    // --------------------------------------------------------------------------- exec and logs

    @Override
    public ExecSession exec(String containerId, List<String> command, OutputSink output)
            throws NoSuchContainerException {
        InspectContainerResponse container = owned(containerId);
        if (!Boolean.TRUE.equals(container.getState().getRunning())) {
            throw new NoSuchContainerException("container " + containerId + " is not running");
        }
        String execId;
        try {
            execId = client.execCreateCmd(containerId)
                    .withAttachStdout(true)
                    .withAttachStderr(true)
                    .withCmd(command.toArray(String[]::new))
                    .exec()
                    .getId();
        } catch (NotFoundException e) {
            throw new NoSuchContainerException("no such container " + containerId);
        } catch (ConflictException e) {
            throw new NoSuchContainerException(
                    "container " + containerId + " is not running: " + DockerEngine.message(e));
        }
        DockerStream<Frame> stream = open(new DockerStream.Handler<>() {
            @Override
            public void item(Frame frame) {
                if (frame.getPayload() != null && frame.getPayload().length > 0) {
                    output.write(LogFrames.stream(frame.getStreamType()), frame.getPayload());
                }
            }

            @Override
            public void ended(@Nullable Throwable error) {
                output.close(error);
            }
        });
        try {
            client.execStartCmd(execId).exec(stream);
        } catch (RuntimeException e) {
            stream.onError(e);
        }
        return new DockerExecSession(
                client, container.getId(), execId, stream, settings.dockerHost().startsWith("unix://"));
    }

    @Override
    public LogStream logs(String containerId, LogOptions options, OutputSink output) throws NoSuchContainerException {
        owned(containerId);
        LogFrames frames = new LogFrames(options.since(), options.timestamps());
        LogContainerCmd command = client.logContainerCmd(containerId)
                .withStdOut(true)
                .withStdErr(true)
                .withFollowStream(options.follow())
                .withTimestamps(frames.engineTimestamps());
        if (options.tailLines() >= 0) {
            command.withTail(options.tailLines());
        } else {
            command.withTailAll();
        }
        if (options.since() != null) {
            long seconds = Math.max(0, options.since().getEpochSecond());
            command.withSince((int) Math.min(seconds, Integer.MAX_VALUE));
        }
        DockerStream<Frame> stream = open(new DockerStream.Handler<>() {
            @Override
            public void item(Frame frame) {
                frames.write(frame, output);
            }

            @Override
            public void ended(@Nullable Throwable error) {
                output.close(error);
            }
        });
        try {
            command.exec(stream);
        } catch (RuntimeException e) {
            stream.onError(e);
        }
        return stream::close;
    }

    /** A stream closed with the runtime if still open then. */
    private <T> DockerStream<T> open(DockerStream.Handler<T> handler) {
        AtomicReference<@Nullable DockerStream<T>> self = new AtomicReference<>();
        DockerStream<T> stream = new DockerStream<>(new DockerStream.Handler<>() {
            @Override
            public void item(T item) {
                handler.item(item);
            }

            @Override
            public void ended(@Nullable Throwable error) {
                DockerStream<T> me = self.get();
                if (me != null) {
                    openStreams.remove(me);
                }
                handler.ended(error);
            }
        });
        self.set(stream);
        openStreams.add(stream);
        if (closed) {
            stream.close();
        }
        return stream;
    }

    // -------------------------------------------------------------------------------- listener

    /**
     * Registers the listener and, on the first call, opens the engine's events stream for this
     * node's containers (start, die, oom, destroy), reconnecting when it breaks.
     */
    @Override
    public void setListener(ContainerListener listener) {
        this.listener = listener;
        if (events.get() == null && !closed) {
            EventStream stream = new EventStream(client, node, () -> this.listener, scheduler);
            if (events.compareAndSet(null, stream)) {
                stream.start();
            }
        }
    }

    /** Drops the events connection as if the engine had; for tests of the reconnect. */
    void breakEventStream() {
        EventStream stream = events.get();
        if (stream != null) {
            stream.breakConnection();
        }
    }

    /** The events connections made so far; for tests. */
    int eventConnections() {
        EventStream stream = events.get();
        return stream == null ? 0 : stream.connections();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        EventStream stream = events.get();
        if (stream != null) {
            stream.close();
        }
        scheduler.shutdownNow();
        for (DockerStream<?> open : List.copyOf(openStreams)) {
            open.close();
        }
        DockerEngine.closeQuietly(client);
        log.info("Closed the Docker runtime of node {}", node);
    }
}
