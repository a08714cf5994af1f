package io.capstan.kubelet.probe;

import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.Probe;
import java.util.EnumMap;
import java.util.Map;

/** One probe to run: its action (the {@code Probe} message) and its timings. */
public record ProbeSpec(Probe probe, ProbeTimings timings) {

    /** A probe with the timings its message states (defaults where unset). */
    public static ProbeSpec of(Probe probe) {
        return new ProbeSpec(probe, ProbeTimings.of(probe));
    }

    /** The probes {@code container} declares, by kind; empty when it declares none. */
    public static Map<ProbeKind, ProbeSpec> forContainer(Container container) {
        Map<ProbeKind, ProbeSpec> specs = new EnumMap<>(ProbeKind.class);
        for (ProbeKind kind : ProbeKind.values()) {
            Probe probe = kind.of(container);
            if (probe != null) {
                specs.put(kind, of(probe));
            }
        }
        return specs;
    }
}
