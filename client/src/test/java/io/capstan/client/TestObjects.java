package io.capstan.client;

import io.capstan.api.manifest.Manifests;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import java.util.Map;

/** Small valid objects for the ITs. */
public final class TestObjects {
    private TestObjects() {}

    public static Namespace namespace(String name) {
        return Namespace.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name))
                .build();
    }

    public static Pod pod(String namespace, String name) {
        return Kind.POD.unwrap(
                Manifests.readYaml("""
                        apiVersion: v1
                        kind: Pod
                        metadata: {name: "%s", namespace: "%s"}
                        spec:
                          containers: [{name: main, image: busybox}]
                        """.formatted(name, namespace)).get(0));
    }

    public static Deployment deployment(String namespace, String name, int replicas) {
        return Kind.DEPLOYMENT.unwrap(Manifests.readYaml("""
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata: {name: %s, namespace: %s, labels: {app: %s}}
                        spec:
                          replicas: %d
                          selector: {matchLabels: {app: %s}}
                          template:
                            metadata: {labels: {app: %s}}
                            spec:
                              containers: [{name: main, image: busybox}]
                        """.formatted(name, namespace, name, replicas, name, name))
                .get(0));
    }

    public static ConfigMap configMap(String namespace, String name, Map<String, String> labels) {
        return ConfigMap.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace(namespace)
                        .setName(name)
                        .putAllLabels(labels))
                .putData("key", "value")
                .build();
    }
}
