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
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers as plain host processes, for machines without Docker (Linux only: it reads /proc and
 * runs {@code setsid} and {@code sh}). The image is only recorded; the command runs directly, as
 * the kubelet's user.
 *
 * <h2>What a container gets</h2>
 *
 * <ul>
 *   <li><b>Program</b>: {@code command + args}, or the image name as the program with {@code args}
 *       when the command is empty. A name without '/' is looked up on the container's PATH, a
 *       relative path from its working directory; {@link #create} fails with CreateContainerError
 *       when there is no such executable.
 *   <li><b>Environment</b>, and nothing of the kubelet's beyond PATH: {@code PATH} (the
 *       kubelet's), {@code HOME=<pod root>}, then the config's env (which may replace both), then
 *       {@link PortEnvironment}'s {@code PORT}, {@code PORT_<containerPort>}, {@code PORT_<NAME>}
 *       (these win over the config: they are what the endpoints point at), then {@value
 *       #POD_ROOT_ENV}{@code =<pod root>}. LANG and the rest are not passed: a container runs in
 *       the POSIX locale unless its env says otherwise, as in most images.
 *   <li><b>Filesystem</b>: the pod root {@code <podDirectory>/root} stands for "/", shared by the
 *       pod's containers. Each mount is a symbolic link at its path in the root ({@code
 *       root/etc/config -> <volume dir>}); readOnly is not enforced. The working directory is
 *       {@code root/<workingDir>}, or the root itself. Absolute paths in commands are host paths.
 *   <li><b>Process group</b>: the process is started through {@code setsid}, so it leads its own
 *       session and group (pgid == pid); stop signals the whole group, and when the main process
 *       exits whatever it left in its group is killed, as Docker does when a container's PID 1
 *       ends.
 * </ul>
 *
 * <h2>Surviving the kubelet</h2>
 *
 * <p>Each container has a directory {@code <stateDirectory>/containers/<id>} holding its spec,
 * status, raw output and log. It is started as {@code setsid sh -c <wrapper>}: the wrapper, in a
 * session of its own, starts the process (through {@code setsid} again) with stdout and stderr
 * appended to files, writes {@code "<wrapper pid> <pid>"} to {@code pids}, waits, kills what is
 * left of the process group, and writes the exit code ({@code $?}, 128+n for signal n) to {@code
 * exit}. Nothing of the container reads from or writes to this JVM, so the kubelet may die and
 * come back: a new runtime on the same state directory loads every container labelled with its
 * node, takes back the running ones (their pids are checked against the start times from
 * /proc/&lt;pid&gt;/stat, so a reused pid is not ours) and neither restarts nor loses them. The
 * wrapper traps HUP, INT and TERM (handlers, not ignores, so the process still gets default
 * dispositions) and sits outside the container's group, so stop's signals do not reach it. While
 * this JVM started the wrapper, {@link Process#onExit} reports the exit at once; for taken-back
 * containers a poller looks every {@link Options#pollInterval}. A wrapper killed by someone else
 * leaves no code: once the process is gone too the container is reported exited with 137 and
 * reason ContainerStatusUnknown, as the kubelet does for a container it lost.
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
 * Options#logMaxFiles} files. Trade-offs of this design, chosen over a pipe (which dies with the
 * kubelet) and over a helper process per container (a dependency beyond sh and setsid):
 *
 * <ul>
 *   <li>Times are when the runtime read a line, up to one poll interval late; lines written while
 *       no runtime ran carry the raw file's modification time (its last write). {@code since} is
 *       exact to that resolution.
 *   <li>stdout and stderr stay apart, but their order within one poll interval is not kept:
 *       stdout's lines of an interval come before stderr's.
 *   <li>A raw file is truncated once collected and at least logMaxBytes long. Output written in
 *       the microseconds between the last read and the truncate is lost; with O_APPEND the
 *       process never writes at a stale offset.
 *   <li>While no runtime runs nothing is rotated: the raw files grow until the kubelet is back.
 *   <li>Disk per container is at most logMaxFiles × logMaxBytes of log plus two raw files of
 *       about logMaxBytes each; lines are copied once, as Docker's json-file driver does.
 * </ul>
 *
 * <p>Logs of exited containers stay readable until {@link #remove}, which deletes the directory.
 * The pod root is left for the kubelet, which deletes the pod directory with the pod.
 *
 * <p>One runtime per node and state directory at a time: the constructor takes a lock file.
 * Thread-safe; state changes of one container are serialized on it.
 */
public final class ProcessRuntime implements ContainerRuntime {
    private static final Logger log = LoggerFactory.getLogger(ProcessRuntime.class);

    /** The environment variable holding the pod root's absolute path. */
    public static final String POD_ROOT_ENV = "CAPSTAN_POD_ROOT";

    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final String CONTAINERS = "containers";
    private static final String SPEC_FILE = "container.properties";
    private static final String STATUS_FILE = "status.properties";
    private static final String PIDS_FILE = "pids";
    private static final String EXIT_FILE = "exit";
    private static final String WRAPPER_LOG = "wrapper.log";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration EXIT_RECORD_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Waits for the process, records its exit code. $1 container directory, $2 1 when the config
     * sets PWD (sh would otherwise put its own in the environment), $3 that value, $4 setsid, then
     * the program and its arguments. Only builtins besides setsid: the container's PATH may lack
     * everything.
     */
    private static final String WRAPPER = String.join(
            "\n",
            "dir=$1; has_pwd=$2; pwd_value=$3; setsid=$4; shift 4",
            "if [ \"$has_pwd\" = 1 ]; then export PWD=\"$pwd_value\"; else unset PWD; fi",
            "trap : HUP INT TERM",
            "\"$setsid\" \"$@\" </dev/null >>\"$dir/stdout.raw\" 2>>\"$dir/stderr.raw\" &",
            "child=$!",
            "echo \"$$ $child\" >\"$dir/pids\"",
            "while :; do",
            "  wait \"$child\"; code=$?",
            // a trapped signal ends wait early; only a reaped child is really gone
            "  kill -0 \"$child\" 2>/dev/null || break",
            "done",
            "kill -s KILL -- \"-$child\" 2>/dev/null",
            "echo \"$code\" >\"$dir/exit\"",
            "");

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
    private final Path shell;
    private final Path setsid;
    private final String kubeletPath;
    private final ProcessGroups groups;
    private final FileChannel lockChannel;
    private final FileLock lock;
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
        this.shell = Executables.find("sh", "/bin:/usr/bin", root)
                .orElseThrow(() -> new IllegalStateException("the process runtime needs /bin/sh"));
        this.setsid = Executables.find("setsid", kubeletPath + ":/usr/bin:/bin", root)
                .orElseThrow(() -> new IllegalStateException("the process runtime needs setsid (util-linux) on PATH"));
        this.groups = new ProcessGroups(shell);
        Path state = stateDirectory.toAbsolutePath().normalize();
        this.containersDirectory = state.resolve(CONTAINERS);
        Files.createDirectories(containersDirectory);
        Path locks = Files.createDirectories(state.resolve("locks"));
        this.lockChannel =
                FileChannel.open(locks.resolve(node + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock taken;
        try {
            taken = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            taken = null;
        }
        if (taken == null) {
            lockChannel.close();
            throw new IllegalStateException(
                    "another process runtime of node " + node + " is using " + state + " (lock " + locks + ")");
        }
        this.lock = taken;
        AtomicInteger threads = new AtomicInteger();
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "process-runtime-" + node));
        this.io = Executors.newCachedThreadPool(
                r -> daemon(r, "process-runtime-" + node + "-io-" + threads.incrementAndGet()));
        load();
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
        for (Map.Entry<String, String> entry : config.env().entrySet()) {
            String name = entry.getKey();
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                throw new ContainerException("CreateContainerError", "env[" + name + "]: not a valid variable name");
            }
            if (entry.getValue().indexOf('\0') >= 0) {
                throw new ContainerException("CreateContainerError", "env[" + name + "]: value contains NUL");
            }
        }
        Path root = PodRoot.of(config);
        Path workingDirectory = PodRoot.prepare(config);
        Map<String, String> env = environment(config, root);
        boolean fromImage = config.command().isEmpty();
        String program = fromImage ? config.image() : config.command().get(0);
        List<String> args = new ArrayList<>();
        if (!fromImage) {
            args.addAll(config.command().subList(1, config.command().size()));
        }
        args.addAll(config.args());
        String searchPath = env.getOrDefault("PATH", "");
        Path executable = Executables.find(program, searchPath, workingDirectory)
                .orElseThrow(() -> new ContainerException(
                        "CreateContainerError", notFound(fromImage ? "image" : "command[0]", program, searchPath)));

        String id = HexFormat.of().formatHex(randomBytes());
        Path directory = containersDirectory.resolve(id);
        ContainerSpec spec = new ContainerSpec(
                id,
                config.labels(),
                config.image(),
                executable.toAbsolutePath(),
                args,
                env,
                workingDirectory,
                root,
                clock.instant());
        try {
            Files.createDirectories(directory);
            ContainerLog containerLog =
                    new ContainerLog(directory, options.logMaxBytes(), options.logMaxFiles(), clock);
            spec.write(directory.resolve(SPEC_FILE));
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
                launch(container);
            } catch (ContainerException e) {
                failStart(container, e.getMessage());
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
                signalIfOurs(container, pgid, "KILL");
            } else {
                signalIfOurs(container, pgid, "TERM");
                if (!groups.awaitEmpty(pgid, grace)) {
                    log.debug("Container {} outlived its grace of {}, killing it", containerId, grace);
                    signalIfOurs(container, pgid, "KILL");
                }
            }
            if (!groups.awaitEmpty(pgid, KILL_TIMEOUT)) {
                log.warn(
                        "Process group {} of container {} is still there {} after SIGKILL",
                        pgid,
                        containerId,
                        KILL_TIMEOUT);
            }
            awaitExitRecorded(container);
        } catch (InterruptedException e) {
            interrupted = true;
            signalIfOurs(container, pgid, "KILL");
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
            lockChannel.close();
        } catch (IOException e) {
            log.warn("Cannot release the process runtime lock of node {}", node, e);
        }
    }

    // ---- starting

    /** Starts the wrapper and waits until the process leads its own group. Holds the container's monitor. */
    private void launch(ProcessContainer container) throws ContainerException {
        ContainerSpec spec = container.spec();
        Path directory = container.directory();
        if (!Executables.isExecutableFile(spec.executable())) {
            throw new ContainerException("StartError", spec.executable() + ": no longer an executable file");
        }
        if (!Files.isDirectory(spec.workingDirectory())) {
            throw new ContainerException(
                    "StartError",
                    "working directory " + spec.workingDirectory() + " is gone (the pod directory was removed?)");
        }
        String pwd = spec.env().get("PWD");
        List<String> argv = new ArrayList<>(List.of(
                setsid.toString(),
                shell.toString(),
                "-c",
                WRAPPER,
                "capstan-wrapper",
                directory.toString(),
                pwd == null ? "0" : "1",
                pwd == null ? "" : pwd,
                setsid.toString()));
        argv.addAll(spec.argv());
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(spec.workingDirectory().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        directory.resolve(WRAPPER_LOG).toFile()))
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(spec.env());
        Instant startedAt = clock.instant();
        Process wrapper;
        try {
            wrapper = builder.start();
        } catch (IOException | RuntimeException e) {
            throw new ContainerException("StartError", "cannot run " + setsid + " " + shell + ": " + e.getMessage(), e);
        }
        long[] pids = awaitPids(container, wrapper);
        long pid = pids[1];
        awaitOwnGroup(pid);
        ProcessContainer.Launch launch =
                new ProcessContainer.Launch(pids[0], startTicks(pids[0]), pid, startTicks(pid));
        Properties status = new Properties();
        status.setProperty("startedAt", startedAt.toString());
        status.setProperty("wrapperPid", Long.toString(launch.wrapperPid()));
        status.setProperty("wrapperStartTicks", Long.toString(launch.wrapperStartTicks()));
        status.setProperty("pid", Long.toString(launch.pid()));
        status.setProperty("pidStartTicks", Long.toString(launch.pidStartTicks()));
        try {
            StateFiles.writeProperties(directory.resolve(STATUS_FILE), status);
        } catch (IOException e) {
            // the wrapper's pids file suffices to take the process back, with weaker pid checks
            log.warn("Cannot record the start of container {}", spec.id(), e);
        }
        container.status(ProcessContainer.Status.running(startedAt, launch));
        log.debug("Started container {} pid {} (wrapper {})", spec.id(), pid, pids[0]);
        var unused = wrapper.onExit().thenRun(() -> {
            if (!closed) {
                try {
                    poller.execute(() -> checkExit(container));
                } catch (RejectedExecutionException e) {
                    // closed meanwhile: the next runtime's poller sees the exit
                }
            }
        });
    }

    /** The wrapper's {@code pids}: its own pid and the process's. */
    private long[] awaitPids(ProcessContainer container, Process wrapper) throws ContainerException {
        Path file = container.directory().resolve(PIDS_FILE);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        long pauseMillis = 1;
        try {
            while (true) {
                Optional<long[]> pids = readPids(file);
                if (pids.isPresent()) {
                    if (pids.get()[0] != wrapper.pid()) {
                        log.warn(
                                "Wrapper of container {} reports pid {}, started as {}",
                                container.id(),
                                pids.get()[0],
                                wrapper.pid());
                    }
                    return pids.get();
                }
                if (!wrapper.isAlive() && readPids(file).isEmpty()) {
                    throw new ContainerException(
                            "StartError",
                            "the wrapper exited with " + wrapper.exitValue() + " before starting the process: "
                                    + tail(container.directory().resolve(WRAPPER_LOG)));
                }
                if (System.nanoTime() > deadline) {
                    wrapper.destroyForcibly();
                    throw new ContainerException("StartError", "the process did not start within " + START_TIMEOUT);
                }
                Thread.sleep(pauseMillis);
                pauseMillis = Math.min(pauseMillis * 2, 20);
            }
        } catch (IOException e) {
            wrapper.destroyForcibly();
            throw new ContainerException("StartError", "cannot read " + file + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            wrapper.destroyForcibly();
            throw new ContainerException("StartError", "interrupted while starting", e);
        }
    }

    /**
     * Waits until setsid has made {@code pid} the leader of its group, so a stop right after start
     * reaches it, or until it is gone.
     */
    private static void awaitOwnGroup(long pid) throws ContainerException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (true) {
                Optional<ProcStat> stat = ProcStat.read(pid);
                if (stat.isEmpty() || stat.get().isDead() || stat.get().pgrp() == pid) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new ContainerException("StartError", "process " + pid + " did not get its own process group");
                }
                Thread.sleep(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContainerException("StartError", "interrupted while starting", e);
        }
    }

    /** Records a failed start: exited with 128 and reason StartError, as the kubelet reports it. */
    private void failStart(ProcessContainer container, @Nullable String message) {
        Instant now = clock.instant();
        String text = message == null ? "" : message;
        Properties status = new Properties();
        status.setProperty("startedAt", now.toString());
        status.setProperty("finishedAt", now.toString());
        status.setProperty("startError", text);
        try {
            StateFiles.writeProperties(container.directory().resolve(STATUS_FILE), status);
        } catch (IOException e) {
            log.warn("Cannot record the failed start of container {}", container.id(), e);
        }
        container.status(new ProcessContainer.Status(State.EXITED, 128, "StartError", text, now, now, null));
        log.debug("Container {} failed to start: {}", container.id(), text);
    }

    // ---- exits

    /**
     * Looks whether a running container has exited and records it. Idempotent; called on the
     * wrapper's exit, by the poller, and by stop.
     */
    private void checkExit(ProcessContainer container) {
        ProcessContainer.Launch launch = container.status().launch();
        if (!container.isRunning() || launch == null) {
            return;
        }
        try {
            Optional<Exit> exit = readExit(container.directory());
            if (exit.isEmpty()) {
                if (ProcStat.isAlive(launch.wrapperPid(), launch.wrapperStartTicks())) {
                    return;
                }
                exit = readExit(container.directory()); // the wrapper writes it just before it ends
            }
            if (exit.isEmpty()) {
                if (ProcStat.isAlive(launch.pid(), launch.pidStartTicks())) {
                    return; // the wrapper was killed, the process still runs: watch it ourselves
                }
                if (!groups.isEmpty(launch.pid())) {
                    groups.signal(launch.pid(), "KILL");
                }
                exit = Optional.of(lostExit(container));
            }
            finish(container, exit.get());
        } catch (IOException e) {
            log.warn("Cannot read the exit of container {}, will look again", container.id(), e);
        }
    }

    private record Exit(int code, String reason, String message, Instant finishedAt) {}

    private Exit lostExit(ProcessContainer container) throws IOException {
        Path file = container.directory().resolve(EXIT_FILE);
        Files.writeString(file, "137 ContainerStatusUnknown\n");
        log.warn("Container {} ended without its exit code being recorded (its wrapper was killed)", container.id());
        return new Exit(
                137,
                "ContainerStatusUnknown",
                lostMessage(),
                Files.getLastModifiedTime(file).toInstant());
    }

    private static String lostMessage() {
        return "the process ended without its exit code being recorded (its wrapper was killed)";
    }

    /** The wrapper's {@code exit}: "code" or, when written by us, "code reason". */
    private static Optional<Exit> readExit(Path directory) throws IOException {
        Path file = directory.resolve(EXIT_FILE);
        Optional<String> text = StateFiles.readIfPresent(file);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = text.get().split(" ", 2);
        int code;
        try {
            code = Integer.parseInt(parts[0]);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        String reason = parts.length > 1 ? parts[1] : "";
        String message = reason.equals("ContainerStatusUnknown") ? lostMessage() : "";
        return Optional.of(
                new Exit(code, reason, message, Files.getLastModifiedTime(file).toInstant()));
    }

    private void finish(ProcessContainer container, Exit exit) {
        synchronized (container) {
            if (!container.isRunning()) {
                return;
            }
            try {
                container.log().collect(true);
            } catch (IOException e) {
                log.warn("Cannot collect the last output of container {}", container.id(), e);
                container.log().finish();
            }
            container.status(container.status().exited(exit.code(), exit.reason(), exit.message(), exit.finishedAt()));
        }
        log.debug("Container {} exited with {}", container.id(), exit.code());
        container.closeExecs();
        notifyListener(container);
    }

    /** Waits until the wrapper has recorded the exit of a container whose group is gone. */
    private void awaitExitRecorded(ProcessContainer container) throws InterruptedException {
        long deadline = System.nanoTime() + EXIT_RECORD_TIMEOUT.toNanos();
        long pauseMillis = 1;
        while (true) {
            checkExit(container);
            if (!container.isRunning()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                log.warn(
                        "Container {} is stopped but its exit was not recorded within {}",
                        container.id(),
                        EXIT_RECORD_TIMEOUT);
                return;
            }
            Thread.sleep(pauseMillis);
            pauseMillis = Math.min(pauseMillis * 2, 50);
        }
    }

    /** Signals the group only while the container still counts as running, never a stranger reusing its pgid. */
    private void signalIfOurs(ProcessContainer container, long pgid, String signal) {
        try {
            if (container.isRunning() && readExit(container.directory()).isEmpty()) {
                groups.signal(pgid, signal);
            }
        } catch (IOException e) {
            groups.signal(pgid, signal);
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
                    checkExit(container);
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

    // ---- loading

    private void load() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(containersDirectory)) {
            for (Path directory : entries) {
                if (!Files.isRegularFile(directory.resolve(SPEC_FILE))) {
                    continue;
                }
                try {
                    ProcessContainer container = load(directory);
                    if (container != null) {
                        containers.put(container.id(), container);
                    }
                } catch (IOException | RuntimeException e) {
                    log.warn("Skipping container state {} that cannot be read", directory, e);
                }
            }
        }
        int running = 0;
        for (ProcessContainer container : containers.values()) {
            if (container.isRunning()) {
                checkExit(container);
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

    private @Nullable ProcessContainer load(Path directory) throws IOException {
        ContainerSpec spec = ContainerSpec.read(directory.resolve(SPEC_FILE));
        if (!spec.labels().node().equals(node)) {
            return null;
        }
        ContainerLog containerLog = new ContainerLog(directory, options.logMaxBytes(), options.logMaxFiles(), clock);
        Path statusFile = directory.resolve(STATUS_FILE);
        Properties status = Files.exists(statusFile) ? StateFiles.readProperties(statusFile) : new Properties();
        ProcessContainer.Status current;
        String startError = status.getProperty("startError");
        Optional<long[]> pids = readPids(directory.resolve(PIDS_FILE));
        if (startError != null) {
            Instant at = Instant.parse(
                    status.getProperty("finishedAt", spec.createdAt().toString()));
            current = new ProcessContainer.Status(State.EXITED, 128, "StartError", startError, at, at, null);
        } else if (pids.isPresent()) {
            long wrapperPid = pids.get()[0];
            long pid = pids.get()[1];
            ProcessContainer.Launch launch = new ProcessContainer.Launch(
                    wrapperPid,
                    ticks(status, "wrapperStartTicks", wrapperPid),
                    pid,
                    ticks(status, "pidStartTicks", pid));
            String startedAt = status.getProperty("startedAt");
            Instant started = startedAt != null
                    ? Instant.parse(startedAt)
                    : Files.getLastModifiedTime(directory.resolve(PIDS_FILE)).toInstant();
            current = ProcessContainer.Status.running(started, launch);
        } else {
            current = ProcessContainer.Status.created();
        }
        ProcessContainer container = new ProcessContainer(spec, directory, containerLog, current);
        if (current.state() == State.EXITED) {
            containerLog.collect(true);
        }
        return container;
    }

    /** A start time recorded at start, else read now (a process we never saw start). */
    private static long ticks(Properties status, String key, long pid) {
        String recorded = status.getProperty(key);
        if (recorded != null) {
            return Long.parseLong(recorded);
        }
        return startTicks(pid);
    }

    private static long startTicks(long pid) {
        return ProcStat.read(pid).map(ProcStat::startTicks).orElse(0L);
    }

    private static Optional<long[]> readPids(Path file) throws IOException {
        Optional<String> text = StateFiles.readIfPresent(file);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = text.get().split("\\s+", -1);
        if (parts.length != 2) {
            return Optional.empty();
        }
        try {
            return Optional.of(new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])});
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    // ---- helpers

    private Map<String, String> environment(ContainerConfig config, Path root) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", kubeletPath);
        env.put("HOME", root.toString());
        env.putAll(config.env());
        env.putAll(PortEnvironment.of(config.ports()));
        env.put(POD_ROOT_ENV, root.toString());
        return env;
    }

    private static String notFound(String field, String program, String searchPath) {
        if (program.isEmpty()) {
            return field + ": empty, nothing to run";
        }
        if (program.indexOf('/') >= 0) {
            return field + " " + program + ": executable not found (no such executable file)";
        }
        String hint = field.equals("image")
                ? " (the process runtime runs the image name as the program when the command is empty)"
                : "";
        return field + " " + program + ": executable not found on PATH " + searchPath + hint;
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

    private static String tail(Path file) {
        try {
            String text = Files.readString(file).trim();
            return text.length() > 500 ? text.substring(text.length() - 500) : text;
        } catch (IOException e) {
            return "(no output)";
        }
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
