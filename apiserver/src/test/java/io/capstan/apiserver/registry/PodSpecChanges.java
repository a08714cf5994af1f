package io.capstan.apiserver.registry;

import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodSpec;
import java.util.function.UnaryOperator;

/** The fixture pod with one change, for the pod validation tests. */
final class PodSpecChanges {
    /** The field path of the fixture pod's first container, "web". */
    static final String WEB = "spec.containers[0]";

    private PodSpecChanges() {}

    /** The fixture pod with its spec changed. */
    static Pod podWith(UnaryOperator<PodSpec.Builder> change) {
        Pod pod = Fixtures.pod();
        return pod.toBuilder().setSpec(change.apply(pod.getSpec().toBuilder())).build();
    }

    /** The fixture pod with its first container, "web", changed. */
    static Pod webWith(UnaryOperator<Container.Builder> change) {
        return podWith(spec -> spec.setContainers(0, change.apply(spec.getContainers(0).toBuilder())));
    }
}
