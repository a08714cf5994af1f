package io.capstan.controllers.common;

import io.capstan.client.events.EventRecorder;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.ObjectReference;
import java.util.ArrayList;
import java.util.List;

/** Keeps the events recorded, as {@code "Normal ScalingReplicaSet Scaled up ..."}. */
public final class RecordingEventRecorder implements EventRecorder {
    private final List<String> events = new ArrayList<>();

    @Override
    public synchronized void record(ObjectReference involved, Event.Type type, String reason, String message) {
        String kind = type == Event.Type.TYPE_WARNING ? "Warning" : "Normal";
        events.add(kind + " " + reason + " " + message);
    }

    public synchronized List<String> events() {
        return List.copyOf(events);
    }
}
