package io.capstan.kubelet.pod;

import io.capstan.api.quantity.Quantity;
import io.capstan.proto.api.v1.Container;

/** A container's limits as the runtime takes them (validated by the API server already). */
final class Resources {
    private Resources() {}

    /** The cpu limit in millicores, 0 for none. */
    static long cpuMillis(Container spec) {
        String cpu = spec.getResources().getLimitsMap().get("cpu");
        return cpu == null ? 0 : Quantity.parse(cpu).milliValue();
    }

    /** The memory limit in bytes, 0 for none. */
    static long memoryBytes(Container spec) {
        String memory = spec.getResources().getLimitsMap().get("memory");
        return memory == null ? 0 : Quantity.parse(memory).value();
    }
}
