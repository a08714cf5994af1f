package io.capstan.controllers.scheduler;

import io.capstan.client.KindClient;
import io.capstan.client.ObjectKey;
import io.capstan.proto.api.v1.Pod;

/** {@link Binder} over the object API: a bind is an Update of the pod with its resourceVersion. */
final class ApiBinder implements Binder {
    private final KindClient<Pod> pods;

    ApiBinder(KindClient<Pod> pods) {
        this.pods = pods;
    }

    @Override
    public Pod bind(Pod pod, String nodeName) {
        Pod.Builder bound = pod.toBuilder();
        bound.getSpecBuilder().setNodeName(nodeName);
        return pods.update(bound.build());
    }

    @Override
    public Pod updateStatus(Pod pod) {
        return pods.updateStatus(pod);
    }

    @Override
    public Pod get(ObjectKey key) {
        return pods.get(key);
    }
}
