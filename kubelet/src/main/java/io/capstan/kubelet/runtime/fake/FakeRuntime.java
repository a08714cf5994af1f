package io.capstan.kubelet.runtime.fake;

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
import io.capstan.kubelet.runtime.PullPolicy;
import io.capstan.kubelet.runtime.RuntimeContainer;
import io.capstan.kubelet.runtime.RuntimeContainer.State;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Containers that "run" without any process, for hollow nodes: one JVM can host a hundred nodes of
 * them. A container runs from start until it is stopped, or until a test ends it with {@link
 * #exit}. Exec succeeds with no output unless a test scripts it with {@link #setExecHandler}; logs
 * are one line saying the container is fake. Images named in {@link #missingImages} cannot be
 * pulled.
 */
public final class FakeRuntime implements ContainerRuntime {
    private final String node;
    private final Clock clock;
    private final Map<String, RuntimeContainer> containers = new ConcurrentHashMap<>();
    private final Map<String, ContainerConfig> configs = new ConcurrentHashMap<>();
    private final Set<String> missingImages = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private volatile ContainerListener listener = (labels, id) -> {};
    private volatile @org.jspecify.annotations.Nullable ExecHandler execHandler;

    public FakeRuntime(String node, Clock clock) {
        this.node = node;
        this.clock = clock;
    }

    /**
     * What a command run by {@link #exec} does, for tests that fail an exec probe or hang it. Runs on
     * a thread of its own, as the command's process.
     */
    @FunctionalInterface
    public interface ExecHandler {
        /**
         * Writes the command's output to {@code output} (closed by the runtime afterwards) and returns
         * its exit code. Closing the session first interrupts the thread, as killing the command;
         * a handler that throws exits with code 1.
         */
        int run(String containerId, List<String> command, OutputSink output) throws InterruptedException;
    }

    /** Scripts exec in running containers from now on; null restores the default (exit 0, no output). */
    public void setExecHandler(@org.jspecify.annotations.Nullable ExecHandler handler) {
        this.execHandler = handler;
    }

    /** Images that fail to pull from now on, to show ErrImagePull. */
    public Set<String> missingImages() {
        return missingImages;
    }

    /** The config a container was created with (env, mounts, ports), or null once removed. */
    public @org.jspecify.annotations.Nullable ContainerConfig config(String containerId) {
        return configs.get(containerId);
    }

    /** Ends a running container as if its process exited with {@code exitCode}. */
    public void exit(String containerId, int exitCode, String reason) {
        RuntimeContainer updated = containers.computeIfPresent(
                containerId,
                (id, c) ->
                        c.running() ? withState(c, State.EXITED, exitCode, reason, c.startedAt(), clock.instant()) : c);
        if (updated != null) {
            listener.changed(updated.labels(), containerId);
        }
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public String version() {
        return "fake://1";
    }

    @Override
    public ImageRef ensureImage(String image, PullPolicy policy) throws ImageException {
        if (missingImages.contains(image)) {
            throw new ImageException("ErrImagePull", "image " + image + " cannot be pulled (fake runtime)");
        }
        return new ImageRef(image, "fake:" + image, false);
    }

    @Override
    public String create(ContainerConfig config) throws ContainerException {
        if (!config.labels().node().equals(node)) {
            throw new ContainerException(
                    "CreateContainerError",
                    "container labelled for node " + config.labels().node());
        }
        String id = "fake-" + ids.incrementAndGet();
        configs.put(id, config);
        containers.put(
                id,
                new RuntimeContainer(
                        id,
                        config.labels(),
                        State.CREATED,
                        0,
                        "",
                        "",
                        clock.instant(),
                        null,
                        null,
                        "fake:" + config.image()));
        return id;
    }

    @Override
    public void start(String containerId) throws ContainerException {
        RuntimeContainer started = containers.computeIfPresent(
                containerId,
                (id, c) -> c.state() == State.CREATED ? withState(c, State.RUNNING, 0, "", clock.instant(), null) : c);
        if (started == null) {
            throw new ContainerException("StartError", "no such container " + containerId);
        }
        listener.changed(started.labels(), containerId);
    }

    @Override
    public void stop(String containerId, Duration grace) {
        int code = grace.isZero() ? 137 : 143;
        RuntimeContainer stopped = containers.computeIfPresent(
                containerId,
                (id, c) -> c.running() ? withState(c, State.EXITED, code, "", c.startedAt(), clock.instant()) : c);
        if (stopped != null) {
            listener.changed(stopped.labels(), containerId);
        }
    }

    @Override
    public void remove(String containerId) {
        RuntimeContainer removed = containers.remove(containerId);
        configs.remove(containerId);
        if (removed != null) {
            listener.changed(removed.labels(), containerId);
        }
    }

    @Override
    public List<RuntimeContainer> list() {
        return new ArrayList<>(containers.values());
    }

    @Override
    public RuntimeContainer inspect(String containerId) throws NoSuchContainerException {
        RuntimeContainer container = containers.get(containerId);
        if (container == null) {
            throw new NoSuchContainerException("no such container " + containerId);
        }
        return container;
    }

    @Override
    public ExecSession exec(String containerId, List<String> command, OutputSink output)
            throws NoSuchContainerException {
        if (!inspect(containerId).running()) {
            throw new NoSuchContainerException("container " + containerId + " is not running");
        }
        ExecHandler handler = execHandler;
        if (handler != null) {
            return scriptedExec(handler, containerId, command, output);
        }
        output.close(null);
        return new ExecSession() {
            @Override
            public OptionalInt await(Duration timeout) {
                return OptionalInt.of(0);
            }

            @Override
            public void close() {}
        };
    }

    private static ExecSession scriptedExec(
            ExecHandler handler, String containerId, List<String> command, OutputSink output) {
        FutureTask<Integer> task = new FutureTask<>(() -> {
            try {
                int exitCode = handler.run(containerId, command, output);
                output.close(null);
                return exitCode;
            } catch (InterruptedException e) {
                output.close(e);
                throw e;
            } catch (RuntimeException e) {
                output.close(e);
                return 1;
            }
        });
        Thread thread = new Thread(task, "fake-exec-" + containerId);
        thread.setDaemon(true);
        thread.start();
        return new ExecSession() {
            @Override
            public OptionalInt await(Duration timeout) throws InterruptedException {
                try {
                    return OptionalInt.of(task.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS));
                } catch (TimeoutException | CancellationException e) {
                    return OptionalInt.empty();
                } catch (ExecutionException e) {
                    return OptionalInt.of(1);
                }
            }

            @Override
            public void close() {
                task.cancel(true);
            }
        };
    }

    @Override
    public LogStream logs(String containerId, LogOptions options, OutputSink output) throws NoSuchContainerException {
        RuntimeContainer container = inspect(containerId);
        output.write(
                OutputSink.Stream.STDOUT,
                ("fake container " + container.labels().containerName() + "\n").getBytes(StandardCharsets.UTF_8));
        output.close(null);
        return () -> {};
    }

    @Override
    public void setListener(ContainerListener listener) {
        this.listener = listener;
    }

    @Override
    public void close() {}

    private static RuntimeContainer withState(
            RuntimeContainer c,
            State state,
            int exitCode,
            String reason,
            @org.jspecify.annotations.Nullable Instant startedAt,
            @org.jspecify.annotations.Nullable Instant finishedAt) {
        return new RuntimeContainer(
                c.id(), c.labels(), state, exitCode, reason, "", c.createdAt(), startedAt, finishedAt, c.imageId());
    }

    /** The node this runtime's containers belong to. */
    public String node() {
        return node;
    }

    static ContainerLabels labelsOf(RuntimeContainer c) {
        return c.labels();
    }
}
