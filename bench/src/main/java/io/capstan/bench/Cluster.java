package io.capstan.bench;

import io.capstan.proto.etcd.MaintenanceGrpc;
import io.capstan.proto.etcd.StatusRequest;
import io.capstan.proto.etcd.StatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The gRPC channels to one store cluster: {@code connections} HTTP/2 connections per endpoint, handed
 * out round-robin. A member can be avoided for a while after it failed, so a load that outlives a
 * crashed peer moves to the survivors, as etcd's client balancer does.
 *
 * <p>Thread-safe. Channels run callbacks on their transport threads (direct executor), so callbacks
 * must be short and must not block.
 */
final class Cluster implements AutoCloseable {
    /** One channel and the member (index into the endpoint list) it reaches. */
    record Target(int member, ManagedChannel channel) {}

    private final List<Endpoint> endpoints;
    private final List<Target> targets;
    private final AtomicLong cursor = new AtomicLong();
    // per member: System.nanoTime() before which next() skips it; 0 = usable
    private final AtomicLongArray avoidUntilNanos;

    private Cluster(List<Endpoint> endpoints, List<Target> targets) {
        this.endpoints = endpoints;
        this.targets = targets;
        this.avoidUntilNanos = new AtomicLongArray(endpoints.size());
    }

    static Cluster connect(List<Endpoint> endpoints, int connectionsPerEndpoint) {
        List<Target> targets = new ArrayList<>();
        for (int c = 0; c < connectionsPerEndpoint; c++) {
            for (int member = 0; member < endpoints.size(); member++) {
                Endpoint endpoint = endpoints.get(member);
                ManagedChannel channel = NettyChannelBuilder.forAddress(endpoint.host(), endpoint.port())
                        .usePlaintext()
                        .directExecutor()
                        .maxInboundMessageSize(16 * 1024 * 1024)
                        .build();
                targets.add(new Target(member, channel));
            }
        }
        return new Cluster(endpoints, List.copyOf(targets));
    }

    int size() {
        return endpoints.size();
    }

    Endpoint endpoint(int member) {
        return endpoints.get(member);
    }

    /** The first channel of {@code member}. */
    Target target(int member) {
        return targets.get(member);
    }

    /** The next channel round-robin, skipping avoided members unless every member is avoided. */
    Target next() {
        long now = System.nanoTime();
        for (int attempt = 0; attempt < targets.size(); attempt++) {
            Target t = targets.get((int) Math.floorMod(cursor.getAndIncrement(), (long) targets.size()));
            if (avoidUntilNanos.get(t.member()) - now <= 0) {
                return t;
            }
        }
        return targets.get((int) Math.floorMod(cursor.getAndIncrement(), (long) targets.size()));
    }

    /** Makes {@link #next()} skip {@code member} for {@code period}. */
    void avoid(int member, Duration period) {
        avoidUntilNanos.set(member, System.nanoTime() + period.toNanos());
    }

    /**
     * Asks every member for its Maintenance.Status and returns the index of the member whose own id
     * equals the leader id it reports. Empty when no member answers or none is the leader.
     */
    Optional<Integer> findLeader(Duration timeout) {
        for (int member = 0; member < endpoints.size(); member++) {
            try {
                StatusResponse status = MaintenanceGrpc.newBlockingStub(
                                target(member).channel())
                        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .status(StatusRequest.getDefaultInstance());
                if (status.getLeader() != 0
                        && status.getLeader() == status.getHeader().getMemberId()) {
                    return Optional.of(member);
                }
            } catch (StatusRuntimeException e) {
                System.err.printf("status of %s failed: %s%n", endpoints.get(member), e.getStatus());
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        for (Target t : targets) {
            t.channel().shutdownNow();
        }
        for (Target t : targets) {
            try {
                t.channel().awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
