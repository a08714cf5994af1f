package io.capstan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.manifest.Manifests;
import io.capstan.proto.api.v1.Deployment;
import org.junit.jupiter.api.Test;

/** kubectl's rollout status lines, from a deployment's status. */
class RolloutStatusTest {

    private static Deployment deployment(long generation, String status) {
        return Manifests.readYaml("""
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata: {name: web, namespace: d, generation: %d}
                        spec: {replicas: 3, selector: {matchLabels: {app: web}}}
                        status: %s
                        """.formatted(generation, status)).get(0).getDeployment();
    }

    @Test
    void waitsUntilTheControllerHasSeenTheSpec() {
        assertThat(RolloutStatus.of(deployment(2, "{observedGeneration: 1}")))
                .isEqualTo(new RolloutStatus("Waiting for deployment spec update to be observed...", false, false));
    }

    @Test
    void countsUpdatedThenOldThenAvailableReplicas() {
        assertThat(RolloutStatus.of(deployment(1, "{observedGeneration: 1, replicas: 4, updatedReplicas: 1}"))
                        .message())
                .isEqualTo("Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been"
                        + " updated...");
        assertThat(RolloutStatus.of(deployment(1, "{observedGeneration: 1, replicas: 4, updatedReplicas: 3}"))
                        .message())
                .isEqualTo("Waiting for deployment \"web\" rollout to finish: 1 old replicas are pending"
                        + " termination...");
        assertThat(RolloutStatus.of(deployment(
                                1, "{observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 1}"))
                        .message())
                .isEqualTo("Waiting for deployment \"web\" rollout to finish: 1 of 3 updated replicas are"
                        + " available...");
    }

    @Test
    void isDoneWhenEveryReplicaIsUpdatedAndAvailable() {
        assertThat(RolloutStatus.of(deployment(
                        1, "{observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3}")))
                .isEqualTo(new RolloutStatus("deployment \"web\" successfully rolled out", true, false));
    }

    @Test
    void failsOnceTheProgressDeadlineIsExceeded() {
        RolloutStatus status = RolloutStatus.of(deployment(1, """
                {observedGeneration: 1, replicas: 3, updatedReplicas: 1, conditions: [
                  {type: Progressing, status: "False", reason: ProgressDeadlineExceeded}]}"""));

        assertThat(status)
                .isEqualTo(new RolloutStatus("deployment \"web\" exceeded its progress deadline", false, true));
    }
}
