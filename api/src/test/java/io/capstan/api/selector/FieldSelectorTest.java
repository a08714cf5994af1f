package io.capstan.api.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.selector.FieldSelector.Operator;
import io.capstan.api.selector.FieldSelector.Requirement;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeSpec;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.ObjectReference;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.Secret;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.TypedObject.ObjectCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FieldSelectorTest {
    private static final TypedObject RUNNING_ON_N1 = pod("web-1", "prod", "n1", PodStatus.Phase.PHASE_RUNNING);

    @Test
    void parsesEqualsDoubleEqualsAndNotEquals() {
        FieldSelector selector = FieldSelector.parse(
                ObjectCase.POD, "spec.nodeName=n1,status.phase!=Failed," + "metadata.namespace==prod");

        assertThat(selector.requirements())
                .containsExactly(
                        new Requirement("metadata.namespace", Operator.EQUALS, "prod"),
                        new Requirement("spec.nodeName", Operator.EQUALS, "n1"),
                        new Requirement("status.phase", Operator.NOT_EQUALS, "Failed"));
        assertThat(selector.kind()).isEqualTo(ObjectCase.POD);
    }

    @Test
    void matchesPodFieldsInManifestSpelling() {
        assertThat(FieldSelector.parse(ObjectCase.POD, "spec.nodeName=n1").matches(RUNNING_ON_N1))
                .isTrue();
        assertThat(FieldSelector.parse(ObjectCase.POD, "spec.nodeName=n2").matches(RUNNING_ON_N1))
                .isFalse();
        assertThat(FieldSelector.parse(ObjectCase.POD, "status.phase=Running").matches(RUNNING_ON_N1))
                .isTrue();
        assertThat(FieldSelector.parse(ObjectCase.POD, "status.phase=PHASE_RUNNING")
                        .matches(RUNNING_ON_N1))
                .isFalse();
        assertThat(FieldSelector.parse(ObjectCase.POD, "status.phase!=Failed").matches(RUNNING_ON_N1))
                .isTrue();
        assertThat(FieldSelector.parse(ObjectCase.POD, "metadata.name=web-1,metadata.namespace=prod")
                        .matches(RUNNING_ON_N1))
                .isTrue();
        assertThat(FieldSelector.parse(ObjectCase.POD, "metadata.name=web-1,metadata.namespace=dev")
                        .matches(RUNNING_ON_N1))
                .isFalse();
    }

    @Test
    void unscheduledPodHasEmptyNodeName() {
        TypedObject pending = pod("web-2", "prod", "", PodStatus.Phase.PHASE_PENDING);

        assertThat(FieldSelector.parse(ObjectCase.POD, "spec.nodeName=").matches(pending))
                .isTrue();
        assertThat(FieldSelector.parse(ObjectCase.POD, "status.phase=Pending").matches(pending))
                .isTrue();
    }

    @Test
    void matchesEventSecretAndNodeFields() {
        TypedObject event = TypedObject.newBuilder()
                .setEvent(Event.newBuilder()
                        .setMetadata(meta("web-1.abc", "prod"))
                        .setInvolvedObject(ObjectReference.newBuilder()
                                .setKind("Pod")
                                .setName("web-1")
                                .setNamespace("prod")
                                .setUid("u-1"))
                        .setReason("BackOff")
                        .setType(Event.Type.TYPE_WARNING))
                .build();
        TypedObject secret = TypedObject.newBuilder()
                .setSecret(Secret.newBuilder().setMetadata(meta("tls", "prod")).setType("kubernetes.io/tls"))
                .build();
        TypedObject cordoned = TypedObject.newBuilder()
                .setNode(Node.newBuilder()
                        .setMetadata(meta("n1", ""))
                        .setSpec(NodeSpec.newBuilder().setUnschedulable(true)))
                .build();

        assertThat(FieldSelector.parse(
                                ObjectCase.EVENT,
                                "involvedObject.kind=Pod,involvedObject.name=web-1,involvedObject.uid=u-1,"
                                        + "involvedObject.namespace=prod,reason=BackOff,type=Warning")
                        .matches(event))
                .isTrue();
        assertThat(FieldSelector.parse(ObjectCase.EVENT, "type=Normal").matches(event))
                .isFalse();
        assertThat(FieldSelector.parse(ObjectCase.SECRET, "type=kubernetes.io/tls")
                        .matches(secret))
                .isTrue();
        assertThat(FieldSelector.parse(ObjectCase.NODE, "spec.unschedulable=true")
                        .matches(cordoned))
                .isTrue();
        assertThat(FieldSelector.parse(ObjectCase.NODE, "spec.unschedulable!=true")
                        .matches(cordoned))
                .isFalse();
        assertThat(FieldSelector.parse(ObjectCase.NODE, "metadata.namespace=").matches(cordoned))
                .isTrue();
    }

    @Test
    void blankMatchesEveryObjectOfTheKind() {
        FieldSelector everything = FieldSelector.parse(ObjectCase.POD, " ");

        assertThat(everything.isEverything()).isTrue();
        assertThat(everything).isEqualTo(FieldSelector.everything(ObjectCase.POD));
        assertThat(everything.matches(RUNNING_ON_N1)).isTrue();
        assertThat(everything.toString()).isEmpty();
    }

    @Test
    void unsupportedFieldListsTheSupportedOnes() {
        assertThatThrownBy(() -> FieldSelector.parse(ObjectCase.POD, "spec.restartPolicy=Always"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fieldSelector: field \"spec.restartPolicy\" is not supported for Pod; supported: "
                        + "metadata.name, metadata.namespace, spec.nodeName, status.phase");
        assertThatThrownBy(() -> FieldSelector.parse(ObjectCase.CONFIG_MAP, "type=Opaque"))
                .hasMessage("fieldSelector: field \"type\" is not supported for ConfigMap; supported: "
                        + "metadata.name, metadata.namespace");
        assertThatThrownBy(() -> FieldSelector.parse(ObjectCase.SECRET, "reason=x"))
                .hasMessageStartingWith("fieldSelector: field \"reason\" is not supported for Secret");
    }

    @Test
    void syntaxErrorsSayWhatAndWhere() {
        assertThatThrownBy(() -> FieldSelector.parse(ObjectCase.POD, "metadata.name=a,spec.nodeName"))
                .hasMessage("fieldSelector: at position 16 of \"metadata.name=a,spec.nodeName\": "
                        + "\"spec.nodeName\" has no operator (use =, == or !=)");
        assertThatThrownBy(() -> FieldSelector.parse(ObjectCase.POD, "metadata.name=a,,spec.nodeName=b"))
                .hasMessageEndingWith("at position 16 of \"metadata.name=a,,spec.nodeName=b\": empty requirement");
        assertThatThrownBy(() -> FieldSelector.parse(ObjectCase.POD, "=a"))
                .hasMessageEndingWith("\"=a\" has no field name");
        assertThatThrownBy(() -> FieldSelector.parse(ObjectCase.POD, "metadata.name=a=b"))
                .hasMessageStartingWith("fieldSelector: at position 14")
                .hasMessageContaining("unescaped '='");
        assertThatThrownBy(() -> FieldSelector.parse(ObjectCase.POD, "metadata.name=a\\x"))
                .hasMessageContaining("invalid escape");
    }

    @Test
    void escapedCharactersBelongToTheValue() {
        TypedObject odd = TypedObject.newBuilder()
                .setConfigMap(ConfigMap.newBuilder().setMetadata(meta("a,b=c\\d", "prod")))
                .build();

        FieldSelector selector = FieldSelector.parse(ObjectCase.CONFIG_MAP, "metadata.name=a\\,b\\=c\\\\d");

        assertThat(selector.requirements())
                .containsExactly(new Requirement("metadata.name", Operator.EQUALS, "a,b=c\\d"));
        assertThat(selector.matches(odd)).isTrue();
        assertThat(FieldSelector.parse(ObjectCase.CONFIG_MAP, selector.toString()))
                .isEqualTo(selector);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "spec.nodeName=n1",
                "status.phase!=Failed, spec.nodeName == n1",
                "metadata.name=a\\,b,metadata.name!=c",
            })
    void toStringIsCanonicalAndParsesBack(String input) {
        FieldSelector selector = FieldSelector.parse(ObjectCase.POD, input);

        FieldSelector reparsed = FieldSelector.parse(ObjectCase.POD, selector.toString());

        assertThat(reparsed).isEqualTo(selector);
        assertThat(reparsed.toString()).isEqualTo(selector.toString());
    }

    @Test
    void canonicalFormSortsAndNormalises() {
        assertThat(FieldSelector.parse(ObjectCase.POD, "status.phase!=Failed, spec.nodeName==n1")
                        .toString())
                .isEqualTo("spec.nodeName=n1,status.phase!=Failed");
    }

    @Test
    void objectOfAnotherKindIsRejected() {
        FieldSelector forNodes = FieldSelector.parse(ObjectCase.NODE, "metadata.name=n1");

        assertThatThrownBy(() -> forNodes.matches(RUNNING_ON_N1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fieldSelector: selector for Node applied to a Pod");
    }

    @Test
    void kindIsPartOfEquality() {
        assertThat(FieldSelector.parse(ObjectCase.POD, "metadata.name=a"))
                .isNotEqualTo(FieldSelector.parse(ObjectCase.NODE, "metadata.name=a"));
    }

    private static TypedObject pod(String name, String namespace, String nodeName, PodStatus.Phase phase) {
        return TypedObject.newBuilder()
                .setPod(Pod.newBuilder()
                        .setMetadata(meta(name, namespace))
                        .setSpec(PodSpec.newBuilder().setNodeName(nodeName))
                        .setStatus(PodStatus.newBuilder().setPhase(phase)))
                .build();
    }

    private static ObjectMeta meta(String name, String namespace) {
        return ObjectMeta.newBuilder().setName(name).setNamespace(namespace).build();
    }
}
