package io.capstan.controllers.scheduler;

import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.Pod;

/**
 * Records Events about pods. Recording never blocks the caller on the API and never fails it: an
 * event is a report, and losing one under overload is better than slowing scheduling down (as
 * client-go's event broadcaster drops events when its queue is full). Thread-safe.
 */
interface EventRecorder {

    /**
     * Records an event about {@code pod}.
     *
     * @param reason a CamelCase word, e.g. {@code Scheduled}
     * @param message what happened, for people
     */
    void record(Pod pod, Event.Type type, String reason, String message);
}
