package io.capstan.controllers.replicaset;

import io.capstan.client.ApiException;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Records the calls the controller makes, as {@code "createPod web-"}, and answers as a server
 * would (names, resourceVersions); {@link #failCreates} makes creates fail.
 */
final class RecordingReplicaSetApi implements ReplicaSetApi {
    final List<String> calls = new ArrayList<>();
    final List<Pod> created = new ArrayList<>();
    final List<ReplicaSet> statuses = new ArrayList<>();
    final Map<String, ReplicaSet> stored = new HashMap<>();
    private @Nullable ApiException createFailure;
    private int next = 1;

    void failCreates(ApiException failure) {
        this.createFailure = failure;
    }

    @Override
    public synchronized Pod createPod(Pod pod) {
        calls.add("createPod " + pod.getMetadata().getGenerateName());
        if (createFailure != null) {
            throw createFailure;
        }
        Pod.Builder named = pod.toBuilder();
        int n = next++;
        named.getMetadataBuilder()
                .setName(pod.getMetadata().getGenerateName() + n)
                .setUid("pod-uid-" + n)
                .setResourceVersion(Integer.toString(1000 + n));
        Pod result = named.build();
        created.add(result);
        return result;
    }

    @Override
    public synchronized void deletePod(Pod pod) {
        calls.add("deletePod " + pod.getMetadata().getName());
    }

    @Override
    public synchronized Pod updatePod(Pod pod) {
        calls.add("updatePod " + pod.getMetadata().getName());
        return pod;
    }

    @Override
    public synchronized Optional<ReplicaSet> getReplicaSet(String namespace, String name) {
        calls.add("getReplicaSet " + name);
        return Optional.ofNullable(stored.get(name));
    }

    @Override
    public synchronized ReplicaSet updateStatus(ReplicaSet replicaSet) {
        calls.add("updateStatus " + replicaSet.getMetadata().getName());
        statuses.add(replicaSet);
        return replicaSet;
    }

    synchronized List<String> calls() {
        return List.copyOf(calls);
    }
}
