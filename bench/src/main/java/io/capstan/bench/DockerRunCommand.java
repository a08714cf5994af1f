package io.capstan.bench;

import io.capstan.kubelet.runtime.docker.DockerEngine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The baseline for Docker pods: plain {@code docker run -d} of the same local image, one container
 * after another at a fixed rate, each timed from the command's start to its return (the engine has
 * started the container by then) and to the first {@code docker inspect} that reports it running.
 * The containers carry a label of the run and are removed at the end, whatever happens.
 */
@Command(
        name = "docker-run",
        mixinStandardHelpOptions = true,
        description = "Baseline: time plain 'docker run -d' of a local image until the container runs.")
final class DockerRunCommand implements Callable<Integer> {
    static final String LABEL = "io.capstan.bench.run";

    @Option(names = "--containers", defaultValue = "20", description = "Containers (default ${DEFAULT-VALUE})")
    int containers = 20;

    @Option(
            names = "--rate",
            defaultValue = "1",
            description = "Containers started per second (default ${DEFAULT-VALUE})")
    double rate = 1;

    @Option(
            names = "--image",
            defaultValue = DensityObjects.BUSYBOX_IMAGE,
            description = "A local image, never pulled (default ${DEFAULT-VALUE})")
    String image = DensityObjects.BUSYBOX_IMAGE;

    @Option(names = "--docker", defaultValue = "docker", description = "The docker CLI (default ${DEFAULT-VALUE})")
    String docker = "docker";

    @Option(
            names = "--command-timeout",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description = "How long one docker command may take (default ${DEFAULT-VALUE})")
    Duration commandTimeout = Duration.ofSeconds(60);

    @Override
    public Integer call() throws Exception {
        Bounds.check("--containers", containers, 1, 200);
        if (!(rate >= 0.01 && rate <= 100)) {
            throw new IllegalArgumentException("--rate: must be in [0.01, 100] containers/s, got " + rate);
        }
        Bounds.check("--command-timeout", commandTimeout, Duration.ofSeconds(1));
        String dockerHost = DockerEngine.defaultDockerHost();
        if (!(dockerHost.startsWith("unix://") || dockerHost.startsWith("tcp://127.0.0.1:"))) {
            throw new IllegalArgumentException(
                    "only an engine on a unix socket or 127.0.0.1, got DOCKER_HOST=" + dockerHost);
        }
        if (run(List.of(docker, "image", "inspect", "--format", "{{.Id}}", image))
                        .exitCode()
                != 0) {
            throw new IllegalStateException(
                    "image " + image + " is not present; build it with deploy/images/busybox-test-image.sh");
        }
        String runId = ApiObjects.runNamespace("docker-run-");
        LatencyHistogram returned = new LatencyHistogram();
        LatencyHistogram running = new LatencyHistogram();
        long intervalNanos = Math.round(1e9 / rate);
        int failed = 0;
        long late = 0;
        double loadBefore = LoadAverage.oneMinute();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < containers; i++) {
                long due = start + i * intervalNanos;
                LockSupport.parkNanos(due - System.nanoTime());
                long sent = System.nanoTime();
                if (sent - due > intervalNanos) {
                    late++;
                }
                Result created = run(List.of(
                        docker,
                        "run",
                        "-d",
                        "--label",
                        LABEL + "=" + runId,
                        "--network",
                        "host",
                        image,
                        "sleep",
                        "3600"));
                long done = System.nanoTime();
                if (created.exitCode() != 0) {
                    failed++;
                    System.err.println("docker run failed: " + created.output().trim());
                    continue;
                }
                returned.recordNanos(done - sent);
                String id = created.output().trim();
                if (awaitRunning(id)) {
                    running.recordNanos(System.nanoTime() - sent);
                } else {
                    failed++;
                }
            }
        } finally {
            removeAll(runId);
        }
        Summary summary = new Summary("docker-run")
                .put("containers", containers)
                .put("rate", rate)
                .put("image", image)
                .put("loadAverageStart", loadBefore)
                .put("loadAverageEnd", LoadAverage.oneMinute())
                .put("failed", failed)
                .put("late", late)
                .put("elapsedSeconds", (System.nanoTime() - start) / 1e9);
        returned.addTo(summary, "dockerRunReturned");
        running.addTo(summary, "dockerRunRunning");
        summary.print(System.out);
        return failed == 0 ? 0 : 1;
    }

    /** Polls {@code docker inspect} until the container runs, at most 50 times. */
    private boolean awaitRunning(String id) throws IOException, InterruptedException {
        for (int attempt = 0; attempt < 50; attempt++) {
            Result state = run(List.of(docker, "inspect", "--format", "{{.State.Running}}", id));
            if (state.exitCode() == 0 && state.output().trim().equals("true")) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return false;
    }

    private void removeAll(String runId) throws IOException, InterruptedException {
        Result listed = run(List.of(docker, "ps", "-aq", "--filter", "label=" + LABEL + "=" + runId));
        List<String> ids = new ArrayList<>();
        for (String line : listed.output().split("\n", -1)) {
            if (!line.isBlank()) {
                ids.add(line.trim());
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of(docker, "rm", "-f"));
        command.addAll(ids);
        Result removed = run(command);
        if (removed.exitCode() != 0) {
            System.err.println("docker rm -f failed: " + removed.output().trim());
        }
    }

    record Result(int exitCode, String output) {}

    private Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output;
        try (InputStream in = process.getInputStream()) {
            if (!process.waitFor(commandTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out after " + commandTimeout + ": " + String.join(" ", command));
            }
            output = in.readAllBytes();
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
