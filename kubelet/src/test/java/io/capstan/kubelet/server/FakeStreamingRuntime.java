package io.capstan.kubelet.server;

import io.capstan.kubelet.runtime.ContainerConfig;
import io.capstan.kubelet.runtime.ContainerLabels;
import io.capstan.kubelet.runtime.ContainerListener;
import io.capstan.kubelet.runtime.ContainerRuntime;
import io.capstan.kubelet.runtime.ExecSession;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A runtime whose containers produce known output, for the logs and exec port. A test adds
 * containers with {@link #run}, writes their log lines with {@link #log} and ends them with
 * {@link #exit}. Logs honour tail, since, timestamps and follow (a follow ends when the container
 * exits). Exec understands a few commands, each run on a thread of its own as a real runtime's
 * reader would:
 *
 * <ul>
 *   <li>{@code echo ARGS...}: ARGS joined by spaces and a newline on stdout, exit 0;
 *   <li>{@code fail CODE MESSAGE}: MESSAGE and a newline on stderr, exit CODE;
 *   <li>{@code flood BYTES}: that many bytes of 'x' on stdout in 32 KiB writes, exit 0;
 *   <li>{@code sleep}: runs until its session is closed (killed: exit 137);
 *   <li>anything else: "not found" on stderr, exit 127.
 * </ul>
 */
final class FakeStreamingRuntime implements ContainerRuntime {
    private record Line(Instant time, OutputSink.Stream stream, String text) {}

    private final String node;
    private final Clock clock;
    private final Map<String, RuntimeContainer> containers = new ConcurrentHashMap<>();
    private final Map<String, List<Line>> logs = new ConcurrentHashMap<>();
    private final Map<String, List<OutputSink>> followers = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    /** Exec sessions closed before their command ended: killed by a cancelled call. */
    final AtomicInteger killedSessions = new AtomicInteger();
    /** Commands started by exec. */
    final AtomicInteger execsStarted = new AtomicInteger();
    /** Log streams closed by their reader. */
    final AtomicInteger closedLogStreams = new AtomicInteger();
    /** Bytes a {@code flood} has handed to its sink so far. */
    final AtomicLong floodWritten = new AtomicLong();
    /** The thread writing a {@code flood}, once it runs. */
    volatile @Nullable Thread floodThread;

    FakeStreamingRuntime(String node, Clock clock) {
        this.node = node;
        this.clock = clock;
    }

    /** A running container of the pod; returns its id. */
    String run(String podUid, String namespace, String pod, String container, int attempt) {
        String id = "c" + ids.incrementAndGet();
        ContainerLabels labels = new ContainerLabels(node, podUid, namespace, pod, container, attempt);
        Instant now = clock.instant();
        containers.put(id, new RuntimeContainer(id, labels, State.RUNNING, 0, "", "", now, now, null, "fake:image"));
        logs.put(id, new CopyOnWriteArrayList<>());
        followers.put(id, new CopyOnWriteArrayList<>());
        return id;
    }

    /** The container writes {@code text} and a newline; followers get it at once. */
    synchronized void log(String id, OutputSink.Stream stream, String text) {
        Line line = new Line(clock.instant(), stream, text);
        logs.get(id).add(line);
        for (OutputSink follower : followers.get(id)) {
            follower.write(stream, bytes(line, false));
        }
    }

    /** The container exits; its followed logs end. */
    synchronized void exit(String id, int exitCode) {
        RuntimeContainer c = containers.get(id);
        containers.put(
                id,
                new RuntimeContainer(
                        id,
                        c.labels(),
                        State.EXITED,
                        exitCode,
                        "",
                        "",
                        c.createdAt(),
                        c.startedAt(),
                        clock.instant(),
                        c.imageId()));
        for (OutputSink follower : followers.get(id)) {
            follower.close(null);
        }
        followers.get(id).clear();
    }

    int followerCount(String id) {
        return followers.get(id).size();
    }

    @Override
    public synchronized LogStream logs(String containerId, LogOptions options, OutputSink output)
            throws NoSuchContainerException {
        RuntimeContainer container = inspect(containerId);
        List<Line> lines = new ArrayList<>();
        for (Line line : logs.get(containerId)) {
            Instant since = options.since();
            if (since == null || !line.time().isBefore(since)) {
                lines.add(line);
            }
        }
        if (options.tailLines() >= 0 && lines.size() > options.tailLines()) {
            lines = lines.subList(lines.size() - options.tailLines(), lines.size());
        }
        for (Line line : lines) {
            output.write(line.stream(), bytes(line, options.timestamps()));
        }
        if (!options.follow() || !container.running()) {
            output.close(null);
            return () -> {};
        }
        OutputSink follower = options.timestamps() ? timestamped(output) : output;
        followers.get(containerId).add(follower);
        return () -> {
            if (followers.get(containerId).remove(follower)) {
                closedLogStreams.incrementAndGet();
                output.close(null);
            }
        };
    }

    @Override
    public ExecSession exec(String containerId, List<String> command, OutputSink output)
            throws NoSuchContainerException {
        if (!inspect(containerId).running()) {
            throw new NoSuchContainerException("container " + containerId + " is not running");
        }
        execsStarted.incrementAndGet();
        CountDownLatch killed = new CountDownLatch(1);
        AtomicInteger exitCode = new AtomicInteger(-1);
        CountDownLatch exited = new CountDownLatch(1);
        Thread thread = new Thread(
                () -> {
                    int code = run(command, output, killed);
                    output.close(null);
                    exitCode.set(code);
                    exited.countDown();
                },
                "fake-exec-" + containerId);
        thread.setDaemon(true);
        thread.start();
        return new ExecSession() {
            @Override
            public OptionalInt await(Duration timeout) throws InterruptedException {
                return exited.await(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        ? OptionalInt.of(exitCode.get())
                        : OptionalInt.empty();
            }

            @Override
            public void close() {
                if (exited.getCount() > 0 && killed.getCount() > 0) {
                    killedSessions.incrementAndGet();
                }
                killed.countDown();
            }
        };
    }

    private int run(List<String> command, OutputSink output, CountDownLatch killed) {
        String verb = command.get(0);
        switch (verb) {
            case "echo" -> {
                output.write(
                        OutputSink.Stream.STDOUT, utf8(String.join(" ", command.subList(1, command.size())) + "\n"));
                return 0;
            }
            case "fail" -> {
                output.write(OutputSink.Stream.STDERR, utf8(command.get(2) + "\n"));
                return Integer.parseInt(command.get(1));
            }
            case "flood" -> {
                floodThread = Thread.currentThread();
                long total = Long.parseLong(command.get(1));
                byte[] chunk = new byte[32 * 1024];
                java.util.Arrays.fill(chunk, (byte) 'x');
                for (long sent = 0; sent < total && killed.getCount() > 0; sent += chunk.length) {
                    output.write(OutputSink.Stream.STDOUT, chunk);
                    floodWritten.addAndGet(chunk.length);
                }
                return killed.getCount() > 0 ? 0 : 137;
            }
            case "sleep" -> {
                try {
                    killed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return 137;
            }
            default -> {
                output.write(OutputSink.Stream.STDERR, utf8(verb + ": not found\n"));
                return 127;
            }
        }
    }

    private OutputSink timestamped(OutputSink output) {
        return new OutputSink() {
            @Override
            public void write(Stream stream, byte[] bytes) {
                output.write(
                        stream,
                        (clock.instant() + " " + new String(bytes, StandardCharsets.UTF_8))
                                .getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public void close(@Nullable Throwable error) {
                output.close(error);
            }
        };
    }

    private static byte[] bytes(Line line, boolean timestamps) {
        return utf8((timestamps ? line.time() + " " : "") + line.text() + "\n");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public String version() {
        return "fake://streams";
    }

    @Override
    public ImageRef ensureImage(String image, PullPolicy policy) {
        return new ImageRef(image, "fake:" + image, false);
    }

    @Override
    public String create(ContainerConfig config) {
        throw new UnsupportedOperationException("containers are added with run()");
    }

    @Override
    public void start(String containerId) {
        throw new UnsupportedOperationException("containers are added with run()");
    }

    @Override
    public void stop(String containerId, Duration grace) {
        exit(containerId, grace.isZero() ? 137 : 143);
    }

    @Override
    public void remove(String containerId) {
        containers.remove(containerId);
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
    public void setListener(ContainerListener listener) {}

    @Override
    public void close() {}
}
