package io.capstan.controllers.replicaset;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PodRankingTest {
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    private static final Instant LONG_AGO = NOW.minus(Duration.ofHours(2));

    private static List<String> deletionOrder(List<Pod> pods, List<Pod> related) {
        return PodRanking.podsToDelete(pods, related, pods.size() - 1, NOW).stream()
                .map(p -> p.getMetadata().getName())
                .toList();
    }

    private static List<String> sorted(List<Pod> pods) {
        List<Pod> copy = new ArrayList<>(pods);
        Collections.reverse(copy);
        copy.sort(PodRanking.order(pods, NOW));
        return copy.stream().map(p -> p.getMetadata().getName()).toList();
    }

    @Test
    void unscheduledGoFirst() {
        Pod scheduled = TestPod.named("scheduled")
                .createdAt(NOW.minusSeconds(1))
                .on("n1")
                .build();
        Pod unscheduled = TestPod.named("unscheduled").createdAt(LONG_AGO).build();
        assertThat(sorted(List.of(scheduled, unscheduled))).containsExactly("unscheduled", "scheduled");
    }

    @Test
    void pendingThenUnknownThenRunning() {
        Pod running = TestPod.named("running")
                .on("n1")
                .running()
                .createdAt(NOW.minusSeconds(1))
                .build();
        Pod unknown = TestPod.named("unknown")
                .on("n1")
                .phase(PodStatus.Phase.PHASE_UNKNOWN)
                .createdAt(LONG_AGO)
                .build();
        Pod pending = TestPod.named("pending").on("n1").createdAt(LONG_AGO).build();
        assertThat(sorted(List.of(running, unknown, pending))).containsExactly("pending", "unknown", "running");
    }

    @Test
    void notReadyBeforeReady() {
        Pod ready = TestPod.named("ready")
                .on("n1")
                .readySince(LONG_AGO)
                .createdAt(NOW.minusSeconds(1))
                .build();
        Pod notReady = TestPod.named("not-ready")
                .on("n1")
                .running()
                .createdAt(LONG_AGO)
                .build();
        assertThat(sorted(List.of(ready, notReady))).containsExactly("not-ready", "ready");
    }

    @Test
    void lowerDeletionCostFirstAndInvalidCostIsZero() {
        Pod cheap = TestPod.named("cheap")
                .on("n1")
                .readySince(LONG_AGO)
                .annotation(PodRanking.DELETION_COST, "-5")
                .build();
        Pod dear = TestPod.named("dear")
                .on("n1")
                .readySince(LONG_AGO)
                .annotation(PodRanking.DELETION_COST, "100")
                .build();
        Pod garbled = TestPod.named("garbled")
                .on("n1")
                .readySince(LONG_AGO)
                .annotation(PodRanking.DELETION_COST, "lots")
                .build();
        assertThat(sorted(List.of(dear, garbled, cheap))).containsExactly("cheap", "garbled", "dear");
        assertThat(PodRanking.deletionCost(garbled)).isZero();
    }

    @Test
    void podsOnCrowdedNodesFirst() {
        Pod lonely = TestPod.named("lonely").on("n1").readySince(LONG_AGO).build();
        Pod crowded = TestPod.named("crowded").on("n2").readySince(LONG_AGO).build();
        Pod sibling = TestPod.named("sibling").on("n2").readySince(LONG_AGO).build();
        Pod deletedSibling = TestPod.named("gone")
                .on("n1")
                .readySince(LONG_AGO)
                .deletedAt(NOW)
                .build();
        Pod otherRsOnN1 = TestPod.named("other").on("n1").readySince(LONG_AGO).build();
        // n2 has 2 active related pods, n1 has 2 as well once "other" (a sibling ReplicaSet's) counts
        List<Pod> candidates = List.of(lonely, crowded);
        assertThat(PodRanking.podsToDelete(candidates, List.of(lonely, crowded, sibling, deletedSibling), 1, NOW))
                .extracting(p -> p.getMetadata().getName())
                .containsExactly("crowded");
        Pod third = TestPod.named("third").on("n1").readySince(LONG_AGO).build();
        assertThat(PodRanking.podsToDelete(candidates, List.of(lonely, crowded, sibling, otherRsOnN1, third), 1, NOW))
                .extracting(p -> p.getMetadata().getName())
                .containsExactly("lonely");
    }

    @Test
    void readyMoreRecentlyFirstByPowerOfTwoBuckets() {
        Pod justReady = TestPod.named("just")
                .on("n1")
                .readySince(NOW.minusSeconds(3))
                .createdAt(LONG_AGO)
                .build();
        Pod readyAMinute = TestPod.named("minute")
                .on("n1")
                .readySince(NOW.minusSeconds(60))
                .createdAt(LONG_AGO)
                .build();
        Pod readyAnHour = TestPod.named("hour")
                .on("n1")
                .readySince(NOW.minusSeconds(3600))
                .createdAt(LONG_AGO)
                .build();
        assertThat(sorted(List.of(readyAnHour, justReady, readyAMinute))).containsExactly("just", "minute", "hour");
    }

    @Test
    void moreRestartsFirst() {
        Pod steady = TestPod.named("steady")
                .on("n1")
                .readySince(LONG_AGO)
                .restarts(0)
                .build();
        Pod flaky =
                TestPod.named("flaky").on("n1").readySince(LONG_AGO).restarts(4).build();
        assertThat(sorted(List.of(steady, flaky))).containsExactly("flaky", "steady");
    }

    @Test
    void newestCreatedFirstAndUnknownCreationFirstOfAll() {
        Pod oldest =
                TestPod.named("oldest").createdAt(NOW.minus(Duration.ofDays(1))).build();
        Pod older = TestPod.named("older").createdAt(NOW.minusSeconds(100)).build();
        Pod newest = TestPod.named("newest").createdAt(NOW.minusSeconds(2)).build();
        Pod unknown = TestPod.named("unknown").build();
        assertThat(sorted(List.of(oldest, newest, unknown, older)))
                .containsExactly("unknown", "newest", "older", "oldest");
    }

    @Test
    void podsAlikeWithinABucketGoByUid() {
        // 70 s and 100 s ago both fall in the 2^36 ns bucket
        Pod a = TestPod.named("a").uid("b-uid").createdAt(NOW.minusSeconds(70)).build();
        Pod b = TestPod.named("b").uid("a-uid").createdAt(NOW.minusSeconds(100)).build();
        assertThat(PodRanking.ageBucket(Optional.of(NOW.minusSeconds(70)), NOW))
                .isEqualTo(PodRanking.ageBucket(Optional.of(NOW.minusSeconds(100)), NOW));
        assertThat(sorted(List.of(a, b))).containsExactly("b", "a");
    }

    @Test
    void scaleDownRemovesUnscheduledThenNotReadyThenNewest() {
        List<Pod> pods = List.of(
                TestPod.named("old-ready")
                        .on("n1")
                        .readySince(LONG_AGO)
                        .createdAt(LONG_AGO)
                        .build(),
                TestPod.named("new-ready")
                        .on("n1")
                        .readySince(NOW.minusSeconds(5))
                        .createdAt(NOW.minusSeconds(8))
                        .build(),
                TestPod.named("not-ready")
                        .on("n1")
                        .running()
                        .createdAt(LONG_AGO)
                        .build(),
                TestPod.named("unscheduled").createdAt(LONG_AGO).build());
        assertThat(deletionOrder(pods, pods)).containsExactly("unscheduled", "not-ready", "new-ready");
        assertThat(PodRanking.podsToDelete(pods, pods, 10, NOW)).hasSize(4);
        assertThat(PodRanking.podsToDelete(pods, pods, 0, NOW)).isEmpty();
    }

    @Test
    void orderIsATotalOrderOverRandomPods() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<Pod> pods = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            TestPod pod = TestPod.named("p" + i).uid("u" + random.nextInt(1000));
            if (random.nextBoolean()) {
                pod.on("n" + random.nextInt(3));
            }
            switch (random.nextInt(3)) {
                case 0 -> pod.running();
                case 1 -> pod.readySince(NOW.minusSeconds(random.nextInt(500)));
                default -> pod.phase(PodStatus.Phase.PHASE_UNKNOWN);
            }
            if (random.nextInt(4) > 0) {
                pod.createdAt(NOW.minusSeconds(random.nextInt(1000)));
            }
            pod.restarts(random.nextInt(2));
            if (random.nextInt(5) == 0) {
                pod.annotation(PodRanking.DELETION_COST, Integer.toString(random.nextInt(3)));
            }
            pods.add(pod.build());
        }
        Comparator<Pod> order = PodRanking.order(pods, NOW);
        for (int i = 0; i < 2000; i++) {
            Pod a = pods.get(random.nextInt(pods.size()));
            Pod b = pods.get(random.nextInt(pods.size()));
            Pod c = pods.get(random.nextInt(pods.size()));
            assertThat(Integer.signum(order.compare(a, b)))
                    .as("antisymmetric, seed %d", seed)
                    .isEqualTo(-Integer.signum(order.compare(b, a)));
            if (order.compare(a, b) <= 0 && order.compare(b, c) <= 0) {
                assertThat(order.compare(a, c)).as("transitive, seed %d", seed).isLessThanOrEqualTo(0);
            }
        }
    }
}
