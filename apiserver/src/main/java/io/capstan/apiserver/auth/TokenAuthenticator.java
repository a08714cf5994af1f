package io.capstan.apiserver.auth;

import com.google.protobuf.ByteString;
import io.capstan.apiserver.storage.KvStore;
import io.capstan.proto.etcd.Compare;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RequestOp;
import io.capstan.proto.etcd.TxnRequest;
import io.capstan.proto.etcd.TxnResponse;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Bearer-token authentication for the object API. Tokens are never stored: the store keeps the
 * SHA-256 of each accepted token under {@code /capstan/auth/tokens/<hex>}, so every server of the
 * cluster accepts a token that any of them minted, and reading the store does not reveal one.
 * Accepted hashes are remembered in memory; an unknown one is looked up in the store once per call
 * (tokens are not revoked yet, so a remembered hash never goes stale).
 *
 * <p>gRPC health and reflection stay open, as load balancers and grpcurl's discovery need them.
 * Roles do not exist yet: every valid token may do everything.
 */
public final class TokenAuthenticator implements ServerInterceptor {
    static final String TOKEN_PREFIX = "/capstan/auth/tokens/";
    static final String BOOTSTRAP_KEY = "/capstan/auth/bootstrap";
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Set<String> OPEN_SERVICES = Set.of(
            "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");

    private final KvStore kv;
    private final Duration timeout;
    private final Set<String> knownHashes = ConcurrentHashMap.newKeySet();

    public TokenAuthenticator(KvStore kv, Duration timeout) {
        this.kv = kv;
        this.timeout = timeout;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String service = call.getMethodDescriptor().getServiceName();
        if (service != null && OPEN_SERVICES.contains(service)) {
            return next.startCall(call, headers);
        }
        String header = headers.get(AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            call.close(
                    Status.UNAUTHENTICATED.withDescription("authorization: a \"Bearer <token>\" header is required"),
                    new Metadata());
            return new ServerCall.Listener<>() {};
        }
        String token = header.substring(7).trim();
        boolean accepted;
        try {
            accepted = accepts(token);
        } catch (StatusRuntimeException e) {
            call.close(e.getStatus(), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        if (!accepted) {
            call.close(Status.UNAUTHENTICATED.withDescription("authorization: token not accepted"), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        return Contexts.interceptCall(Context.current(), call, headers, next);
    }

    /** Whether {@code token} is one the cluster accepts. */
    public boolean accepts(String token) {
        if (token.isEmpty()) {
            return false;
        }
        String hash = sha256(token);
        if (knownHashes.contains(hash)) {
            return true;
        }
        try {
            long count = kv.range(RangeRequest.newBuilder()
                            .setKey(ByteString.copyFromUtf8(TOKEN_PREFIX + hash))
                            .setCountOnly(true)
                            .build())
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .getCount();
            if (count > 0) {
                knownHashes.add(hash);
                return true;
            }
            return false;
        } catch (ExecutionException | TimeoutException e) {
            throw Status.UNAVAILABLE
                    .withDescription("cannot check the token: the store did not answer")
                    .asRuntimeException();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.asRuntimeException();
        }
    }

    /**
     * Makes sure the cluster has an admin token. With {@code given}, that token is registered
     * (idempotent) and returned. Without, the first server to get here mints one, registers it and
     * returns it (so it can write the client config); every later call, on any server, returns
     * empty.
     */
    public static Optional<String> bootstrap(KvStore kv, Optional<String> given, Duration timeout) throws Exception {
        return bootstrap(kv, given, newToken(), timeout);
    }

    /**
     * As {@link #bootstrap(KvStore, Optional, Duration)}, minting {@code candidate} if this server is
     * the first. A caller that retries after a failed call passes the same candidate: a mint that timed
     * out may still have been committed, and then the retry returns the candidate again instead of
     * finding the cluster bootstrapped by a token nobody holds.
     */
    public static Optional<String> bootstrap(KvStore kv, Optional<String> given, String candidate, Duration timeout)
            throws Exception {
        if (given.isPresent()) {
            register(kv, given.get(), timeout);
            return given;
        }
        ByteString bootstrapKey = ByteString.copyFromUtf8(BOOTSTRAP_KEY);
        ByteString candidateKey = ByteString.copyFromUtf8(TOKEN_PREFIX + sha256(candidate));
        TxnResponse response = kv.txn(TxnRequest.newBuilder()
                        .addCompare(Compare.newBuilder()
                                .setKey(bootstrapKey)
                                .setTarget(Compare.CompareTarget.CREATE)
                                .setResult(Compare.CompareResult.EQUAL)
                                .setCreateRevision(0))
                        .addSuccess(put(BOOTSTRAP_KEY, "admin token minted"))
                        .addSuccess(put(TOKEN_PREFIX + sha256(candidate), "admin"))
                        .addFailure(RequestOp.newBuilder()
                                .setRequestRange(RangeRequest.newBuilder()
                                        .setKey(candidateKey)
                                        .setCountOnly(true)))
                        .build())
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (response.getSucceeded()) {
            return Optional.of(candidate);
        }
        boolean mintedEarlier = response.getResponsesCount() > 0
                && response.getResponses(0).getResponseRange().getCount() > 0;
        return mintedEarlier ? Optional.of(candidate) : Optional.empty();
    }

    /** A fresh admin token: 32 random bytes, base64url. */
    public static String newToken() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    private static void register(KvStore kv, String token, Duration timeout) throws Exception {
        if (token.length() < 16) {
            throw new IllegalArgumentException("--token: must be at least 16 characters");
        }
        kv.txn(TxnRequest.newBuilder()
                        .addSuccess(put(TOKEN_PREFIX + sha256(token), "admin"))
                        .addSuccess(put(BOOTSTRAP_KEY, "admin token given"))
                        .build())
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static RequestOp put(String key, String value) {
        return RequestOp.newBuilder()
                .setRequestPut(PutRequest.newBuilder()
                        .setKey(ByteString.copyFromUtf8(key))
                        .setValue(ByteString.copyFromUtf8(value)))
                .build();
    }

    static String sha256(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
