package io.capstan.kubelet.server;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Refuses every call that does not carry {@code authorization: Bearer <token>} with the token of
 * {@link KubeletClientToken}: UNAUTHENTICATED. The comparison is of SHA-256 digests with {@link
 * MessageDigest#isEqual}, so its time tells nothing about the token, not even its length. On a
 * mismatch the token is refreshed once (the Secret may have been replaced) and compared again.
 */
final class TokenCheck implements ServerInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "Bearer ";

    private final KubeletClientToken token;

    TokenCheck(KubeletClientToken token) {
        this.token = token;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String header = headers.get(AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return refuse(call, "authorization: a \"Bearer <token>\" header is required");
        }
        byte[] presented = sha256(header.substring(BEARER.length()).trim());
        if (!matches(presented)) {
            token.refresh();
            if (!matches(presented)) {
                return refuse(call, "authorization: token not accepted by this kubelet");
            }
        }
        return next.startCall(call, headers);
    }

    private boolean matches(byte[] presented) {
        Optional<String> expected = token.current();
        return expected.isPresent()
                && !expected.get().isEmpty()
                && MessageDigest.isEqual(presented, sha256(expected.get()));
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String message) {
        call.close(Status.UNAUTHENTICATED.withDescription(message), new Metadata());
        return new ServerCall.Listener<>() {};
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
