package io.capstan.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * A local cluster of {@code deploy/local/cluster.sh} as a test drives it: its own directory under
 * {@code e2e/target}, a free port offset (every port of the script moves with it) and a free node
 * port for the web example, and the {@code bin/capstan} CLI pointed at it. Every command runs as a
 * separate process with a deadline. {@link #close()} brings the cluster down if a test left it up.
 */
final class LocalCluster implements AutoCloseable {
    static final Path ROOT =
            Path.of(System.getProperty("capstan.root", "..")).toAbsolutePath().normalize();
    static final Path CLUSTER_SH = ROOT.resolve("deploy/local/cluster.sh");
    static final Path CAPSTAN = ROOT.resolve("bin/capstan");
    /** Base ports of cluster.sh (API, store client, peer, metrics, kubelets, DNS, ingress), each moved by the offset. */
    private static final int[] BASE_PORTS = {
        6443, 16443, 26443, 2379, 22379, 32379, 2380, 22380, 32380, 2381, 22381, 32381, 10250, 10251, 10053, 8080
    };

    record Result(int exitCode, String output) {}

    @FunctionalInterface
    interface Check {
        boolean done() throws Exception;
    }

    private final Path dir;
    private final int offset;
    private final int nodePort;
    private final Map<String, String> env = new LinkedHashMap<>();
    private boolean up;

    private LocalCluster(Path dir, int offset, int nodePort) {
        this.dir = dir;
        this.offset = offset;
        this.nodePort = nodePort;
    }

    /**
     * A cluster not yet started, in {@code e2e/target/<name>-<offset>-<time>}.
     *
     * @param extraEnv more environment for cluster.sh and the CLI, e.g. {@code CAPSTAN_EXAMPLES=0}
     */
    static LocalCluster create(String name, Map<String, String> extraEnv) throws IOException {
        int offset = freeOffset();
        int nodePort = freeNodePort(offset);
        Path dir = ROOT.resolve("e2e/target/" + name + "-" + offset + "-" + System.currentTimeMillis());
        Files.createDirectories(dir);
        LocalCluster cluster = new LocalCluster(dir, offset, nodePort);
        cluster.env.put("CAPSTAN_DIR", dir.toString());
        cluster.env.put("CAPSTAN_PORT_OFFSET", Integer.toString(offset));
        cluster.env.put("CAPSTAN_WEB_NODE_PORT", Integer.toString(nodePort));
        cluster.env.put("CAPSTAN_CONFIG", dir.resolve("config").toString());
        // ClusterIPs are served on the host by every kubelet: a range of its own keeps them apart from
        // another cluster's on this machine (127.77.0.0/16 is the scripts' default)
        cluster.env.put("CAPSTAN_SERVICE_CIDR", "127." + (100 + offset % 100) + ".0.0/16");
        cluster.env.putAll(extraEnv);
        return cluster;
    }

    Path dir() {
        return dir;
    }

    int nodePort() {
        return nodePort;
    }

    /** The port every kubelet of the cluster serves its ingress proxy on. */
    int ingressPort() {
        return 8080 + offset;
    }

    /** The port every kubelet of the cluster serves cluster DNS on. */
    int dnsPort() {
        return 10053 + offset;
    }

    /** {@code cluster.sh up ARGS}; asserts it succeeded. */
    Result up(String... args) throws Exception {
        up = true;
        List<String> command = new ArrayList<>(List.of(CLUSTER_SH.toString(), "up"));
        command.addAll(List.of(args));
        Result result = run(Duration.ofMinutes(6), command.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result;
    }

    /** {@code cluster.sh down}, whatever its result. */
    Result down() throws Exception {
        Result result = run(Duration.ofMinutes(2), CLUSTER_SH.toString(), "down");
        up = false;
        return result;
    }

    /** The pids of the cluster's processes, from {@code cluster.sh pids}. */
    List<Long> pids() throws Exception {
        Result result = run(Duration.ofSeconds(30), CLUSTER_SH.toString(), "pids");
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result.output()
                .lines()
                .filter(l -> l.matches("\\d+"))
                .map(Long::parseLong)
                .toList();
    }

    Result capstan(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(CAPSTAN.toString());
        command.addAll(List.of(args));
        return run(Duration.ofSeconds(60), command.toArray(String[]::new));
    }

    Result capstanOk(String... args) throws Exception {
        Result result = capstan(args);
        assertThat(result.exitCode())
                .as("capstan %s: %s", String.join(" ", args), result.output())
                .isZero();
        return result;
    }

    /** Runs {@code command} in the repository with the cluster's environment, output and errors together. */
    Result run(Duration timeout, String... command) throws Exception {
        Path output = Files.createTempFile(dir, "run-", ".out");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                fail(String.join(" ", command) + " did not end within " + timeout + ":\n" + Files.readString(output));
            }
            return new Result(process.exitValue(), Files.readString(output));
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(output);
        }
    }

    /** Processes whose environment names a pod root under the cluster's directory (CAPSTAN_POD_ROOT). */
    List<Long> podProcesses() throws IOException {
        byte[] marker = ("CAPSTAN_POD_ROOT=" + dir + "/").getBytes(StandardCharsets.UTF_8);
        List<Long> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .toList()) {
                byte[] environ;
                try {
                    environ = Files.readAllBytes(proc.resolve("environ"));
                } catch (IOException e) {
                    continue; // gone meanwhile, or not ours to read
                }
                if (indexOf(environ, marker) >= 0) {
                    found.add(Long.parseLong(proc.getFileName().toString()));
                }
            }
        }
        return found;
    }

    /** Other processes whose command line contains {@code pattern}. */
    static List<String> pgrep(String pattern) throws Exception {
        Process process = new ProcessBuilder("pgrep", "-af", pattern)
                .redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long self = ProcessHandle.current().pid();
        return out.lines()
                .filter(l -> !l.isBlank())
                .filter(l -> !l.startsWith(self + " "))
                .filter(l -> !l.contains("pgrep -af"))
                .toList();
    }

    /** Polls {@code check} every 200 ms (each check starts a JVM or opens a connection) until it holds. */
    static void await(String what, Duration timeout, Check check) {
        Awaitility.await(what)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(200))
                .pollInSameThread()
                .until(check::done);
    }

    @Override
    public void close() throws Exception {
        if (up) {
            down();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int freeOffset() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int offset = ThreadLocalRandom.current().nextInt(1000, 30000);
            boolean free = true;
            for (int base : BASE_PORTS) {
                free &= isFree(base + offset);
            }
            if (free) {
                return offset;
            }
        }
        throw new IllegalStateException("no free port offset found in 100 attempts");
    }

    private static int freeNodePort(int offset) {
        Set<Integer> cluster = new HashSet<>();
        for (int base : BASE_PORTS) {
            cluster.add(base + offset);
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(30100, 32700);
            if (!cluster.contains(port) && isFree(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free node port found in 100 attempts");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
