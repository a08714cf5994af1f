package io.capstan.store.rpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Request latency by gRPC method and status code ({@code capstan.store.requests}); streaming
 * calls are timed from start to close. Tags stay low-cardinality: method and code only.
 */
public final class RequestMetrics implements ServerInterceptor {
    private final MeterRegistry registry;

    public RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        long started = System.nanoTime();
        String method = call.getMethodDescriptor().getFullMethodName();
        return next.startCall(
                new SimpleForwardingServerCall<>(call) {
                    @Override
                    public void close(Status status, Metadata trailers) {
                        Timer.builder("capstan.store.requests")
                                .description("etcd API requests by method and status code")
                                .tag("method", method)
                                .tag("code", status.getCode().name())
                                .publishPercentileHistogram()
                                .register(registry)
                                .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                        super.close(status, trailers);
                    }
                },
                headers);
    }
}
