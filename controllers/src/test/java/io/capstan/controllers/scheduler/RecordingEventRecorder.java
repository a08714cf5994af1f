package io.capstan.controllers.scheduler;

import io.capstan.client.events.EventRecorder;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.ObjectReference;
import java.util.ArrayList;
import java.util.List;

/** An {@link EventRecorder} that keeps what it is told, naming each object {@code namespace/name}. */
final class RecordingEventRecorder implements EventRecorder {
    record Recorded(String pod, Event.Type type, String reason, String message) {}

    final List<Recorded> recorded = new ArrayList<>();

    @Override
    public synchronized void record(ObjectReference involved, Event.Type type, String reason, String message) {
        recorded.add(new Recorded(involved.getNamespace() + "/" + involved.getName(), type, reason, message));
    }
}
