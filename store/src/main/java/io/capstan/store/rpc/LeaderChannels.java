package io.capstan.store.rpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Channels from this peer to the leader's client address, for the calls only the leader can
 * answer (lease keep-alive and time-to-live, as etcd's lease proxying does). Thread-safe.
 */
public final class LeaderChannels implements AutoCloseable {
    private final Supplier<@Nullable String> leaderClientAddress;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    /** @param leaderClientAddress host:port of the current leader's etcd API, or null when unknown */
    public LeaderChannels(Supplier<@Nullable String> leaderClientAddress) {
        this.leaderClientAddress = leaderClientAddress;
    }

    /** A channel to the current leader, or null while no leader (or its address) is known. */
    @Nullable
    ManagedChannel leader() {
        String address = leaderClientAddress.get();
        if (address == null) {
            return null;
        }
        return channels.computeIfAbsent(
                address, a -> NettyChannelBuilder.forTarget(a).usePlaintext().build());
    }

    @Override
    public void close() {
        for (ManagedChannel channel : channels.values()) {
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
