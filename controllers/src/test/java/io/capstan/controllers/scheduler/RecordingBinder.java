package io.capstan.controllers.scheduler;

import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectKey;
import io.capstan.proto.api.v1.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** A {@link Binder} that records each call and answers as a test sets it up. */
final class RecordingBinder implements Binder {
    record Binding(String pod, String resourceVersion, String node) {}

    final List<Binding> bindings = new ArrayList<>();
    final List<Pod> statusUpdates = new ArrayList<>();
    final List<ObjectKey> gets = new ArrayList<>();
    /** What {@link #get} returns, by key; absent is NotFound. */
    final Map<ObjectKey, Pod> stored = new HashMap<>();
    /** Thrown by the next bind, if set. */
    @Nullable
    RuntimeException bindFailure;
    /** Thrown by the next status update, if set. */
    @Nullable
    RuntimeException statusFailure;
    /** Runs in each bind, after it is recorded: what happens elsewhere while the call is on the wire. */
    Consumer<Pod> duringBind = pod -> {};
    /** Runs in each status update, after it is recorded. */
    Consumer<Pod> duringStatusUpdate = pod -> {};

    @Override
    public synchronized Pod bind(Pod pod, String nodeName) {
        bindings.add(new Binding(
                ObjectKey.of(pod.getMetadata()).toString(), pod.getMetadata().getResourceVersion(), nodeName));
        duringBind.accept(pod);
        RuntimeException failure = bindFailure;
        if (failure != null) {
            bindFailure = null;
            throw failure;
        }
        Pod.Builder bound = pod.toBuilder();
        bound.getSpecBuilder().setNodeName(nodeName);
        bound.getMetadataBuilder().setResourceVersion(pod.getMetadata().getResourceVersion() + "0");
        return bound.build();
    }

    @Override
    public synchronized Pod updateStatus(Pod pod) {
        statusUpdates.add(pod);
        duringStatusUpdate.accept(pod);
        RuntimeException failure = statusFailure;
        if (failure != null) {
            statusFailure = null;
            throw failure;
        }
        return pod;
    }

    @Override
    public synchronized Pod get(ObjectKey key) {
        gets.add(key);
        Pod pod = stored.get(key);
        if (pod == null) {
            throw new NotFoundException("pods \"" + key + "\" not found", false);
        }
        return pod;
    }
}
