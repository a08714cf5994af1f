package io.capstan.client.leaderelection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.apiserver.service.ControlPlane;
import io.capstan.client.ClientConfig;
import io.capstan.client.ObjectClient;
import io.capstan.proto.api.v1.Lease;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two candidates on one Lease, with short durations: 2 s lease, 1.5 s renew deadline, 0.3 s retry. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LeaderElectorIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NAMESPACE = "kube-system";
    private static final String LEASE = "controller-manager";

    private ControlPlane plane;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        if (plane != null) {
            plane.close();
        }
    }

    @Test
    void exactlyOneOfTwoCandidatesLeads(@TempDir Path root) throws Exception {
        plane = ControlPlane.start(1, root);
        Candidate a = candidate("a", client(0), false);
        Candidate b = candidate("b", client(0), false);
        a.elector.start();
        b.elector.start();

        await().atMost(WAIT).until(() -> a.elector.isLeader() || b.elector.isLeader());
        Candidate leader = a.elector.isLeader() ? a : b;
        Candidate other = leader == a ? b : a;
        // the other has read the lease and seen the leader: from then on it only waits
        await().atMost(WAIT).until(() -> other.events.contains("new-leader " + leader.identity));

        assertThat(leader.events).contains("started");
        assertThat(other.events).doesNotContain("started");
        assertThat(other.elector.isLeader()).isFalse();
        assertThat(other.elector.leader()).contains(leader.identity);
        Lease lease = client(0).leases().get(NAMESPACE, LEASE);
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(leader.identity);
        assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(2);
        assertThat(lease.getSpec().getLeaseTransitions()).isZero();
    }

    @Test
    void anotherTakesOverOnceTheStoppedLeadersLeaseExpires(@TempDir Path root) throws Exception {
        plane = ControlPlane.start(1, root);
        Candidate a = candidate("a", client(0), false);
        a.elector.start();
        await().atMost(WAIT).until(a.elector::isLeader);
        Candidate b = candidate("b", client(0), false);
        b.elector.start();
        await().atMost(WAIT).until(() -> b.events.contains("new-leader a"));

        long stoppedAt = System.nanoTime();
        a.elector.close(); // its renewals stop; the lease still names it
        assertThat(a.events).containsExactly("new-leader a", "started", "stopped");

        await().atMost(WAIT).until(b.elector::isLeader);
        long waited = System.nanoTime() - stoppedAt;
        // b may act only once the record it last saw change is a lease duration old
        assertThat(Duration.ofNanos(waited)).isGreaterThan(Duration.ofSeconds(1));
        Lease lease = client(0).leases().get(NAMESPACE, LEASE);
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("b");
        assertThat(lease.getSpec().getLeaseTransitions()).isEqualTo(1);
    }

    @Test
    void releasingOnStopLetsAnotherTakeOver(@TempDir Path root) throws Exception {
        plane = ControlPlane.start(1, root);
        Candidate a = candidate("a", client(0), true);
        a.elector.start();
        await().atMost(WAIT).until(a.elector::isLeader);
        Candidate b = candidate("b", client(0), false);
        b.elector.start();
        await().atMost(WAIT).until(() -> b.events.contains("new-leader a"));

        a.elector.close();
        assertThat(client(0).leases().get(NAMESPACE, LEASE).getSpec().getHolderIdentity())
                .isEmpty();

        await().atMost(WAIT).until(b.elector::isLeader);
        assertThat(client(0).leases().get(NAMESPACE, LEASE).getSpec().getLeaseTransitions())
                .isEqualTo(1);
    }

    /**
     * The leader reaches the API through one server only, which dies: its renewals fail, it stops
     * leading once the renew deadline passes, and only later does the other candidate, which
     * reaches the surviving servers, take over.
     */
    @Test
    void leaderStopsAtOnceWhenItCannotRenewAndTheOtherTakesOver(@TempDir Path root) throws Exception {
        plane = ControlPlane.start(3, root);
        int leaderNode = plane.store().awaitLeader();
        int cut = (leaderNode + 1) % 3;
        int other = (leaderNode + 2) % 3;
        Candidate a = candidate("a", client(cut), false);
        a.elector.start();
        await().atMost(WAIT).until(a.elector::isLeader);
        Candidate b = candidate("b", client(other, leaderNode), false);
        b.elector.start();
        await().atMost(WAIT).until(() -> b.events.contains("new-leader a"));

        plane.kill(cut);

        await().atMost(WAIT).until(() -> a.events.contains("stopped"));
        assertThat(a.elector.isLeader()).isFalse();
        await().atMost(WAIT).until(b.elector::isLeader);
        assertThat(a.stoppedAt).isNotEmpty();
        assertThat(b.startedAt).isNotEmpty();
        assertThat(a.stoppedAt.get(0)).isLessThan(b.startedAt.get(0));
    }

    private ObjectClient client(int... nodes) {
        List<String> endpoints = new ArrayList<>();
        for (int node : nodes) {
            endpoints.add(plane.apiAddress(node));
        }
        ObjectClient client = ObjectClient.connect(ClientConfig.of(endpoints, ControlPlane.TOKEN)
                .withRetries(2, Duration.ofMillis(20), Duration.ofMillis(100)));
        closeables.add(client);
        return client;
    }

    private Candidate candidate(String identity, ObjectClient client, boolean releaseOnStop) {
        Candidate candidate = new Candidate(identity);
        LeaderElectionConfig config = LeaderElectionConfig.of(NAMESPACE, LEASE, identity)
                .withDurations(Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(300))
                .withReleaseOnStop(releaseOnStop);
        candidate.elector = LeaderElector.create(client, config, candidate);
        closeables.add(candidate.elector);
        return candidate;
    }

    /** One candidate and what its callbacks saw, with the System.nanoTime of each start and stop. */
    private static final class Candidate implements LeaderCallbacks {
        final String identity;
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<Long> startedAt = new CopyOnWriteArrayList<>();
        final List<Long> stoppedAt = new CopyOnWriteArrayList<>();
        LeaderElector elector;

        Candidate(String identity) {
            this.identity = identity;
        }

        @Override
        public void onStartedLeading() {
            startedAt.add(System.nanoTime());
            events.add("started");
        }

        @Override
        public void onStoppedLeading() {
            stoppedAt.add(System.nanoTime());
            events.add("stopped");
        }

        @Override
        public void onNewLeader(String leader) {
            events.add("new-leader " + leader);
        }
    }
}
