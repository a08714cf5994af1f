package io.capstan.controllers.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.api.selector.LabelSelector;
import io.capstan.apiserver.service.ControlPlane;
import io.capstan.client.ClientConfig;
import io.capstan.client.ObjectClient;
import io.capstan.client.leaderelection.LeaderElectionConfig;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.ReplicaSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two controller-managers on one control plane: exactly one runs the controllers; when the leader
 * dies without releasing its Lease, the other takes over once the lease expires, and the
 * workloads carry on with nothing duplicated.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ControllerManagerIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void theOtherInstanceTakesOverWhenTheLeaderDiesAndNothingIsDuplicated(@TempDir Path root) throws Exception {
        try (ControlPlane plane = ControlPlane.start(3, root)) {
            ClientConfig config = ClientConfig.of(
                    List.of(plane.apiAddress(0), plane.apiAddress(1), plane.apiAddress(2)), ControlPlane.TOKEN);
            ObjectClient user = ObjectClient.connect(config);
            ControllerManager a = manager(config, "cm-a");
            ControllerManager b = manager(config, "cm-b");
            try {
                await().atMost(DEADLINE).until(() -> a.isLeading() || b.isLeading());
                assertThat(a.isLeading() && b.isLeading()).isFalse();
                ControllerManager leader = a.isLeading() ? a : b;
                ControllerManager standby = leader == a ? b : a;

                user.replicaSets().create(replicaSet("default", "web", 5));
                await().atMost(DEADLINE).until(() -> activePods(user, "web").size() == 5);
                Set<String> before = names(activePods(user, "web"));

                // The leader dies: its controllers stop and its Lease is left to expire. (On a
                // starved machine the two may have traded the Lease before; count from here.)
                int standbyStarts = standby.startedCount();
                leader.close();
                await().atMost(DEADLINE).until(standby::isLeading);
                assertThat(standby.startedCount()).isEqualTo(standbyStarts + 1);

                // The new leader's fresh caches adopt what exists: no pod is created twice.
                ReplicaSet rs = user.replicaSets().get("default", "web");
                ReplicaSet.Builder scaled = rs.toBuilder();
                scaled.getSpecBuilder().setReplicas(8);
                user.replicaSets().update(scaled.build());
                await().atMost(DEADLINE).until(() -> activePods(user, "web").size() == 8);
                assertThat(names(activePods(user, "web"))).containsAll(before);
                await().atMost(DEADLINE)
                        .until(() -> user.replicaSets()
                                        .get("default", "web")
                                        .getStatus()
                                        .getReplicas()
                                == 8);
                assertThat(activePods(user, "web")).hasSize(8);
            } finally {
                a.close();
                b.close();
            }
        }
    }

    private static ControllerManager manager(ClientConfig config, String identity) {
        LeaderElectionConfig election = LeaderElectionConfig.of(
                        ControllerManagerMain.LEASE_NAMESPACE, ControllerManagerMain.LEASE_NAME, identity)
                .withDurations(Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(300))
                .withReleaseOnStop(false);
        ControllerManagerConfig settings = ControllerManagerConfig.defaults(identity);
        return new ControllerManager(
                        ObjectClient.connect(config),
                        Optional.of(election),
                        c -> List.of(new StandardControllers(c, settings)))
                .start();
    }

    private static List<Pod> activePods(ObjectClient client, String app) {
        return client.pods().list("default", LabelSelector.parse("app=" + app)).stream()
                .filter(p -> !p.getMetadata().hasDeletionTimestamp())
                .toList();
    }

    private static Set<String> names(List<Pod> pods) {
        return pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
    }

    private static ReplicaSet replicaSet(String ns, String name, int replicas) {
        ReplicaSet.Builder rs = ReplicaSet.newBuilder();
        rs.getMetadataBuilder().setNamespace(ns).setName(name);
        rs.getSpecBuilder().setReplicas(replicas).getSelectorBuilder().putMatchLabels("app", name);
        rs.getSpecBuilder().getTemplateBuilder().getMetadataBuilder().putLabels("app", name);
        rs.getSpecBuilder()
                .getTemplateBuilder()
                .getSpecBuilder()
                .addContainers(Container.newBuilder().setName("c").setImage("web:1"));
        return rs.build();
    }
}
