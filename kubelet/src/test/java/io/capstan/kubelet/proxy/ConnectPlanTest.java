package io.capstan.kubelet.proxy;

import static io.capstan.kubelet.proxy.RoundRobinTest.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConnectPlanTest {
    private static final InetSocketAddress A = endpoint(31001);
    private static final InetSocketAddress B = endpoint(31002);
    private static final InetSocketAddress C = endpoint(31003);

    @Test
    void afterARefusedConnectTriesTheNextEndpointInTurn() {
        RoundRobin balancer = balancer(A, B, C);
        ConnectPlan plan = new ConnectPlan(balancer, 3);

        assertThat(plan.next()).contains(A);
        // A refused: the retry takes the next turn
        assertThat(plan.next()).contains(B);
        assertThat(plan.attempts()).isEqualTo(2);
        // the next client connection carries on after B
        assertThat(new ConnectPlan(balancer, 3).next()).contains(C);
    }

    @Test
    void neverTriesAnEndpointTwice() {
        ConnectPlan plan = new ConnectPlan(balancer(A, B), 5);

        assertThat(List.of(plan.next(), plan.next(), plan.next()))
                .containsExactly(Optional.of(A), Optional.of(B), Optional.empty());
    }

    @Test
    void stopsAfterMaxAttempts() {
        ConnectPlan plan = new ConnectPlan(balancer(A, B, C), 2);

        assertThat(plan.next()).contains(A);
        assertThat(plan.next()).contains(B);
        assertThat(plan.next()).isEmpty();
    }

    @Test
    void skipsEndpointsTriedByThisConnectionWhenOthersInterleave() {
        RoundRobin balancer = balancer(A, B, C);
        ConnectPlan first = new ConnectPlan(balancer, 3);
        assertThat(first.next()).contains(A);
        // two other connections take B and C meanwhile; the retry wraps to A, tried, so takes B
        assertThat(new ConnectPlan(balancer, 3).next()).contains(B);
        assertThat(new ConnectPlan(balancer, 3).next()).contains(C);

        assertThat(first.next()).contains(B);
    }

    @Test
    void hasNothingWithoutEndpoints() {
        assertThat(new ConnectPlan(balancer(), 3).next()).isEmpty();
    }

    @Test
    void retriesConnectFailuresOnly() {
        assertThat(ConnectPlan.isRetriable(new ConnectException("Connection refused")))
                .isTrue();
        assertThat(ConnectPlan.isRetriable(new ConnectTimeoutException("connection timed out")))
                .isTrue();
        assertThat(ConnectPlan.isRetriable(new NoRouteToHostException())).isTrue();
        assertThat(ConnectPlan.isRetriable(new IllegalStateException("event loop shut down")))
                .isFalse();
    }

    @Test
    void needsAtLeastOneAttempt() {
        assertThatThrownBy(() -> new ConnectPlan(balancer(A), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxAttempts: must be >= 1, got 0");
    }

    private static RoundRobin balancer(InetSocketAddress... endpoints) {
        RoundRobin balancer = new RoundRobin();
        balancer.update(List.of(endpoints));
        return balancer;
    }
}
