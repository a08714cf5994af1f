package io.capstan.apiserver.service;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC channel per kubelet endpoint ("host:port" from a Node's status.kubeletEndpoint), made on
 * first use and kept: a channel reconnects by itself, so a kubelet that restarts on the same
 * endpoint is reached again. Thread-safe.
 */
final class KubeletChannels implements AutoCloseable {
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ManagedChannel channel(String endpoint) {
        if (closed) {
            throw new IllegalStateException("kubelet channels are closed");
        }
        return channels.computeIfAbsent(
                endpoint,
                target -> Grpc.newChannelBuilder(target, InsecureChannelCredentials.create())
                        .keepAliveTime(30, TimeUnit.SECONDS)
                        .keepAliveTimeout(10, TimeUnit.SECONDS)
                        .build());
    }

    @Override
    public void close() {
        closed = true;
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }
}
