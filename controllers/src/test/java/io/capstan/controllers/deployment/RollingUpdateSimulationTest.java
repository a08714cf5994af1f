package io.capstan.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.client.events.ProtoTimes;
import io.capstan.controllers.common.Replicas;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A 10-replica rollout simulated step by step with the real decision functions: the deployment
 * controller's step, ReplicaSet controllers that act on their spec and report status one sync late
 * (as Kubernetes' report the pods they listed before acting), and pods that turn ready at random
 * moments. After every single action the pods that exist must stay within the bounds.
 */
class RollingUpdateSimulationTest {
    private static final Logger log = LoggerFactory.getLogger(RollingUpdateSimulationTest.class);
    private static final int REPLICAS = 10;
    private static final int MAX_ACTIONS = 50_000;

    /** A pod in the simulated cluster. */
    private static final class SimPod {
        final String owner;
        final long id;
        boolean ready;

        SimPod(String owner, long id, boolean ready) {
            this.owner = owner;
            this.id = id;
            this.ready = ready;
        }
    }

    private final Map<String, ReplicaSet> replicaSets = new LinkedHashMap<>();
    private final List<SimPod> pods = new ArrayList<>();
    private long nextPodId;
    private int clockSeconds;

    @ParameterizedTest(name = "maxSurge={0} maxUnavailable={1}")
    @CsvSource({"25%,25%", "3,2", "0,1", "1,0", "100%,0", "0,100%", "10%,10%", "5,5"})
    void rolloutStaysWithinBoundsAtEveryStep(String maxSurge, String maxUnavailable) {
        long seed = Long.getLong("sim.seed", System.nanoTime());
        log.info("seed {} (rerun with -Dsim.seed={})", seed, seed);
        Random random = new Random(seed);
        Deployment v1 = TestDeployment.named("web")
                .replicas(REPLICAS)
                .surge(maxSurge)
                .unavailable(maxUnavailable)
                .image("web:1")
                .build();
        Fenceposts bounds = Fenceposts.of(v1);

        // Steady state on v1: one ReplicaSet of 10 available pods.
        deploymentSync(v1);
        runUntil(v1, random, seed, null);
        assertThat(readyPods()).isEqualTo(REPLICAS);

        Deployment v2 = v1.toBuilder()
                .setSpec(v1.getSpec().toBuilder().setTemplate(TestRs.template("web:2")))
                .build();
        int actions = runUntil(v2, random, seed, bounds);
        log.info("rollout done in {} actions", actions);

        ReplicaSet newRs =
                TemplateMatch.findNew(v2, List.copyOf(replicaSets.values())).orElseThrow();
        assertThat(pods).allMatch(p -> p.owner.equals(newRs.getMetadata().getName()) && p.ready);
        assertThat(pods).hasSize(REPLICAS);
        assertThat(replicaSets.values()).filteredOn(rs -> rs != newRs).allMatch(rs -> Replicas.of(rs) == 0);
    }

    /**
     * Runs random actions until the deployment's template is fully rolled out, checking bounds
     * after each when given; returns the number of actions.
     */
    private int runUntil(Deployment deployment, Random random, long seed, Fenceposts bounds) {
        for (int action = 1; action <= MAX_ACTIONS; action++) {
            clockSeconds++;
            int dice = random.nextInt(10);
            if (dice < 3) {
                deploymentSync(deployment);
            } else if (dice < 7) {
                List<String> names = new ArrayList<>(replicaSets.keySet());
                if (!names.isEmpty()) {
                    replicaSetSync(names.get(random.nextInt(names.size())));
                }
            } else {
                List<SimPod> notReady = pods.stream().filter(p -> !p.ready).toList();
                if (!notReady.isEmpty()) {
                    notReady.get(random.nextInt(notReady.size())).ready = true;
                }
            }
            if (bounds != null) {
                assertThat(pods.size())
                        .as("pods after action %d, seed %d", action, seed)
                        .isLessThanOrEqualTo(REPLICAS + bounds.maxSurge());
                assertThat(readyPods())
                        .as("available pods after action %d, seed %d", action, seed)
                        .isGreaterThanOrEqualTo(REPLICAS - bounds.maxUnavailable());
            }
            if (done(deployment)) {
                return action;
            }
        }
        throw new AssertionError("rollout did not finish in " + MAX_ACTIONS + " actions, seed " + seed);
    }

    private boolean done(Deployment deployment) {
        Optional<ReplicaSet> newRs = TemplateMatch.findNew(deployment, List.copyOf(replicaSets.values()));
        return newRs.isPresent()
                && newRs.get().getStatus().getAvailableReplicas() == REPLICAS
                && pods.size() == REPLICAS
                && pods.stream()
                        .allMatch(p -> p.ready
                                && p.owner.equals(newRs.get().getMetadata().getName()));
    }

    private long readyPods() {
        return pods.stream().filter(p -> p.ready).count();
    }

    /** The deployment controller: create the new ReplicaSet if missing, then one rolling step. */
    private void deploymentSync(Deployment deployment) {
        List<ReplicaSet> owned = List.copyOf(replicaSets.values());
        Optional<ReplicaSet> found = TemplateMatch.findNew(deployment, owned);
        List<ReplicaSet> old = TemplateMatch.old(owned, found.orElse(null));
        if (found.isEmpty()) {
            ReplicaSet created = NewReplicaSets.build(deployment, old);
            ReplicaSet.Builder stamped = created.toBuilder();
            stamped.getMetadataBuilder()
                    .setUid("uid-" + created.getMetadata().getName())
                    .setCreationTimestamp(ProtoTimes.toTimestamp(TestRs.T0.plusSeconds(clockSeconds)));
            replicaSets.put(created.getMetadata().getName(), stamped.build());
            return;
        }
        for (ScaleChange change : RollingUpdate.step(deployment, found.get(), old)) {
            replicaSets.put(change.name(), RollingUpdate.withReplicas(change.replicaSet(), change.replicas()));
        }
    }

    /**
     * A ReplicaSet controller sync: reports the pods it listed, then creates (not ready) or deletes
     * (not ready first, then newest) to match its spec.
     */
    private void replicaSetSync(String name) {
        ReplicaSet rs = replicaSets.get(name);
        List<SimPod> owned = pods.stream().filter(p -> p.owner.equals(name)).toList();
        int ready = (int) owned.stream().filter(p -> p.ready).count();
        ReplicaSet.Builder reported = rs.toBuilder();
        reported.getStatusBuilder()
                .setReplicas(owned.size())
                .setReadyReplicas(ready)
                .setAvailableReplicas(ready);
        replicaSets.put(name, reported.build());
        int diff = Replicas.of(rs) - owned.size();
        for (int i = 0; i < diff; i++) {
            pods.add(new SimPod(name, nextPodId++, false));
        }
        if (diff < 0) {
            List<SimPod> ranked = new ArrayList<>(owned);
            ranked.sort(Comparator.comparing((SimPod p) -> p.ready)
                    .thenComparing(Comparator.comparingLong((SimPod p) -> p.id).reversed()));
            pods.removeAll(ranked.subList(0, -diff));
        }
    }
}
