package io.capstan.controllers.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Timestamp;
import io.capstan.client.events.ProtoTimes;
import io.capstan.proto.api.v1.AlertDelivery;
import io.capstan.proto.api.v1.Event;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One alert: an Event (at one count) about to be sent to one route. {@link #key()} is the
 * idempotency key {@code <event uid>/<event count>}.
 */
record Alert(
        String key,
        String route,
        String type,
        String reason,
        String message,
        String namespace,
        String eventName,
        String eventResourceVersion,
        String objectKind,
        String objectName,
        String objectUid,
        int count,
        @Nullable Instant firstTimestamp,
        Instant lastTimestamp) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Alert of(String route, Event event) {
        Instant last = AlertOrder.time(event);
        return new Alert(
                key(event),
                route,
                typeName(event.getType()),
                event.getReason(),
                event.getMessage(),
                event.getMetadata().getNamespace(),
                event.getMetadata().getName(),
                event.getMetadata().getResourceVersion(),
                event.getInvolvedObject().getKind(),
                event.getInvolvedObject().getName(),
                event.getInvolvedObject().getUid(),
                Math.max(1, event.getCount()),
                event.hasFirstTimestamp() ? ProtoTimes.toInstant(event.getFirstTimestamp()) : null,
                last);
    }

    /**
     * The alert recorded as in flight, sent again with its own key and count; the Event, when it is
     * still there, supplies the message and type.
     */
    static Alert resumed(String route, AlertDelivery delivery, @Nullable Event event) {
        String object = delivery.getObject();
        int slash = object.indexOf('/');
        String uid = delivery.getKey().contains("/")
                ? delivery.getKey().substring(0, delivery.getKey().lastIndexOf('/'))
                : delivery.getKey();
        return new Alert(
                delivery.getKey(),
                route,
                event != null ? typeName(event.getType()) : "Warning",
                delivery.getReason(),
                event != null ? event.getMessage() : "",
                delivery.getEventNamespace(),
                delivery.getEventName(),
                delivery.getEventResourceVersion(),
                slash >= 0 ? object.substring(0, slash) : "",
                slash >= 0 ? object.substring(slash + 1) : object,
                event != null ? event.getInvolvedObject().getUid() : uid,
                delivery.getCount(),
                event != null && event.hasFirstTimestamp() ? ProtoTimes.toInstant(event.getFirstTimestamp()) : null,
                ProtoTimes.toInstant(delivery.getTime()));
    }

    static String key(Event event) {
        return event.getMetadata().getUid() + "/" + Math.max(1, event.getCount());
    }

    static String typeName(Event.Type type) {
        return switch (type) {
            case TYPE_WARNING -> "Warning";
            case TYPE_NORMAL, TYPE_UNSPECIFIED, UNRECOGNIZED -> "Normal";
        };
    }

    /**
     * Repeats form a group: Events about one involved object with the same reason and message (a
     * liveness probe failing the same way again), whether the recorder raised one Event's count or
     * wrote new ones. A different message (a readiness failure at start, then a liveness failure
     * later) is a different problem and alerts on its own.
     */
    String groupKey() {
        return groupKey(namespace, objectKind + "/" + objectName, reason, message);
    }

    static String groupKey(String namespace, String object, String reason, String message) {
        return namespace + "|" + object + "|" + reason + "|" + message;
    }

    AlertOrder order() {
        return new AlertOrder(lastTimestamp, key.contains("/") ? key.substring(0, key.lastIndexOf('/')) : key, count);
    }

    AlertDelivery delivery() {
        Timestamp time = ProtoTimes.toTimestamp(lastTimestamp);
        return AlertDelivery.newBuilder()
                .setKey(key)
                .setEventNamespace(namespace)
                .setEventName(eventName)
                .setEventResourceVersion(eventResourceVersion)
                .setReason(reason)
                .setObject(objectKind + "/" + objectName)
                .setCount(count)
                .setTime(time)
                .build();
    }

    /** One human line, e.g. {@code [Warning] Unhealthy pod default/web-1: Liveness probe failed (x3)}. */
    String text() {
        StringBuilder text = new StringBuilder();
        text.append('[').append(type).append("] ").append(reason).append(' ');
        text.append(objectKind.toLowerCase(Locale.ROOT)).append(' ');
        if (!namespace.isEmpty()) {
            text.append(namespace).append('/');
        }
        text.append(objectName);
        if (!message.isEmpty()) {
            text.append(": ").append(message);
        }
        if (count > 1) {
            text.append(" (x").append(count).append(')');
        }
        return text.toString();
    }

    /** The webhook body: Slack-compatible {@code text} plus the structured {@code alert}. */
    byte[] body() {
        ObjectNode root = JSON.createObjectNode();
        root.put("text", text());
        ObjectNode alert = root.putObject("alert");
        alert.put("key", key);
        alert.put("route", route);
        alert.put("reason", reason);
        alert.put("type", type);
        alert.put("message", message);
        alert.put("namespace", namespace);
        ObjectNode object = alert.putObject("object");
        object.put("kind", objectKind);
        object.put("name", objectName);
        object.put("uid", objectUid);
        alert.put("count", count);
        if (firstTimestamp != null) {
            alert.put("firstTimestamp", firstTimestamp.toString());
        }
        alert.put("lastTimestamp", lastTimestamp.toString());
        try {
            return JSON.writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write an alert as JSON", e);
        }
    }
}
