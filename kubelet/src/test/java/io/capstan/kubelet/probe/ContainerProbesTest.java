package io.capstan.kubelet.probe;

import static io.capstan.kubelet.probe.ProbeKind.LIVENESS;
import static io.capstan.kubelet.probe.ProbeKind.READINESS;
import static io.capstan.kubelet.probe.ProbeKind.STARTUP;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.client.scheduler.ManualScheduler;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.Probe;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Scheduling, thresholds and gating of one container's probes, on a manual clock. */
class ContainerProbesTest {
    private static final ProbeTarget TARGET = new ProbeTarget("c1", "127.0.0.1", List.of());

    private final ManualScheduler scheduler = new ManualScheduler();
    private final ScriptedProber prober = new ScriptedProber(scheduler);
    private final ProbeManager manager = new ProbeManager(prober, scheduler, Runnable::run);
    private final RecordingProbeListener listener = new RecordingProbeListener();

    private static ProbeSpec spec(String name, int initialDelaySeconds, int periodSeconds, int success, int failure) {
        return new ProbeSpec(
                ScriptedProber.probe(name),
                new ProbeTimings(
                        ofSeconds(initialDelaySeconds), ofSeconds(periodSeconds), ofSeconds(1), success, failure));
    }

    private ContainerProbes start(Map<ProbeKind, ProbeSpec> probes) {
        return manager.start(probes, TARGET, scheduler.now(), listener);
    }

    private List<String> unhealthy() {
        return listener.calls().stream().filter(c -> c.startsWith("unhealthy")).toList();
    }

    @Test
    void containerWithoutProbesIsStartedLiveAndReadyAtOnce() {
        ContainerProbes probes = start(Map.of());

        assertThat(listener.calls()).containsExactly("started", "ready=true");
        assertThat(probes.isStarted()).isTrue();
        assertThat(probes.isLive()).isTrue();
        assertThat(probes.isReady()).isTrue();
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void livenessFailsOnlyAfterFailureThresholdConsecutiveFailures() {
        ContainerProbes probes = start(Map.of(LIVENESS, spec("live", 0, 10, 1, 3)));
        prober.fail("live", "boom");
        scheduler.runDue();
        scheduler.advance(ofSeconds(10));
        prober.pass("live");
        scheduler.advance(ofSeconds(10)); // a success resets the run of failures
        prober.fail("live", "boom");
        scheduler.advance(ofSeconds(10));
        scheduler.advance(ofSeconds(10));
        assertThat(probes.isLive()).isTrue();
        assertThat(listener.transitions()).containsExactly("started", "ready=true");

        scheduler.advance(ofSeconds(10));

        assertThat(probes.isLive()).isFalse();
        assertThat(listener.transitions()).containsExactly("started", "ready=true", "livenessFailed: boom");
        assertThat(unhealthy()).hasSize(5).containsOnly("unhealthy: Liveness probe failed: boom");
    }

    @Test
    void failedLivenessProbeStopsProbing() {
        start(Map.of(LIVENESS, spec("live", 0, 10, 1, 1)));
        prober.fail("live", "boom");
        scheduler.runDue();
        assertThat(listener.transitions()).contains("livenessFailed: boom");

        scheduler.advance(ofSeconds(60));

        assertThat(prober.attempts("live")).isOne();
    }

    @Test
    void readinessNeedsSuccessThresholdSuccessesAndFailureThresholdFailures() {
        ContainerProbes probes = start(Map.of(READINESS, spec("ready", 0, 10, 2, 3)));
        assertThat(probes.isReady()).isFalse();
        scheduler.runDue();
        assertThat(probes.isReady()).as("one success of two").isFalse();

        scheduler.advance(ofSeconds(10));
        assertThat(probes.isReady()).isTrue();

        prober.fail("ready", "HTTP probe failed with statuscode: 503");
        scheduler.advance(ofSeconds(10));
        scheduler.advance(ofSeconds(10));
        assertThat(probes.isReady()).as("two failures of three").isTrue();
        scheduler.advance(ofSeconds(10));
        assertThat(probes.isReady()).isFalse();

        prober.pass("ready");
        scheduler.advance(ofSeconds(10));
        assertThat(probes.isReady()).isFalse();
        scheduler.advance(ofSeconds(10));
        assertThat(probes.isReady()).isTrue();
        assertThat(listener.transitions()).containsExactly("started", "ready=true", "ready=false", "ready=true");
        assertThat(unhealthy())
                .containsOnly("unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503");
    }

    @Test
    void warningPasses() {
        ContainerProbes probes = start(Map.of(READINESS, spec("ready", 0, 10, 1, 3)));
        prober.answer("ready", ProbeResult.warning("Probe terminated redirects, Response body: "));

        scheduler.runDue();

        assertThat(probes.isReady()).isTrue();
        assertThat(unhealthy()).isEmpty();
    }

    @Test
    void unknownResultsCountNeitherWay() {
        ContainerProbes probes = start(Map.of(LIVENESS, spec("live", 0, 10, 1, 3)));
        prober.fail("live", "boom");
        scheduler.runDue();
        scheduler.advance(ofSeconds(10));
        prober.answer("live", ProbeResult.unknown("port \"http\" not found among the container's ports"));
        scheduler.advance(ofSeconds(10));
        assertThat(probes.isLive()).isTrue();

        prober.fail("live", "boom");
        scheduler.advance(ofSeconds(10));

        assertThat(probes.isLive()).isFalse();
        assertThat(unhealthy())
                .contains("unhealthy: Liveness probe errored: port \"http\" not found among the container's ports");
    }

    @Test
    void firstAttemptWaitsForInitialDelayThenRunsEveryPeriod() {
        Instant started = scheduler.now();
        start(Map.of(READINESS, spec("ready", 5, 10, 1, 3)));

        scheduler.advance(ofSeconds(4));
        assertThat(prober.attempts("ready")).isZero();
        scheduler.advance(ofSeconds(12));

        assertThat(prober.attemptTimes("ready"))
                .containsExactly(started.plus(ofSeconds(5)), started.plus(ofSeconds(15)));
    }

    @Test
    void initialDelayCountsFromTheContainersStart() {
        // a container found running after a kubelet restart is not delayed again
        manager.start(
                Map.of(READINESS, spec("ready", 30, 10, 1, 3)),
                TARGET,
                scheduler.now().minus(Duration.ofHours(1)),
                listener);

        scheduler.runDue();

        assertThat(prober.attempts("ready")).isOne();
    }

    @Test
    void startupProbeGatesLivenessAndReadiness() {
        Instant started = scheduler.now();
        ContainerProbes probes = start(Map.of(
                STARTUP, spec("startup", 0, 1, 1, 3),
                LIVENESS, spec("live", 5, 10, 1, 3),
                READINESS, spec("ready", 0, 10, 1, 3)));
        prober.fail("startup", "not yet");
        scheduler.runDue();
        scheduler.advance(ofSeconds(1));
        assertThat(prober.attempts("live") + prober.attempts("ready")).isZero();
        assertThat(probes.isStarted()).isFalse();
        assertThat(listener.transitions()).isEmpty();

        prober.pass("startup");
        scheduler.advance(ofSeconds(1));

        assertThat(probes.isStarted()).isTrue();
        assertThat(probes.isReady()).isTrue();
        assertThat(listener.transitions()).containsExactly("started", "ready=true");
        assertThat(prober.attemptTimes("ready")).containsExactly(started.plus(ofSeconds(2)));
        assertThat(prober.attempts("live"))
                .as("its initial delay counts from the container's start")
                .isZero();

        scheduler.advance(ofSeconds(23));

        assertThat(prober.attemptTimes("live"))
                .containsExactly(started.plus(ofSeconds(5)), started.plus(ofSeconds(15)), started.plus(ofSeconds(25)));
        assertThat(prober.attempts("startup"))
                .as("no more startup probes once started")
                .isEqualTo(3);
    }

    @Test
    void startupFailureAfterThresholdStopsAllProbing() {
        ContainerProbes probes =
                start(Map.of(STARTUP, spec("startup", 0, 1, 1, 3), LIVENESS, spec("live", 0, 1, 1, 3)));
        prober.fail("startup", "dial tcp 127.0.0.1:1234: connect: connection refused");
        scheduler.runDue();
        scheduler.advance(ofSeconds(2));

        assertThat(listener.transitions())
                .containsExactly("startupFailed: dial tcp 127.0.0.1:1234: connect: connection refused");
        assertThat(probes.isStarted()).isFalse();
        assertThat(probes.isReady()).isFalse();

        scheduler.advance(ofSeconds(30));
        assertThat(prober.attempts("startup")).isEqualTo(3);
        assertThat(prober.attempts("live")).isZero();
    }

    @Test
    void stopCancelsEveryProbe() {
        ContainerProbes probes = start(Map.of(
                STARTUP, spec("startup", 0, 1, 1, 3),
                LIVENESS, spec("live", 0, 1, 1, 3),
                READINESS, spec("ready", 0, 1, 1, 3)));
        scheduler.runDue();
        int attempts = prober.attempts("startup") + prober.attempts("live") + prober.attempts("ready");
        assertThat(attempts).isEqualTo(3);
        assertThat(manager.size()).isOne();

        probes.stop();
        prober.fail("ready", "boom");
        scheduler.advance(ofSeconds(60));

        assertThat(prober.attempts("startup") + prober.attempts("live") + prober.attempts("ready"))
                .isEqualTo(attempts);
        assertThat(listener.transitions()).containsExactly("started", "ready=true");
        assertThat(manager.size()).isZero();
        probes.stop(); // idempotent
    }

    @Test
    void resultOfAnAttemptUnderWayWhenStoppedIsDropped() {
        AtomicReference<ContainerProbes> self = new AtomicReference<>();
        Prober stoppingMidway = (probe, target, timeout) -> {
            self.get().stop();
            return ProbeResult.failure("boom");
        };
        ProbeManager stopping = new ProbeManager(stoppingMidway, scheduler, Runnable::run);
        self.set(stopping.start(Map.of(LIVENESS, spec("live", 0, 1, 1, 1)), TARGET, scheduler.now(), listener));
        listener.clear();

        scheduler.runDue();

        assertThat(listener.calls()).isEmpty();
        assertThat(self.get().isLive()).isTrue();
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void listenerMayStopTheProbesItHears() {
        AtomicReference<ContainerProbes> self = new AtomicReference<>();
        ProbeListener restarting = new ProbeListener() {
            @Override
            public void onLivenessFailed(String message) {
                listener.onLivenessFailed(message);
                self.get().stop();
            }
        };
        self.set(manager.start(
                Map.of(LIVENESS, spec("live", 0, 1, 1, 1), READINESS, spec("ready", 0, 1, 1, 1)),
                TARGET,
                scheduler.now(),
                restarting));
        prober.fail("live", "boom");

        scheduler.runDue();
        scheduler.advance(ofSeconds(10));

        assertThat(listener.calls()).containsExactly("livenessFailed: boom");
        assertThat(prober.attempts("ready")).isZero();
        assertThat(manager.size()).isZero();
    }

    @Test
    void subSecondPeriodsForTests() {
        start(Map.of(
                READINESS,
                new ProbeSpec(
                        ScriptedProber.probe("ready"),
                        new ProbeTimings(ofMillis(0), ofMillis(100), ofMillis(50), 1, 3))));

        scheduler.runDue();
        scheduler.advance(ofSeconds(1));

        assertThat(prober.attempts("ready")).isEqualTo(11);
    }

    @Test
    void probesOfAContainerSpecRunWithDefaultTimings() {
        Container container = Container.newBuilder()
                .setName("web")
                .setLivenessProbe(ScriptedProber.probe("live"))
                .setReadinessProbe(ScriptedProber.probe("ready").toBuilder().setPeriodSeconds(5))
                .build();
        ContainerProbes probes = manager.start(container, TARGET, scheduler.now(), listener);

        scheduler.runDue();
        scheduler.advance(ofSeconds(10));

        assertThat(prober.attempts("live")).isEqualTo(2);
        assertThat(prober.attempts("ready")).isEqualTo(3);
        assertThat(probes.isReady()).isTrue();
    }

    @Test
    void closeStopsEveryContainersProbes() {
        start(Map.of(LIVENESS, spec("live", 0, 1, 1, 3)));
        manager.start(Map.of(LIVENESS, spec("live", 0, 1, 1, 3)), TARGET, scheduler.now(), listener);
        assertThat(manager.size()).isEqualTo(2);

        manager.close();
        scheduler.advance(ofSeconds(10));

        assertThat(manager.size()).isZero();
        assertThat(prober.attempts("live")).isZero();
    }

    @Test
    void unsetProbeFieldsTakeKubernetesDefaults() {
        assertThat(ProbeTimings.of(Probe.getDefaultInstance()))
                .isEqualTo(new ProbeTimings(Duration.ZERO, ofSeconds(10), ofSeconds(1), 1, 3));
        assertThat(ProbeTimings.of(Probe.newBuilder()
                        .setInitialDelaySeconds(7)
                        .setPeriodSeconds(2)
                        .setTimeoutSeconds(3)
                        .setSuccessThreshold(4)
                        .setFailureThreshold(5)
                        .build()))
                .isEqualTo(new ProbeTimings(ofSeconds(7), ofSeconds(2), ofSeconds(3), 4, 5));
        assertThat(ProbeTimings.of(Probe.newBuilder()
                        .setPeriodSeconds(0)
                        .setFailureThreshold(0)
                        .build()))
                .isEqualTo(new ProbeTimings(Duration.ZERO, ofSeconds(10), ofSeconds(1), 1, 3));
    }
}
