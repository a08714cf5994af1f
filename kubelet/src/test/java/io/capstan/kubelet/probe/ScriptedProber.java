package io.capstan.kubelet.probe;

import io.capstan.client.scheduler.ManualScheduler;
import io.capstan.proto.api.v1.ExecAction;
import io.capstan.proto.api.v1.Probe;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Prober} whose answers a test sets: probes are exec probes whose command names them
 * ({@link #probe(String)}), and each answers its current result, success unless told otherwise.
 * Records when each attempt ran by the scheduler's clock.
 */
final class ScriptedProber implements Prober {
    private final ManualScheduler clock;
    private final Map<String, ProbeResult> answers = new HashMap<>(); // guarded by this
    private final List<String> attempts = new ArrayList<>(); // guarded by this
    private final List<Instant> attemptTimes = new ArrayList<>(); // guarded by this

    ScriptedProber(ManualScheduler clock) {
        this.clock = clock;
    }

    static Probe probe(String name) {
        return Probe.newBuilder()
                .setExec(ExecAction.newBuilder().addCommand(name))
                .build();
    }

    synchronized void answer(String name, ProbeResult result) {
        answers.put(name, result);
    }

    synchronized void fail(String name, String message) {
        answer(name, ProbeResult.failure(message));
    }

    synchronized void pass(String name) {
        answer(name, ProbeResult.success("ok"));
    }

    @Override
    public synchronized ProbeResult probe(Probe probe, ProbeTarget target, Duration timeout) {
        String name = probe.getExec().getCommand(0);
        attempts.add(name);
        attemptTimes.add(clock.now());
        return answers.getOrDefault(name, ProbeResult.success("ok"));
    }

    /** How many attempts the named probe made. */
    synchronized int attempts(String name) {
        return (int) attempts.stream().filter(name::equals).count();
    }

    /** When the named probe's attempts ran. */
    synchronized List<Instant> attemptTimes(String name) {
        List<Instant> times = new ArrayList<>();
        for (int i = 0; i < attempts.size(); i++) {
            if (attempts.get(i).equals(name)) {
                times.add(attemptTimes.get(i));
            }
        }
        return times;
    }
}
