package io.capstan.client.events;

import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.ObjectReference;

/**
 * Records Events about objects, as client-go's EventRecorder: best effort, never failing the
 * caller (an event that cannot be written is logged and dropped). Repeats of the same event are
 * folded into one by the API server. Implementations are thread-safe.
 */
public interface EventRecorder {
    /** Records that {@code reason} happened to {@code involved}, saying {@code message}. */
    void record(ObjectReference involved, Event.Type type, String reason, String message);

    default void normal(ObjectReference involved, String reason, String message) {
        record(involved, Event.Type.TYPE_NORMAL, reason, message);
    }

    default void warning(ObjectReference involved, String reason, String message) {
        record(involved, Event.Type.TYPE_WARNING, reason, message);
    }

    /** A reference to the object with {@code meta}, of {@code kind} in {@code apiVersion}. */
    static ObjectReference reference(String apiVersion, String kind, ObjectMeta meta) {
        return ObjectReference.newBuilder()
                .setApiVersion(apiVersion)
                .setKind(kind)
                .setNamespace(meta.getNamespace())
                .setName(meta.getName())
                .setUid(meta.getUid())
                .setResourceVersion(meta.getResourceVersion())
                .build();
    }
}
