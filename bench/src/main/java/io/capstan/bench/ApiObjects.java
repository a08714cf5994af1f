package io.capstan.bench;

import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.ContainerPort;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.ResourceRequirements;
import io.capstan.proto.api.v1.TypedObject;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/** The objects the API scenarios write, and the send-time stamp the watch scenario puts in them. */
final class ApiObjects {
    /** The ConfigMap data key holding the writer's {@code System.nanoTime()} at send time. */
    static final String STAMP_KEY = "sentNanos";

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private ApiObjects() {}

    /** A namespace name for one run: {@code prefix} plus 6 random characters, e.g. bench-list-k3x9q2. */
    static String runNamespace(String prefix) {
        StringBuilder name = new StringBuilder(prefix);
        for (int i = 0; i < 6; i++) {
            name.append(ALPHABET.charAt(ThreadLocalRandom.current().nextInt(ALPHABET.length())));
        }
        return name.toString();
    }

    /** {@code prefix} followed by {@code n} as at least 6 zero-padded digits, so names sort in number order. */
    static String name(String prefix, long n) {
        return prefix + String.format(Locale.ROOT, "%06d", n);
    }

    static TypedObject namespace(String name) {
        return TypedObject.newBuilder()
                .setNamespace(Namespace.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(name)))
                .build();
    }

    /** A ConfigMap of two short keys (about 100 bytes of data), labelled with its group. */
    static ConfigMap configMap(String namespace, String name) {
        return ConfigMap.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace(namespace)
                        .setName(name)
                        .putLabels("app", "bench"))
                .putData("greeting", "hello from the capstan object API benchmark")
                .putData("settings.properties", "log.level=info\nretries=3\n")
                .build();
    }

    /** {@code configMap} with {@link #STAMP_KEY} set to {@code stampNanos}. */
    static ConfigMap stamped(ConfigMap configMap, long stampNanos) {
        return configMap.toBuilder()
                .putData(STAMP_KEY, Long.toString(stampNanos))
                .build();
    }

    /** The stamp written by {@link #stamped}; -1 when there is none. */
    static long stampOf(ConfigMap configMap) {
        String value = configMap.getDataMap().get(STAMP_KEY);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * A small, realistic pod: three labels (one of 20 apps), one container with an image, a named
     * port and CPU/memory requests and limits. Not bound to a node; the server defaults the rest
     * and sets phase Pending. About 300 bytes as stored.
     */
    static Pod pod(String namespace, String name, long n) {
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace(namespace)
                        .setName(name)
                        .putLabels("app", "web-" + (n % 20))
                        .putLabels("tier", "frontend")
                        .putLabels("bench.capstan.io/run", namespace))
                .setSpec(PodSpec.newBuilder()
                        .addContainers(Container.newBuilder()
                                .setName("app")
                                .setImage("registry.example/bench/web:1.4.2")
                                .addPorts(ContainerPort.newBuilder()
                                        .setName("http")
                                        .setContainerPort(8080)
                                        .setProtocol(Protocol.PROTOCOL_TCP))
                                .setResources(ResourceRequirements.newBuilder()
                                        .putRequests("cpu", "100m")
                                        .putRequests("memory", "64Mi")
                                        .putLimits("cpu", "500m")
                                        .putLimits("memory", "128Mi"))))
                .build();
    }
}
