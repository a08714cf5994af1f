package io.capstan.controllers.scheduler;

import io.capstan.client.ObjectKey;
import io.capstan.proto.api.v1.Pod;

/**
 * The writes and the one read the scheduler makes through the API, as a port so that unit tests can
 * record them. Implementations throw the client's exceptions ({@code ConflictException}, {@code
 * NotFoundException}, other {@code ApiException}s). Thread-safe.
 */
interface Binder {

    /**
     * Binds {@code pod} to {@code nodeName}: writes its spec.nodeName, guarded by the
     * resourceVersion in {@code pod}, so a binding is written at most once: the API server lets
     * nodeName go from empty to a node exactly once, and a pod that changed meanwhile is a conflict.
     *
     * @return the pod as stored
     */
    Pod bind(Pod pod, String nodeName);

    /** Writes {@code pod}'s status, guarded by its resourceVersion; returns the pod as stored. */
    Pod updateStatus(Pod pod);

    /** The pod as stored now (a linearizable read). */
    Pod get(ObjectKey key);
}
