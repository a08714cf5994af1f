package io.capstan.controllers.replicaset;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.ReplicaSet;
import org.junit.jupiter.api.Test;

class PodTemplatesTest {
    @Test
    void podCarriesTemplateAndIsControlledByTheReplicaSet() {
        ReplicaSet.Builder rs = ReplicaSet.newBuilder();
        rs.getMetadataBuilder()
                .setNamespace("shop")
                .setName("web-7d9f")
                .setUid("rs-uid")
                .putLabels("rs-only", "x");
        rs.getSpecBuilder()
                .getTemplateBuilder()
                .getMetadataBuilder()
                .putLabels("app", "web")
                .putAnnotations("note", "hi")
                .addFinalizers("example.com/keep");
        rs.getSpecBuilder()
                .getTemplateBuilder()
                .getSpecBuilder()
                .addContainers(Container.newBuilder().setName("c").setImage("nginx"));

        Pod pod = PodTemplates.newPod(rs.build());

        assertThat(pod.getMetadata().getName()).isEmpty();
        assertThat(pod.getMetadata().getGenerateName()).isEqualTo("web-7d9f-");
        assertThat(pod.getMetadata().getNamespace()).isEqualTo("shop");
        assertThat(pod.getMetadata().getLabelsMap()).containsExactlyEntriesOf(java.util.Map.of("app", "web"));
        assertThat(pod.getMetadata().getAnnotationsMap()).containsEntry("note", "hi");
        assertThat(pod.getMetadata().getFinalizersList()).containsExactly("example.com/keep");
        assertThat(pod.getMetadata().getOwnerReferencesList()).singleElement().satisfies(ref -> {
            assertThat(ref.getKind()).isEqualTo("ReplicaSet");
            assertThat(ref.getApiVersion()).isEqualTo("apps/v1");
            assertThat(ref.getName()).isEqualTo("web-7d9f");
            assertThat(ref.getUid()).isEqualTo("rs-uid");
            assertThat(ref.getController()).isTrue();
            assertThat(ref.getBlockOwnerDeletion()).isTrue();
        });
        assertThat(pod.getSpec()).isEqualTo(rs.getSpec().getTemplate().getSpec());
    }
}
