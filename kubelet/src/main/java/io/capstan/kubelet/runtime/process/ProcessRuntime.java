package io.capstan.kubelet.runtime.process;

import io.capstan.kubelet.runtime.ContainerConfig;
import io.capstan.kubelet.runtime.ContainerException;
import io.capstan.kubelet.runtime.ContainerListener;
import io.capstan.kubelet.runtime.ContainerRuntime;
import io.capstan.kubelet.runtime.ExecSession;
import io.capstan.kubelet.runtime.ImageRef;
import io.capstan.kubelet.runtime.LogOptions;
import io.capstan.kubelet.runtime.LogStream;
import io.capstan.kubelet.runtime.NoSuchContainerException;
import io.capstan.kubelet.runtime.OutputSink;
import io.capstan.kubelet.runtime.PortEnvironment;
import io.capstan.kubelet.runtime.PullPolicy;
import io.capstan.kubelet.runtime.RuntimeContainer;
import io.capstan.kubelet.runtime.RuntimeContainer.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers as plain host processes, for machines without Docker (Linux only: it reads /proc and
 * runs {@code setsid} and {@code sh}). The image is only recorded; the command runs directly, as
 * the kubelet's user. This class is the {@link ContainerRuntime} facade: it keeps the containers,
 * the lock, the poller and the threads, and hands each step to a piece of its package.
 *
 * <h2>What a container gets</h2>
 *
 * <ul>
 *   <li><b>Program and environment</b> ({@code ContainerSpec.resolve}): {@code command + args}, or
 *       the image name as the program; {@link #create} fails with CreateContainerError when there is
 *       no such executable. The environment holds only PATH, {@code HOME}, the config's env, the
 *       {@link PortEnvironment} variables and {@value #POD_ROOT_ENV}{@code =<pod root>}.
 *   <li><b>Filesystem</b> ({@code PodRoot}): the pod root {@code <podDirectory>/root} stands for
 *       "/", shared by the pod's containers. Each mount is a symbolic link at its path in the root
 *       ({@code root/etc/config -> <volume dir>}); readOnly is not enforced. The working directory
 *       is {@code root/<workingDir>}, or the root itself. Absolute paths in commands are host
 *       paths.
 *   <li><b>Process group</b> ({@code ProcessLauncher}): the process leads its own session and
 *       group (pgid == pid); stop signals the whole group, and when the main process exits
 *       whatever it left in its group is killed, as Docker does when a container's PID 1 ends.
 * </ul>
 *
 * <h2>Surviving the kubelet</h2>
 *
 * <p>Each container has a directory {@code <stateDirectory>/containers/<id>} holding its spec,
 * status, raw output and log. Its process is started through a wrapper {@code sh} in a session of
 * its own that records the pids and the exit code there ({@code ProcessLauncher}), so the kubelet
 * may die and come back: a new runtime on the same state directory loads every container labelled
 * with its node and takes back the running ones ({@code ContainerLoader}), neither restarting nor
 * losing them. Exits are noticed at once for wrappers this runtime started and every {@link
 * Options#pollInterval} for taken-back ones; a container whose wrapper was killed is reported
 * exited with 137 and reason ContainerStatusUnknown ({@code ExitTracker}).
 *
 * <p>Times: created and started come from the clock; finished is the modification time of the
 * {@code exit} file, which stays right across restarts.
 *
 * <p>Not done: cpu and memory limits are not applied (no cgroups), readOnly mounts are writable,
 * and there is no isolation beyond the working directory. A kubelet run as a systemd unit needs
 * {@code KillMode=process}, or stopping the unit kills its containers with it.
 *
 * <h2>Logs</h2>
 *
 * <p>The process writes into {@code stdout.raw} and {@code stderr.raw} (O_APPEND). Every poll
 * interval, and before each read, the runtime moves new complete lines into {@code log/} in the
 * CRI format ({@code <RFC 3339 time> stdout|stderr F|P <line>}), stamped with the time it read
 * them, and rotates that log by size: {@link Options#logMaxBytes} per file, {@link
 * Options#logMaxFiles} files. {@code ContainerLog} does this and states the trade-offs.
 *
 * <p>Logs of exited containers stay readable until {@link #remove}, which deletes the directory.
 * The pod root is left for the kubelet, which deletes the pod directory with the pod.
 *
 * <p>One runtime per node and state directory at a time: the constructor takes a lock file
 * ({@code NodeLock}). Thread-safe; state changes of one container are serialized on it.
 */
public final class ProcessRuntime implements ContainerRuntime {
    private static final Logger log = LoggerFactory.getLogger(ProcessRuntime.class);

    /** The environment variable holding the pod root's absolute path. */
    public static final String POD_ROOT_ENV = "CAPSTAN_POD_ROOT";

    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final String CONTAINERS = "containers";
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Tuning of the process runtime.
     *
     * @param logMaxBytes the size at which a container's log file is rotated (and its raw output
     *     files truncated); Kubernetes' containerLogMaxSize, 10 MiB by default
     * @param logMaxFiles how many log files a container keeps, the current one included;
     *     Kubernetes' containerLogMaxFiles, 5 by default, at least 2
     * @param pollInterval how often output is collected into the logs and taken-back processes are
     *     checked for exit; 250 ms by default
     */
    public record Options(long logMaxBytes, int logMaxFiles, Duration pollInterval) {
        public Options {
            if (logMaxBytes < 1024) {
                throw new IllegalArgumentException("logMaxBytes: must be >= 1024, got " + logMaxBytes);
            }
            if (logMaxFiles < 2) {
                throw new IllegalArgumentException("logMaxFiles: must be >= 2, got " + logMaxFiles);
            }
            if (pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("pollInterval: must be positive, got " + pollInterval);
            }
        }

        public static Options defaults() {
            return new Options(10L << 20, 5, Duration.ofMillis(250));
        }

        public Options withLogRotation(long maxBytes, int maxFiles) {
            return new Options(maxBytes, maxFiles, pollInterval);
        }

        public Options withPollInterval(Duration interval) {
            return new Options(logMaxBytes, logMaxFiles, interval);
        }
    }

    private final String node;
    private final Path containersDirectory;
    private final Clock clock;
    private final Options options;
    private final Path setsid;
    private final String kubeletPath;
    private final ProcessGroups groups;
    private final ProcessLauncher launcher;
    private final ExitTracker exits;
    private final NodeLock lock;
    private final Map<String, ProcessContainer> containers = new ConcurrentHashMap<>();
    private final Set<LogReader> readers = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService poller;
    private final ExecutorService io;
    private final SecureRandom random = new SecureRandom();
    private volatile ContainerListener listener = (labels, id) -> {};
    private volatile boolean closed;

    public ProcessRuntime(String node, Path stateDirectory, Clock clock) throws IOException {
        this(node, stateDirectory, clock, Options.defaults());
    }

    /**
     * Opens the runtime of {@code node} on {@code stateDirectory}, taking back the containers of a
     * previous runtime there.
     *
     * @throws IOException when the state directory cannot be used
     * @throws IllegalStateException when another runtime holds this node's lock there, or sh or
     *     setsid are missing
     */
    public ProcessRuntime(String node, Path stateDirectory, Clock clock, Options options) throws IOException {
        if (node.isEmpty() || node.contains("/") || node.startsWith(".")) {
            throw new IllegalArgumentException("node: not usable as a file name: '" + node + "'");
        }
        this.node = node;
        this.clock = clock;
        this.options = options;
        String path = System.getenv("PATH");
        this.kubeletPath = path == null || path.isEmpty() ? DEFAULT_PATH : path;
        Path root = Path.of("/");
        Path shell = Executables.find("sh", "/bin:/usr/bin", root)
                .orElseThrow(() -> new IllegalStateException("the process runtime needs /bin/sh"));
        this.setsid = Executables.find("setsid", kubeletPath + ":/usr/bin:/bin", root)
                .orElseThrow(() -> new IllegalStateException("the process runtime needs setsid (util-linux) on PATH"));
        this.groups = new ProcessGroups(shell);
        this.launcher = new ProcessLauncher(shell, setsid, clock, this::wrapperExited);
        this.exits = new ExitTracker(groups, this::notifyListener);
        Path state = stateDirectory.toAbsolutePath().normalize();
        this.containersDirectory = state.resolve(CONTAINERS);
        Files.createDirectories(containersDirectory);
        this.lock = NodeLock.take(state, node);
        AtomicInteger threads = new AtomicInteger();
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "process-runtime-" + node));
        this.io = Executors.newCachedThreadPool(
                r -> daemon(r, "process-runtime-" + node + "-io-" + threads.incrementAndGet()));
        takeBack(new ContainerLoader(node, options.logMaxBytes(), options.logMaxFiles(), clock));
        long interval = options.pollInterval().toMillis();
        var unused = poller.scheduleWithFixedDelay(this::poll, interval, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public String name() {
        return "process";
    }

    @Override
    public String version() {
        return "process://" + System.getProperty("os.version", "unknown");
    }

    /** Always present: the image is only a name here, and its id is the name itself. */
    @Override
    public ImageRef ensureImage(String image, PullPolicy policy) {
        return new ImageRef(image, image, false);
    }

    @Override
    public String create(ContainerConfig config) throws ContainerException {
        if (!config.labels().node().equals(node)) {
            throw new ContainerException(
                    "CreateContainerError",
                    "labels: container labelled for node " + config.labels().node() + ", this runtime runs " + node);
        }
        String id = HexFormat.of().formatHex(randomBytes());
        ContainerSpec spec = ContainerSpec.resolve(id, config, kubeletPath, clock);
        Path directory = containersDirectory.resolve(id);
        try {
            Files.createDirectories(directory);
            ContainerLog containerLog =
                    new ContainerLog(directory, options.logMaxBytes(), options.logMaxFiles(), clock);
            spec.write(directory.resolve(ContainerSpec.FILE));
            containers.put(id, new ProcessContainer(spec, directory, containerLog, ProcessContainer.Status.created()));
        } catch (IOException e) {
            deleteQuietly(directory);
            throw new ContainerException(
                    "CreateContainerError",
                    "cannot write the container's state in " + directory + ": " + e.getMessage(),
                    e);
        }
        log.debug("Created container {} ({}) running {}", id, config.labels(), spec.argv());
        return id;
    }

    @Override
    public void start(String containerId) throws ContainerException {
        ProcessContainer container = containers.get(containerId);
        if (container == null) {
            throw new ContainerException("StartError", "no such container " + containerId);
        }
        synchronized (container) {
            State state = container.status().state();
            if (state == State.RUNNING) {
                return;
            }
            if (state == State.EXITED) {
                throw new ContainerException(
                        "StartError", "container " + containerId + " has exited; create a new one to run it again");
            }
            try {
                launcher.launch(container);
            } catch (ContainerException e) {
                launcher.failStart(container, e.getMessage());
                throw e;
            }
        }
        notifyListener(container);
    }

    @Override
    public void stop(String containerId, Duration grace) {
        ProcessContainer container = containers.get(containerId);
        if (container == null) {
            return;
        }
        ProcessContainer.Launch launch = container.status().launch();
        if (!container.isRunning() || launch == null) {
            return;
        }
        long pgid = launch.pid();
        boolean interrupted = false;
        try {
            if (grace.isNegative() || grace.isZero()) {
                exits.signalIfOurs(container, pgid, "KILL");
            } else {
                exits.signalIfOurs(container, pgid, "TERM");
                if (!groups.awaitEmpty(pgid, grace)) {
                    log.debug("Container {} outlived its grace of {}, killing it", containerId, grace);
                    exits.signalIfOurs(container, pgid, "KILL");
                }
            }
            if (!groups.awaitEmpty(pgid, KILL_TIMEOUT)) {
                log.warn(
                        "Process group {} of container {} is still there {} after SIGKILL",
                        pgid,
                        containerId,
                        KILL_TIMEOUT);
            }
            exits.awaitRecorded(container);
        } catch (InterruptedException e) {
            interrupted = true;
            exits.signalIfOurs(container, pgid, "KILL");
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void remove(String containerId) {
        ProcessContainer container = containers.get(containerId);
        if (container == null) {
            return;
        }
        if (container.isRunning()) {
            stop(containerId, Duration.ZERO);
        }
        container.closeExecs();
        containers.remove(containerId);
        container.log().finish();
        deleteQuietly(container.directory());
        log.debug("Removed container {}", containerId);
        notifyListener(container);
    }

    @Override
    public List<RuntimeContainer> list() {
        List<RuntimeContainer> all = new ArrayList<>();
        for (ProcessContainer container : containers.values()) {
            all.add(container.view());
        }
        return all;
    }

    @Override
    public RuntimeContainer inspect(String containerId) throws NoSuchContainerException {
        return find(containerId).view();
    }

    @Override
    public ExecSession exec(String containerId, List<String> command, OutputSink output)
            throws NoSuchContainerException {
        ProcessContainer container = find(containerId);
        if (!container.isRunning()) {
            throw new NoSuchContainerException("container " + containerId + " is not running");
        }
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command: required");
        }
        ProcessExec exec = ProcessExec.start(container.spec(), setsid, command, output, groups, io, container.execs());
        if (!container.isRunning()) {
            exec.close(); // raced with the container's exit
        }
        return exec;
    }

    @Override
    public LogStream logs(String containerId, LogOptions options, OutputSink output) throws NoSuchContainerException {
        ProcessContainer container = find(containerId);
        if (container.isRunning()) {
            collect(container);
        }
        LogReader reader = new LogReader(container.log(), options, output, readers);
        if (!options.follow()) {
            reader.run();
            return reader;
        }
        readers.add(reader);
        try {
            io.execute(reader::run);
        } catch (RejectedExecutionException e) {
            readers.remove(reader);
            output.close(new IllegalStateException("the process runtime is closed"));
        }
        return reader;
    }

    @Override
    public void setListener(ContainerListener listener) {
        this.listener = listener;
    }

    /** Stops polling and ends log followers and exec sessions; the containers keep running. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        poller.shutdownNow();
        for (LogReader reader : List.copyOf(readers)) {
            reader.close();
        }
        for (ProcessContainer container : containers.values()) {
            container.closeExecs();
        }
        io.shutdown();
        try {
            if (!poller.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("Process runtime poller of node {} did not stop within 5s", node);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            lock.release();
        } catch (IOException e) {
            log.warn("Cannot release the process runtime lock of node {}", node, e);
        }
    }

    /** Takes back the containers a previous runtime left, and records the exits it missed. */
    private void takeBack(ContainerLoader loader) throws IOException {
        for (ProcessContainer container : loader.loadAll(containersDirectory)) {
            containers.put(container.id(), container);
        }
        int running = 0;
        for (ProcessContainer container : containers.values()) {
            if (container.isRunning()) {
                exits.check(container);
                if (container.isRunning()) {
                    running++;
                }
            }
        }
        log.info(
                "Process runtime of node {} took back {} containers, {} of them running",
                node,
                containers.size(),
                running);
    }

    /** Hands the exit of a wrapper this runtime started to the poller's thread. */
    private void wrapperExited(ProcessContainer container) {
        if (!closed) {
            try {
                poller.execute(() -> exits.check(container));
            } catch (RejectedExecutionException e) {
                // closed meanwhile: the next runtime's poller sees the exit
            }
        }
    }

    private void poll() {
        for (ProcessContainer container : containers.values()) {
            if (closed) {
                return;
            }
            // a throw would end the schedule for good
            try {
                if (container.isRunning()) {
                    collect(container);
                    exits.check(container);
                }
            } catch (RuntimeException e) {
                log.warn("Polling container {} failed, will retry", container.id(), e);
            }
        }
    }

    private void collect(ProcessContainer container) {
        try {
            container.log().collect(false);
        } catch (IOException e) {
            log.warn("Cannot collect the output of container {}, will retry", container.id(), e);
        }
    }

    private ProcessContainer find(String containerId) throws NoSuchContainerException {
        ProcessContainer container = containers.get(containerId);
        if (container == null) {
            throw new NoSuchContainerException("no such container " + containerId);
        }
        return container;
    }

    private void notifyListener(ProcessContainer container) {
        try {
            listener.changed(container.spec().labels(), container.id());
        } catch (RuntimeException e) {
            log.warn("Container listener failed for {}", container.id(), e);
        }
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return bytes;
    }

    private static void deleteQuietly(Path directory) {
        try {
            StateFiles.deleteRecursively(directory);
        } catch (IOException e) {
            log.warn("Cannot delete {}", directory, e);
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
