package io.capstan.bench;

import io.capstan.proto.api.v1.CreateRequest;
import io.capstan.proto.api.v1.ObjectServiceGrpc;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC channels to one control plane's object API ({@link Cluster} underneath: {@code
 * connections} per endpoint, round-robin), with {@code authorization: Bearer <token>} on every call.
 *
 * <p>Thread-safe. Stubs run callbacks on the transport threads (direct executor): callbacks must be
 * short and must not block.
 */
final class ApiCluster implements AutoCloseable {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final Cluster cluster;
    private final ClientInterceptor bearer;
    private final int channels;

    private ApiCluster(Cluster cluster, ClientInterceptor bearer, int channels) {
        this.cluster = cluster;
        this.bearer = bearer;
        this.channels = channels;
    }

    static ApiCluster connect(List<Endpoint> endpoints, int connectionsPerEndpoint, String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return new ApiCluster(
                Cluster.connect(endpoints, connectionsPerEndpoint),
                MetadataUtils.newAttachHeadersInterceptor(headers),
                endpoints.size() * connectionsPerEndpoint);
    }

    /** HTTP/2 connections in all, over every endpoint. */
    int channels() {
        return channels;
    }

    /** An async stub on the next channel round-robin, with {@code deadlineMillis} from now. */
    ObjectServiceGrpc.ObjectServiceStub stub(long deadlineMillis) {
        return stub().withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }

    /** An async stub on the next channel round-robin, without a deadline (for watches). */
    ObjectServiceGrpc.ObjectServiceStub stub() {
        return ObjectServiceGrpc.newStub(cluster.next().channel()).withInterceptors(bearer);
    }

    /** A blocking stub on the next channel round-robin, with {@code deadlineMillis} from now. */
    ObjectServiceGrpc.ObjectServiceBlockingStub blockingStub(long deadlineMillis) {
        return ObjectServiceGrpc.newBlockingStub(cluster.next().channel())
                .withInterceptors(bearer)
                .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }

    /** Creates namespace {@code name}; one that exists already is fine (a rerun of the same namespace). */
    void ensureNamespace(String name, long deadlineMillis) {
        try {
            blockingStub(deadlineMillis)
                    .create(CreateRequest.newBuilder()
                            .setObject(ApiObjects.namespace(name))
                            .build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
                throw new IllegalStateException("creating namespace " + name + " failed: " + e.getStatus(), e);
            }
        }
    }

    @Override
    public void close() {
        cluster.close();
    }
}
