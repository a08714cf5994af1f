package io.capstan.apiserver.watch;

import com.google.protobuf.ByteString;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.WatchEvent;
import java.util.Map;

/** Pods for the fake store and readable summaries of watch events. */
final class Fixtures {
    private Fixtures() {}

    static TypedObject pod(String namespace, String name, Map<String, String> labels) {
        return pod(namespace, name, labels, "");
    }

    static TypedObject pod(String namespace, String name, Map<String, String> labels, String nodeName) {
        return TypedObject.newBuilder()
                .setPod(Pod.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder()
                                .setNamespace(namespace)
                                .setName(name)
                                .putAllLabels(labels))
                        .setSpec(PodSpec.newBuilder().setNodeName(nodeName)))
                .build();
    }

    static String podKey(String namespace, String name) {
        return "/registry/pods/" + namespace + "/" + name;
    }

    /** Stores {@code pod} as the API server does (its own message, no resourceVersion); returns the revision. */
    static long put(FakeKvStore store, TypedObject pod) {
        ObjectMeta meta = pod.getPod().getMetadata();
        ByteString value = pod.getPod().toByteString();
        return store.put(podKey(meta.getNamespace(), meta.getName()), value);
    }

    static long delete(FakeKvStore store, String namespace, String name) {
        return store.delete(podKey(namespace, name));
    }

    /** A write of another kind: moves the store's revision without an event for the pod cache. */
    static long putOtherKind(FakeKvStore store, String name) {
        return store.put("/registry/configmaps/default/" + name, ByteString.EMPTY);
    }

    /** "ADDED ns/name@rv", "BOOKMARK @rv" (plus " end" for initial_events_end), "ERROR code". */
    static String describe(WatchEvent event) {
        return switch (event.getType()) {
            case TYPE_ADDED, TYPE_MODIFIED, TYPE_DELETED -> {
                ObjectMeta meta = metadata(event.getObject());
                yield event.getType().name().substring("TYPE_".length()) + " " + meta.getNamespace() + "/"
                        + meta.getName() + "@" + meta.getResourceVersion();
            }
            case TYPE_BOOKMARK ->
                "BOOKMARK @"
                        + metadata(event.getObject()).getResourceVersion()
                        + (event.getInitialEventsEnd() ? " end" : "");
            case TYPE_ERROR -> "ERROR " + event.getError().getCode();
            case TYPE_UNSPECIFIED, UNRECOGNIZED -> "?" + event;
        };
    }

    static ObjectMeta metadata(TypedObject object) {
        return switch (object.getObjectCase()) {
            case POD -> object.getPod().getMetadata();
            case NODE -> object.getNode().getMetadata();
            case CONFIG_MAP -> object.getConfigMap().getMetadata();
            default -> throw new IllegalArgumentException("fixtures do not read " + object.getObjectCase());
        };
    }
}
