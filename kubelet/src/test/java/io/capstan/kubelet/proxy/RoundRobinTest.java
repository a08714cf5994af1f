package io.capstan.kubelet.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoundRobinTest {
    private static final InetSocketAddress A = endpoint(31001);
    private static final InetSocketAddress B = endpoint(31002);
    private static final InetSocketAddress C = endpoint(31003);

    @Test
    void handsOutEndpointsInTurn() {
        RoundRobin balancer = new RoundRobin();
        balancer.update(List.of(A, B, C));

        assertThat(picks(balancer, 7)).containsExactly(A, B, C, A, B, C, A);
    }

    @Test
    void hasNothingToHandOutWithoutEndpoints() {
        RoundRobin balancer = new RoundRobin();

        assertThat(balancer.isEmpty()).isTrue();
        assertThat(balancer.next(Set.of())).isEmpty();
    }

    @Test
    void skipsTriedEndpointsAndEndsWhenAllWereTried() {
        RoundRobin balancer = new RoundRobin();
        balancer.update(List.of(A, B, C));

        assertThat(balancer.next(Set.of(A))).contains(B);
        assertThat(balancer.next(Set.of(A, B))).contains(C);
        assertThat(balancer.next(Set.of(A, B, C))).isEmpty();
    }

    @Test
    void anUpdateKeepsTheTurnGoingOverTheNewEndpoints() {
        RoundRobin balancer = new RoundRobin();
        balancer.update(List.of(A, B, C));
        assertThat(picks(balancer, 2)).containsExactly(A, B);

        balancer.update(List.of(A, C));

        // the turn is at 2, which is A in the new list of two
        assertThat(picks(balancer, 4)).containsExactly(A, C, A, C);
        assertThat(balancer.endpoints()).containsExactly(A, C);
    }

    @Test
    void aRemovedEndpointIsNeverHandedOutAgain() {
        RoundRobin balancer = new RoundRobin();
        balancer.update(List.of(A, B, C));
        picks(balancer, 1);

        balancer.update(List.of(A, C));

        assertThat(picks(balancer, 10)).doesNotContain(B).contains(A, C);
    }

    private static List<InetSocketAddress> picks(RoundRobin balancer, int count) {
        List<InetSocketAddress> picks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            picks.add(balancer.next(Set.of()).orElseThrow());
        }
        return picks;
    }

    static InetSocketAddress endpoint(int port) {
        return new InetSocketAddress(ServiceEndpoints.ip("127.0.0.1").orElseThrow(), port);
    }
}
