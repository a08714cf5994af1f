package io.capstan.kubelet.runtime.docker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the Docker tests can run here: an engine answers at {@link
 * DockerEngine#defaultDockerHost()} and the local test image {@value #IMAGE} is present or can be
 * built by {@code deploy/images/busybox-test-image.sh} ({@code docker import} of a static busybox;
 * never a pull). Checked once per JVM; when either fails, every Docker test class is disabled with
 * the reason, and a banner says so in the log.
 */
public final class DockerTestSupport {
    private static final Logger log = LoggerFactory.getLogger(DockerTestSupport.class);

    public static final String IMAGE = "capstan/busybox:test";
    static final String IMAGE_SCRIPT = "deploy/images/busybox-test-image.sh";
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(30); // a cold JVM on a busy machine took 7.6 s
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(2);

    private static boolean checked; // guarded by DockerTestSupport.class
    private static @Nullable String disabledReason; // guarded by DockerTestSupport.class

    private DockerTestSupport() {}

    /** Enables a test class only when the engine answers and the test image is there. */
    public static final class EngineAnswers implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return disabledReason()
                    .map(reason -> ConditionEvaluationResult.disabled("SKIPPED: Docker tests are skipped: " + reason))
                    .orElseGet(() -> ConditionEvaluationResult.enabled(
                            "Docker engine at " + DockerEngine.defaultDockerHost() + " with " + IMAGE));
        }
    }

    static synchronized Optional<String> disabledReason() {
        if (!checked) {
            checked = true;
            disabledReason = check();
            if (disabledReason != null) {
                log.warn(
                        "\n##########################################################################\n"
                                + "##  DOCKER TESTS ARE SKIPPED: {}\n"
                                + "##  (.ci/run installs docker.io and busybox-static and starts dockerd)\n"
                                + "##########################################################################",
                        disabledReason);
            }
        }
        return Optional.ofNullable(disabledReason);
    }

    private static @Nullable String check() {
        String host = DockerEngine.defaultDockerHost();
        long started = System.nanoTime();
        if (!DockerEngine.available(host, PING_TIMEOUT)) {
            return "no Docker engine answers at " + host + " within " + PING_TIMEOUT.toSeconds() + " s";
        }
        log.info("Docker engine at {} answered in {} ms", host, (System.nanoTime() - started) / 1_000_000);
        Path script = findScript();
        if (script == null) {
            return IMAGE_SCRIPT + " not found above " + Path.of("").toAbsolutePath();
        }
        try {
            Process process = new ProcessBuilder(script.toString())
                    .redirectErrorStream(true)
                    .start();
            process.getOutputStream().close();
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
            if (!process.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return script + " did not finish within " + BUILD_TIMEOUT.toSeconds() + " s";
            }
            if (process.exitValue() != 0) {
                return "the test image " + IMAGE + " is missing and " + script + " failed: " + output;
            }
            log.info("{}", output);
            return null;
        } catch (IOException e) {
            return "running " + script + " failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while building " + IMAGE;
        }
    }

    private static @Nullable Path findScript() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(IMAGE_SCRIPT);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
