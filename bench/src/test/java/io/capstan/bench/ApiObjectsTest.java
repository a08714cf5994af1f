package io.capstan.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.Pod;
import org.junit.jupiter.api.Test;

class ApiObjectsTest {
    @Test
    void aStampedConfigMapCarriesItsStampAndKeepsItsData() {
        ConfigMap base = ApiObjects.configMap("ns", "cm-000001");

        ConfigMap stamped = ApiObjects.stamped(base, 123_456_789_012L);

        assertThat(ApiObjects.stampOf(stamped)).isEqualTo(123_456_789_012L);
        assertThat(stamped.getDataMap()).containsAllEntriesOf(base.getDataMap());
        assertThat(ApiObjects.stampOf(base)).isEqualTo(-1);
        assertThat(ApiObjects.stampOf(
                        base.toBuilder().putData(ApiObjects.STAMP_KEY, "x").build()))
                .isEqualTo(-1);
    }

    @Test
    void aPodHasLabelsOneContainerAPortAndResources() {
        Pod pod = ApiObjects.pod("bench-list-abc123", ApiObjects.name("pod-", 42), 42);

        assertThat(pod.getMetadata().getName()).isEqualTo("pod-000042");
        assertThat(pod.getMetadata().getLabelsMap())
                .containsEntry("app", "web-2")
                .hasSize(3);
        assertThat(pod.getSpec().getContainersList()).hasSize(1);
        Container container = pod.getSpec().getContainers(0);
        assertThat(container.getPortsList()).hasSize(1);
        assertThat(container.getResources().getRequestsMap()).containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimitsMap()).containsKeys("cpu", "memory");
        assertThat(pod.getSerializedSize()).isBetween(150, 400);
    }

    @Test
    void runNamespacesAreDnsLabels() {
        String name = ApiObjects.runNamespace("bench-watch-");

        assertThat(name).matches("bench-watch-[a-z0-9]{6}");
    }
}
