package io.capstan.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentStatus;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.LabelSelector;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.TypedObject;
import org.junit.jupiter.api.Test;

class ObjectContentTest {

    private static TypedObject deployment(Deployment deployment) {
        return Fixtures.typed(deployment);
    }

    @Test
    void aSpecChangeIsAContentChange() {
        Deployment old = Fixtures.deployment();
        Deployment scaled = old.toBuilder()
                .setSpec(old.getSpec().toBuilder().setReplicas(5))
                .build();

        assertThat(ObjectContent.contentChanged(deployment(old), deployment(scaled)))
                .isTrue();
    }

    @Test
    void metadataAndStatusChangesAreNot() {
        Deployment old = Fixtures.deployment();
        Deployment relabeled = old.toBuilder()
                .setMetadata(
                        old.getMetadata().toBuilder().putLabels("tier", "web").setResourceVersion("99"))
                .setStatus(DeploymentStatus.newBuilder().setReplicas(7))
                .build();

        assertThat(ObjectContent.contentChanged(deployment(old), deployment(relabeled)))
                .isFalse();
    }

    @Test
    void kindsWithoutSpecCompareTheirTopLevelFields() {
        ConfigMap old = Fixtures.configMap();
        TypedObject changedData =
                Fixtures.typed(old.toBuilder().putData("greeting", "bye").build());
        TypedObject changedLabels = Fixtures.typed(old.toBuilder()
                .setMetadata(old.getMetadata().toBuilder().putLabels("x", "y"))
                .build());
        Event event = Fixtures.event();

        assertThat(ObjectContent.contentChanged(Fixtures.typed(old), changedData))
                .isTrue();
        assertThat(ObjectContent.contentChanged(Fixtures.typed(old), changedLabels))
                .isFalse();
        assertThat(ObjectContent.contentChanged(
                        Fixtures.typed(event),
                        Fixtures.typed(event.toBuilder().setCount(2).build())))
                .isTrue();
        assertThat(ObjectContent.contentChanged(
                        Fixtures.typed(Fixtures.endpoints()),
                        Fixtures.typed(
                                Fixtures.endpoints().toBuilder().clearSubsets().build())))
                .isTrue();
    }

    @Test
    void mapsCompareAsMapsWhateverTheirOrder() {
        Deployment old = Fixtures.deployment();
        Deployment a = old.toBuilder()
                .setSpec(old.getSpec().toBuilder()
                        .setSelector(LabelSelector.newBuilder()
                                .putMatchLabels("a", "1")
                                .putMatchLabels("b", "2")))
                .build();
        Deployment b = old.toBuilder()
                .setSpec(old.getSpec().toBuilder()
                        .setSelector(LabelSelector.newBuilder()
                                .putMatchLabels("b", "2")
                                .putMatchLabels("a", "1")))
                .build();

        assertThat(ObjectContent.contentChanged(deployment(a), deployment(b))).isFalse();
    }

    @Test
    void anOptionalFieldSetToItsDefaultDiffersFromUnset() {
        Deployment old = Fixtures.deployment();
        Deployment unset = old.toBuilder()
                .setSpec(old.getSpec().toBuilder().clearReplicas())
                .build();
        Deployment one = old.toBuilder()
                .setSpec(old.getSpec().toBuilder().setReplicas(1))
                .build();

        assertThat(ObjectContent.contentChanged(deployment(unset), deployment(one)))
                .isTrue();
    }

    @Test
    void withStatusOfTakesTheStatusAndNothingElse() {
        Pod stored = Fixtures.pod();
        Pod reported = Fixtures.runningPod().toBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("ignored"))
                .build();

        Pod result = ObjectContent.withStatusOf(Fixtures.typed(stored), Fixtures.typed(reported))
                .getPod();

        assertThat(result.getStatus()).isEqualTo(reported.getStatus());
        assertThat(result.getMetadata()).isEqualTo(stored.getMetadata());
        assertThat(result.getSpec()).isEqualTo(stored.getSpec());
    }

    @Test
    void withStatusOfClearsTheStatusWhenTheSourceHasNone() {
        Pod running = Fixtures.runningPod();
        Pod noStatus = running.toBuilder().clearStatus().build();

        Pod result = ObjectContent.withStatusOf(Fixtures.typed(running), Fixtures.typed(noStatus))
                .getPod();

        assertThat(result.hasStatus()).isFalse();
    }

    @Test
    void withoutStatusClearsOnlyTheStatus() {
        Pod running = Fixtures.runningPod();

        Pod result = ObjectContent.withoutStatus(Fixtures.typed(running)).getPod();

        assertThat(result).isEqualTo(running.toBuilder().clearStatus().build());
    }

    @Test
    void withContentOfKeepsTheTargetsMetadataAndStatus() {
        Pod stored = Fixtures.runningPod();
        Pod submitted = Fixtures.pod().toBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("web-0").putLabels("new", "label"))
                .setSpec(Fixtures.pod().getSpec().toBuilder().setNodeName("node-9"))
                .setStatus(PodStatus.newBuilder().setPhase(PodStatus.Phase.PHASE_FAILED))
                .build();

        Pod result = ObjectContent.withContentOf(Fixtures.typed(stored), Fixtures.typed(submitted))
                .getPod();

        assertThat(result.getSpec()).isEqualTo(submitted.getSpec());
        assertThat(result.getMetadata()).isEqualTo(stored.getMetadata());
        assertThat(result.getStatus()).isEqualTo(stored.getStatus());
    }

    @Test
    void withContentOfWorksForKindsWithoutSpecOrStatus() {
        ConfigMap stored = Fixtures.configMap();
        ConfigMap submitted = ConfigMap.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("other"))
                .putData("only", "this")
                .setImmutable(true)
                .build();

        ConfigMap result = ObjectContent.withContentOf(Fixtures.typed(stored), Fixtures.typed(submitted))
                .getConfigMap();

        assertThat(result)
                .isEqualTo(
                        submitted.toBuilder().setMetadata(stored.getMetadata()).build());
    }

    @Test
    void kindsWithoutStatusAreLeftAloneByStatusHelpers() {
        TypedObject endpoints = Fixtures.typed(Fixtures.endpoints());

        assertThat(ObjectContent.hasStatus(endpoints)).isFalse();
        assertThat(ObjectContent.hasStatus(Fixtures.typed(Fixtures.service()))).isTrue();
        assertThat(ObjectContent.withoutStatus(endpoints)).isEqualTo(endpoints);
        assertThat(ObjectContent.withStatusOf(endpoints, Fixtures.typed(Endpoints.getDefaultInstance())))
                .isEqualTo(endpoints);
    }

    @Test
    void metadataIsReadFromAnyKind() {
        assertThat(ObjectContent.metadata(Fixtures.typed(Fixtures.lease())).getName())
                .isEqualTo("capstan-controller-manager");
    }

    @Test
    void differentKindsAreRejected() {
        assertThatThrownBy(() -> ObjectContent.contentChanged(
                        Fixtures.typed(Fixtures.pod()), Fixtures.typed(Fixtures.service())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kinds differ");
        assertThatThrownBy(() -> ObjectContent.withoutStatus(TypedObject.getDefaultInstance()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("object: no kind set");
    }
}
