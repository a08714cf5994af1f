package io.capstan.kubelet.probe;

import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.Probe;
import org.jspecify.annotations.Nullable;

/** The three probes a container may declare. */
public enum ProbeKind {
    /** Gates the other two; failing it restarts the container. */
    STARTUP("Startup"),
    /** Failing it restarts the container. */
    LIVENESS("Liveness"),
    /** Drives the container's readiness, and so the pod's Ready condition and the Endpoints. */
    READINESS("Readiness");

    private final String displayName;

    ProbeKind(String displayName) {
        this.displayName = displayName;
    }

    /** "Startup", "Liveness" or "Readiness", as Kubernetes' event messages spell it. */
    public String displayName() {
        return displayName;
    }

    /** The container's probe of this kind, or null when it declares none. */
    public @Nullable Probe of(Container container) {
        return switch (this) {
            case STARTUP -> container.hasStartupProbe() ? container.getStartupProbe() : null;
            case LIVENESS -> container.hasLivenessProbe() ? container.getLivenessProbe() : null;
            case READINESS -> container.hasReadinessProbe() ? container.getReadinessProbe() : null;
        };
    }
}
