package io.capstan.cli.store;

import io.capstan.cli.CommandException;
import io.capstan.proto.etcd.ClusterGrpc;
import io.capstan.proto.etcd.KVGrpc;
import io.capstan.proto.etcd.MaintenanceGrpc;
import io.capstan.proto.etcd.WatchGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Channels to the store's client endpoints, one per endpoint, made on first use. {@link #call}
 * fails over: an endpoint that is down (UNAVAILABLE, which etcd also answers when a member has no
 * leader) or does not answer in time is skipped for the next, starting each call from the endpoint
 * that answered last, as etcd's client balancer does. Not thread-safe: one command uses it.
 */
final class StoreConnection implements AutoCloseable {
    /** Range responses of a large prefix can be big; etcd's own client accepts up to 2 GiB. */
    private static final int MAX_INBOUND_BYTES = 512 * 1024 * 1024;

    private final List<String> endpoints;
    private final Duration timeout;
    private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
    private int preferred;

    StoreConnection(List<String> endpoints, Duration timeout) {
        this.endpoints = List.copyOf(endpoints);
        this.timeout = timeout;
    }

    List<String> endpoints() {
        return endpoints;
    }

    Duration timeout() {
        return timeout;
    }

    /** One endpoint's stubs; the unary ones carry the command timeout as their deadline. */
    record Endpoint(String address, ManagedChannel channel, Duration timeout) {
        KVGrpc.KVBlockingStub kv() {
            return KVGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        MaintenanceGrpc.MaintenanceBlockingStub maintenance() {
            return MaintenanceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        ClusterGrpc.ClusterBlockingStub cluster() {
            return ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** No deadline: a watch lasts as long as the command wants it to. */
        WatchGrpc.WatchStub watch() {
            return WatchGrpc.newStub(channel);
        }
    }

    Endpoint endpoint(String address) {
        ManagedChannel channel = channels.computeIfAbsent(
                address,
                a -> NettyChannelBuilder.forTarget(a)
                        .usePlaintext()
                        .maxInboundMessageSize(MAX_INBOUND_BYTES)
                        .build());
        return new Endpoint(address, channel, timeout);
    }

    /**
     * Runs {@code call} on one endpoint after another, starting from the one that answered last,
     * until one answers.
     *
     * @throws CommandException if every endpoint is down, or with the store's message if an
     *     endpoint refuses the call
     */
    <T> T call(Function<Endpoint, T> call) {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            int index = (preferred + i) % endpoints.size();
            String address = endpoints.get(index);
            try {
                T answer = call.apply(endpoint(address));
                preferred = index;
                return answer;
            } catch (StatusRuntimeException e) {
                if (!isUnreachable(e)) {
                    throw refused(address, e);
                }
                failures.add(address + ": " + describe(e));
            }
        }
        throw unreachable(failures);
    }

    /** The endpoint is down or not serving: try another. */
    static boolean isUnreachable(StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
    }

    static CommandException unreachable(List<String> failures) {
        return new CommandException("cannot reach a store endpoint (" + String.join("; ", failures)
                + "); check --endpoints or the client config's storeEndpoints");
    }

    /** The store's refusal in its own words, e.g. {@code etcdserver: mvcc: database space exceeded}. */
    static CommandException refused(String address, StatusRuntimeException e) {
        return new CommandException(address + ": " + describe(e), e);
    }

    /** A failed call as one line: the status's description, and the cause a transport gave. */
    static String describe(StatusRuntimeException e) {
        Status status = e.getStatus();
        String description = status.getDescription();
        Throwable cause = status.getCause();
        StringBuilder text = new StringBuilder(
                description != null ? description : status.getCode().toString());
        if (cause != null && cause.getMessage() != null) {
            text.append(": ").append(cause.getMessage());
        }
        return text.toString();
    }

    @Override
    public void close() {
        for (ManagedChannel channel : channels.values()) {
            channel.shutdownNow();
        }
        for (ManagedChannel channel : channels.values()) {
            try {
                channel.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
