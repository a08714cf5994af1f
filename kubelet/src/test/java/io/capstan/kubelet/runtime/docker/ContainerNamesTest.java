package io.capstan.kubelet.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.kubelet.runtime.ContainerLabels;
import org.junit.jupiter.api.Test;

class ContainerNamesTest {
    @Test
    void namesNamespacePodContainerAttemptAndTheUidPrefix() {
        ContainerLabels labels = new ContainerLabels(
                "node-1", "3f1c2a9b-77aa-4c1e-9d7b-0123456789ab", "default", "web-7d9f", "nginx", 2);

        assertThat(ContainerNames.of(labels)).isEqualTo("capstan_default_web-7d9f_nginx_2_3f1c2a9b");
    }

    @Test
    void replacesWhatDockerNamesCannotHoldAndKeepsUnderscoresAsSeparators() {
        ContainerLabels labels = new ContainerLabels("n", "ab", "team_a", "pod/1", "", 0);

        assertThat(ContainerNames.of(labels)).isEqualTo("capstan_team-a_pod-1_-_0_ab");
    }
}
