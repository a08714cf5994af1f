package io.capstan.api.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Descriptors.FieldDescriptor;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.TypedObject;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ManifestKindTest {

    @Test
    void everyTypedObjectCaseHasOneKindNamedAfterItsMessage() {
        assertThat(Arrays.stream(ManifestKind.values()).map(ManifestKind::field))
                .containsExactlyElementsOf(TypedObject.getDescriptor().getFields());
        for (ManifestKind kind : ManifestKind.values()) {
            assertThat(kind.kind()).isEqualTo(kind.messageType().getName());
            assertThat(kind.objectCase().getNumber()).isEqualTo(kind.field().getNumber());
            FieldDescriptor metadata = kind.messageType().findFieldByNumber(1);
            assertThat(metadata.getMessageType()).as(kind.kind()).isEqualTo(ObjectMeta.getDescriptor());
            assertThat(metadata.getJsonName()).isEqualTo("metadata");
            assertThat(kind.messageType().findFieldByName("api_version")).isNull();
            assertThat(kind.messageType().findFieldByName("kind")).isNull();
        }
    }

    @Test
    void apiVersionsAreKubernetesGroups() {
        Map<String, String> apiVersions = new TreeMap<>();
        for (ManifestKind kind : ManifestKind.values()) {
            apiVersions.put(kind.kind(), kind.apiVersion());
        }

        assertThat(apiVersions)
                .isEqualTo(new TreeMap<>(Map.ofEntries(
                        Map.entry("Namespace", "v1"),
                        Map.entry("Node", "v1"),
                        Map.entry("Pod", "v1"),
                        Map.entry("Service", "v1"),
                        Map.entry("Endpoints", "v1"),
                        Map.entry("ConfigMap", "v1"),
                        Map.entry("Secret", "v1"),
                        Map.entry("Event", "v1"),
                        Map.entry("Ingress", "networking.k8s.io/v1"),
                        Map.entry("AlertRoute", "alerting.capstan.io/v1"),
                        Map.entry("ReplicaSet", "apps/v1"),
                        Map.entry("Deployment", "apps/v1"),
                        Map.entry("Lease", "coordination.k8s.io/v1"))));
    }

    @Test
    void findsKindsByNameAndByMessageType() {
        assertThat(ManifestKind.forKind("ReplicaSet")).contains(ManifestKind.REPLICA_SET);
        assertThat(ManifestKind.forKind("replicaset")).isEmpty();
        assertThat(ManifestKind.forMessageType(Deployment.getDescriptor())).contains(ManifestKind.DEPLOYMENT);
        assertThat(ManifestKind.forMessageType(ObjectMeta.getDescriptor())).isEmpty();
    }

    @Test
    void wrapsAndUnwrapsMessages() {
        Deployment deployment = Deployment.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("web"))
                .build();

        TypedObject object = ManifestKind.wrap(deployment);

        assertThat(object.getDeployment()).isEqualTo(deployment);
        assertThat(ManifestKind.of(object)).isEqualTo(ManifestKind.DEPLOYMENT);
        assertThat(ManifestKind.unwrap(object)).isEqualTo(deployment);
        assertThatThrownBy(() -> ManifestKind.wrap(ObjectMeta.getDefaultInstance()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ManifestKind.of(TypedObject.getDefaultInstance()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Manifests.toTree(TypedObject.getDefaultInstance()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
