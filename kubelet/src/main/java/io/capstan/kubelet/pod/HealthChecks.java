package io.capstan.kubelet.pod;

import io.capstan.kubelet.runtime.ContainerConfig.PortMapping;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.Pod;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The probes of running containers, as the pod worker sees them: one tracker per running
 * container, asked for its state at each sync and telling the worker (through {@code changed}) when
 * that state moves.
 */
public interface HealthChecks {

    /**
     * Starts the startup, liveness and readiness probes of {@code spec}, running as {@code
     * containerId} in {@code pod}.
     *
     * @param startedAt when the container started: probes' initial delays count from it
     * @param initiallyReady the readiness last reported for this very container (after a kubelet
     *     restart), so a healthy pod does not flap to not-ready while its probe runs again
     * @param changed called (from any thread) when started, ready or failure changes
     */
    Tracker track(
            Pod pod,
            Container spec,
            String containerId,
            List<PortMapping> ports,
            java.time.Instant startedAt,
            boolean initiallyReady,
            Runnable changed);

    interface Tracker extends AutoCloseable {
        /** The startup probe has passed (true without one). */
        boolean started();

        /** The readiness probe passes (true without one, once started). */
        boolean ready();

        /**
         * Why the container must be restarted (its liveness or startup probe crossed its failure
         * threshold), or null while it need not be.
         */
        @Nullable
        String failure();

        @Override
        void close();
    }

    /** No probes at all: every container is started and ready as soon as it runs. */
    HealthChecks NONE = (pod, spec, containerId, ports, startedAt, initiallyReady, changed) -> new Tracker() {
        @Override
        public boolean started() {
            return true;
        }

        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public @Nullable String failure() {
            return null;
        }

        @Override
        public void close() {}
    };
}
