package io.capstan.kubelet.proxy;

import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.Service;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every event it is given. */
final class RecordingEventSink implements EventSink {
    record Recorded(String service, Event.Type type, String reason, String message) {}

    private final List<Recorded> recorded = new CopyOnWriteArrayList<>();

    @Override
    public void record(Service service, Event.Type type, String reason, String message) {
        recorded.add(new Recorded(service.getMetadata().getName(), type, reason, message));
    }

    List<Recorded> recorded() {
        return List.copyOf(recorded);
    }
}
