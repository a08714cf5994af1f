package io.capstan.kubelet.proxy;

import io.capstan.client.events.EventRecorder;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.ObjectReference;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every event it is given. */
final class RecordingEventRecorder implements EventRecorder {
    record Recorded(ObjectReference involved, Event.Type type, String reason, String message) {}

    private final List<Recorded> recorded = new CopyOnWriteArrayList<>();

    @Override
    public void record(ObjectReference involved, Event.Type type, String reason, String message) {
        recorded.add(new Recorded(involved, type, reason, message));
    }

    List<Recorded> recorded() {
        return List.copyOf(recorded);
    }
}
