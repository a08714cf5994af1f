package io.capstan.kubelet.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reaching a Docker engine: where it is ({@code $DOCKER_HOST}), whether it answers, docker-java
 * clients for it, and its error messages in its own words.
 */
public final class DockerEngine {
    private static final Logger log = LoggerFactory.getLogger(DockerEngine.class);

    /** The engine when {@code $DOCKER_HOST} is not set. */
    public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

    private static final Pattern ENGINE_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private DockerEngine() {}

    /** {@code $DOCKER_HOST} when set, else {@value #DEFAULT_DOCKER_HOST}. */
    public static String defaultDockerHost() {
        String fromEnv = System.getenv("DOCKER_HOST");
        return fromEnv == null || fromEnv.isBlank() ? DEFAULT_DOCKER_HOST : fromEnv;
    }

    /**
     * Whether an engine at {@code dockerHost} answers a ping within {@code timeout}: how the kubelet
     * chooses between Docker and host processes. Never throws. A missing socket or a refused
     * connection answers false at once; the first call in a JVM spends its time loading docker-java
     * (3.7 to 7.6 s seen on a loaded 2-core machine, about 40 ms once warm), so give it 10 s.
     */
    public static boolean available(String dockerHost, Duration timeout) {
        // a thread of its own: the common pool has one thread on two cores and may be busy
        FutureTask<Boolean> answer = new FutureTask<>(() -> ping(dockerHost, timeout));
        Thread thread = new Thread(answer, "docker-probe");
        thread.setDaemon(true);
        thread.start();
        try {
            return answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            answer.cancel(true);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean ping(String dockerHost, Duration timeout) {
        try (DockerClient probe = newClient(dockerHost, timeout, timeout)) {
            probe.pingCmd().exec();
            return true;
        } catch (IOException | RuntimeException e) {
            log.debug("No Docker engine answers at {}: {}", dockerHost, e.toString());
            return false;
        }
    }

    /** A docker-java client; no response timeout unless given, as logs, events and stops stream. */
    static DockerClient newClient(String dockerHost, Duration connectTimeout, @Nullable Duration responseTimeout) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost)
                .build();
        ApacheDockerHttpClient.Builder http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(100)
                .connectionTimeout(connectTimeout);
        if (responseTimeout != null) {
            http.responseTimeout(responseTimeout);
        }
        return DockerClientImpl.getInstance(config, http.build());
    }

    static void closeQuietly(DockerClient client) {
        try {
            client.close();
        } catch (IOException e) {
            log.debug("Closing the Docker client failed", e);
        }
    }

    /**
     * The engine's own words for a failure: docker-java's "Status 500: {"message":"..."}" becomes
     * the message alone.
     */
    static String message(Throwable error) {
        String message = error.getMessage();
        if (message == null || message.isBlank()) {
            return error.getClass().getSimpleName();
        }
        Matcher matcher = ENGINE_MESSAGE.matcher(message);
        if (matcher.find()) {
            return matcher.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return message.strip();
    }
}
