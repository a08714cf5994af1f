package io.capstan.controllers.scheduler;

import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.Pod;
import java.util.ArrayList;
import java.util.List;

/** An {@link EventRecorder} that keeps what it is told. */
final class RecordingEventRecorder implements EventRecorder {
    record Recorded(String pod, Event.Type type, String reason, String message) {}

    final List<Recorded> recorded = new ArrayList<>();

    @Override
    public synchronized void record(Pod pod, Event.Type type, String reason, String message) {
        recorded.add(new Recorded(
                pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(), type, reason, message));
    }
}
