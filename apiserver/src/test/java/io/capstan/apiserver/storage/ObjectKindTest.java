package io.capstan.apiserver.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.apiserver.storage.ObjectStorage.ContinuePoint;
import io.capstan.proto.api.v1.TypedObject;
import org.junit.jupiter.api.Test;

class ObjectKindTest {

    @Test
    void namespacedKindKeyHasNamespaceSegment() {
        assertThat(ObjectKind.REPLICA_SET.key("prod", "web")).isEqualTo("/registry/replicasets/prod/web");
        assertThat(ObjectKind.POD.prefix("")).isEqualTo("/registry/pods/");
    }

    @Test
    void clusterScopedKindKeyHasNoNamespaceSegment() {
        assertThat(ObjectKind.NODE.key("", "n1")).isEqualTo("/registry/nodes/n1");
    }

    @Test
    void keyRejectsMissingOrMisplacedNamespaceNamingTheField() {
        assertThatThrownBy(() -> ObjectKind.POD.key("", "a")).hasMessageStartingWith("metadata.namespace:");
        assertThatThrownBy(() -> ObjectKind.NAMESPACE.key("x", "a")).hasMessageStartingWith("metadata.namespace:");
        assertThatThrownBy(() -> ObjectKind.POD.key("x", "a/b")).hasMessageStartingWith("metadata.name:");
    }

    @Test
    void everyOneofCaseHasAKind() {
        for (TypedObject.ObjectCase objectCase : TypedObject.ObjectCase.values()) {
            if (objectCase != TypedObject.ObjectCase.OBJECT_NOT_SET) {
                TypedObject object = TypedObject.newBuilder()
                        .setField(
                                TypedObject.getDescriptor().findFieldByNumber(objectCase.getNumber()),
                                TypedObject.newBuilder()
                                        .newBuilderForField(
                                                TypedObject.getDescriptor().findFieldByNumber(objectCase.getNumber()))
                                        .build())
                        .build();
                assertThat(ObjectKind.of(object).name()).isEqualTo(objectCase.name());
            }
        }
    }

    @Test
    void continuePointRoundTripsThroughToken() {
        ContinuePoint point = new ContinuePoint(42, "/registry/pods/ns/b\0");

        assertThat(ContinuePoint.decode(point.encode())).isEqualTo(point);
        assertThatThrownBy(() -> ContinuePoint.decode("not base64!")).hasMessageStartingWith("continue:");
    }
}
