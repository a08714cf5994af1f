package io.capstan.kubelet.probe;

import java.util.ArrayList;
import java.util.List;

/** Records every listener call as a line: "started", "ready=true", "livenessFailed: msg", ... */
final class RecordingProbeListener implements ProbeListener {
    private final List<String> calls = new ArrayList<>(); // guarded by this

    @Override
    public synchronized void onStarted() {
        calls.add("started");
    }

    @Override
    public synchronized void onReadyChanged(boolean ready) {
        calls.add("ready=" + ready);
    }

    @Override
    public synchronized void onLivenessFailed(String message) {
        calls.add("livenessFailed: " + message);
    }

    @Override
    public synchronized void onStartupFailed(String message) {
        calls.add("startupFailed: " + message);
    }

    @Override
    public synchronized void onUnhealthy(ProbeKind kind, String message) {
        calls.add("unhealthy: " + message);
    }

    synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    /** The calls other than onUnhealthy: the transitions. */
    synchronized List<String> transitions() {
        return calls.stream().filter(c -> !c.startsWith("unhealthy")).toList();
    }

    synchronized void clear() {
        calls.clear();
    }
}
