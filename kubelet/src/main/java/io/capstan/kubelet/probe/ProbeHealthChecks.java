package io.capstan.kubelet.probe;

import io.capstan.client.events.EventRecorder;
import io.capstan.kubelet.pod.HealthChecks;
import io.capstan.kubelet.runtime.ContainerConfig.PortMapping;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.ObjectReference;
import io.capstan.proto.api.v1.Pod;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The pod workers' health checks through the {@link ProbeManager}: each failed attempt becomes an
 * Unhealthy Warning event on the pod, a liveness or startup failure asks the worker to restart the
 * container. After a kubelet restart a container reported ready stays ready (and started) until
 * its probes say otherwise, so a healthy pod does not leave its Endpoints while they run again.
 */
public final class ProbeHealthChecks implements HealthChecks {
    private final ProbeManager probes;
    private final EventRecorder events;
    private final String hostAddress;

    public ProbeHealthChecks(ProbeManager probes, EventRecorder events, String hostAddress) {
        this.probes = probes;
        this.events = events;
        this.hostAddress = hostAddress;
    }

    @Override
    public Tracker track(
            Pod pod,
            Container spec,
            String containerId,
            List<PortMapping> ports,
            Instant startedAt,
            boolean initiallyReady,
            Runnable changed) {
        ObjectReference involved = EventRecorder.reference("v1", "Pod", pod.getMetadata());
        ProbeTracker tracker = new ProbeTracker(initiallyReady, changed, events, involved, spec.getName());
        tracker.attach(probes.start(spec, new ProbeTarget(containerId, hostAddress, ports), startedAt, tracker));
        return tracker;
    }

    private static final class ProbeTracker implements Tracker, ProbeListener {
        private final Runnable changed;
        private final EventRecorder events;
        private final ObjectReference involved;
        private final String container;
        private volatile boolean assumeReady;
        private volatile @Nullable ContainerProbes probes;
        private volatile @Nullable String failure;

        ProbeTracker(
                boolean assumeReady,
                Runnable changed,
                EventRecorder events,
                ObjectReference involved,
                String container) {
            this.assumeReady = assumeReady;
            this.changed = changed;
            this.events = events;
            this.involved = involved;
            this.container = container;
        }

        void attach(ContainerProbes attached) {
            this.probes = attached;
            changed.run();
        }

        @Override
        public boolean started() {
            ContainerProbes p = probes;
            return assumeReady || (p != null && p.isStarted());
        }

        @Override
        public boolean ready() {
            ContainerProbes p = probes;
            return assumeReady || (p != null && p.isReady());
        }

        @Override
        public @Nullable String failure() {
            return failure;
        }

        @Override
        public void close() {
            ContainerProbes p = probes;
            if (p != null) {
                p.stop();
            }
        }

        @Override
        public void onStarted() {
            changed.run();
        }

        @Override
        public void onReadyChanged(boolean ready) {
            assumeReady = false;
            changed.run();
        }

        @Override
        public void onLivenessFailed(String message) {
            assumeReady = false;
            failure = "failed liveness probe";
            changed.run();
        }

        @Override
        public void onStartupFailed(String message) {
            assumeReady = false;
            failure = "failed startup probe";
            changed.run();
        }

        @Override
        public void onUnhealthy(ProbeKind kind, String message) {
            events.warning(involved, "Unhealthy", message);
            if (kind == ProbeKind.READINESS && assumeReady) {
                assumeReady = false;
                changed.run();
            }
        }

        @Override
        public String toString() {
            return "probes of " + container;
        }
    }
}
