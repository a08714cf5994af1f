package io.capstan.kubelet.probe;

import static io.capstan.kubelet.probe.ProbeKind.LIVENESS;
import static io.capstan.kubelet.probe.ProbeKind.READINESS;
import static io.capstan.kubelet.probe.ProbeKind.STARTUP;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.capstan.client.scheduler.ThreadScheduler;
import io.capstan.kubelet.runtime.ContainerConfig.PortMapping;
import io.capstan.kubelet.runtime.fake.FakeRuntime;
import io.capstan.proto.api.v1.HttpGetAction;
import io.capstan.proto.api.v1.IntOrString;
import io.capstan.proto.api.v1.Probe;
import io.capstan.proto.api.v1.TcpSocketAction;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real probes on real threads against a server on 127.0.0.1, with 100 ms periods. */
class ProbeManagerIT {
    private static final Duration PERIOD = ofMillis(100);

    private final ThreadScheduler scheduler = new ThreadScheduler("probe-timer");
    private final ExecutorService threads = ProbeManager.newExecutor(4);
    private final ProbeManager manager =
            new ProbeManager(new ActionProber(new FakeRuntime("node-1", Clock.systemUTC())), scheduler, threads);
    private final AtomicInteger status = new AtomicInteger(200);
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private HttpServer server;
    private ProbeTarget target;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                hits.computeIfAbsent(exchange.getRequestURI().getPath(), p -> new AtomicInteger())
                        .incrementAndGet();
                exchange.sendResponseHeaders(status.get(), -1);
            }
        });
        server.start();
        target = new ProbeTarget(
                "c1",
                "127.0.0.1",
                List.of(new PortMapping("http", 8080, server.getAddress().getPort(), "TCP", "")));
    }

    @AfterEach
    void stop() {
        manager.close();
        server.stop(0);
        threads.shutdownNow();
        scheduler.close();
    }

    private static ProbeSpec httpGet(String path, int success, int failure) {
        Probe probe = Probe.newBuilder()
                .setHttpGet(HttpGetAction.newBuilder()
                        .setPath(path)
                        .setPort(IntOrString.newBuilder().setStrVal("http")))
                .build();
        return new ProbeSpec(probe, new ProbeTimings(Duration.ZERO, PERIOD, ofSeconds(1), success, failure));
    }

    private static ProbeSpec tcp(int failure) {
        Probe probe = Probe.newBuilder()
                .setTcpSocket(TcpSocketAction.newBuilder()
                        .setPort(IntOrString.newBuilder().setIntVal(8080)))
                .build();
        return new ProbeSpec(probe, new ProbeTimings(Duration.ZERO, PERIOD, ofSeconds(1), 1, failure));
    }

    private int hits(String path) {
        AtomicInteger count = hits.get(path);
        return count == null ? 0 : count.get();
    }

    @Test
    void readinessFollowsTheServerAndLivenessFailsWhenItGoes() {
        RecordingProbeListener listener = new RecordingProbeListener();
        ContainerProbes probes = manager.start(
                Map.of(STARTUP, httpGet("/started", 1, 3), READINESS, httpGet("/ready", 1, 2), LIVENESS, tcp(2)),
                target,
                scheduler.now(),
                listener);

        await().atMost(ofSeconds(10)).until(probes::isReady);
        assertThat(probes.isStarted()).isTrue();

        status.set(503);
        await().atMost(ofSeconds(10)).until(() -> !probes.isReady());
        assertThat(listener.calls())
                .contains("unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503");

        status.set(200);
        await().atMost(ofSeconds(10)).until(probes::isReady);

        int port = server.getAddress().getPort();
        server.stop(0);
        await().atMost(ofSeconds(10)).until(() -> !probes.isLive());
        String refused = "dial tcp 127.0.0.1:" + port + ": connect: connection refused";
        assertThat(listener.transitions())
                .startsWith("started", "ready=true", "ready=false", "ready=true")
                .contains("livenessFailed: " + refused);
        assertThat(listener.calls()).contains("unhealthy: Liveness probe failed: " + refused);
    }

    @Test
    void stoppedContainerIsProbedNoMore() {
        ContainerProbes first = manager.start(
                Map.of(READINESS, httpGet("/first", 1, 3)), target, scheduler.now(), new RecordingProbeListener());
        await().atMost(ofSeconds(10)).until(first::isReady);

        first.stop();
        int atStop = hits("/first");
        ContainerProbes second = manager.start(
                Map.of(READINESS, httpGet("/second", 1, 3)), target, scheduler.now(), new RecordingProbeListener());
        await().atMost(ofSeconds(10)).until(() -> hits("/second") >= 5);

        assertThat(hits("/first")).as("at most the attempt under way at stop").isBetween(atStop, atStop + 1);
        assertThat(manager.size()).isOne();
        second.stop();
    }
}
