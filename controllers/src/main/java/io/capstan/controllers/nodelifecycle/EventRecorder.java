package io.capstan.controllers.nodelifecycle;

import io.capstan.client.ApiException;
import io.capstan.client.KindClient;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.EventSource;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.ObjectReference;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Events about nodes and pods, as client-go's recorder: best effort, so a failed write is
 * logged and dropped, never retried and never fails the reconcile. The API server folds a repeat
 * of a stored event (same object, reason, message, type and source) into it.
 */
final class EventRecorder {
    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
    static final String COMPONENT = "node-controller";
    static final String REPORTING_CONTROLLER = "capstan.io/node-lifecycle-controller";

    private final KindClient<Event> events;
    private final InstantSource clock;
    private final String instance;
    private final AtomicLong sequence = new AtomicLong();

    EventRecorder(KindClient<Event> events, InstantSource clock, String instance) {
        this.events = events;
        this.clock = clock;
        this.instance = instance;
    }

    void record(ObjectReference involved, Event.Type type, String reason, String message) {
        String namespace = involved.getNamespace().isEmpty() ? "default" : involved.getNamespace();
        var now = Times.timestamp(clock.instant());
        Event event = Event.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace(namespace)
                        .setName(involved.getName() + "."
                                + Long.toHexString(clock.instant().toEpochMilli())
                                + Long.toHexString(sequence.incrementAndGet())))
                .setInvolvedObject(involved)
                .setReason(reason)
                .setMessage(message)
                .setType(type)
                .setSource(EventSource.newBuilder().setComponent(COMPONENT))
                .setFirstTimestamp(now)
                .setLastTimestamp(now)
                .setCount(1)
                .setReportingController(REPORTING_CONTROLLER)
                .setReportingInstance(instance)
                .build();
        try {
            events.create(event);
        } catch (ApiException e) {
            log.warn(
                    "Dropped event {} about {} {}: {}", reason, involved.getKind(), involved.getName(), e.getMessage());
        }
    }

    static ObjectReference reference(String kind, ObjectMeta meta) {
        return ObjectReference.newBuilder()
                .setKind(kind)
                .setApiVersion("v1")
                .setNamespace(meta.getNamespace())
                .setName(meta.getName())
                .setUid(meta.getUid())
                .build();
    }
}
