package io.capstan.kubelet.server;

import java.util.Optional;

/**
 * The bearer token that callers of the kubelet's port (the API servers) present: the value of key
 * {@value #KEY} of the Secret {@value #SECRET_NAMESPACE}/{@value #SECRET_NAME}, which the first API
 * server of a cluster creates with a random token and every API server reads from the store.
 *
 * <p>Implementations are thread-safe; {@link #current} returns at once (no I/O).
 */
public interface KubeletClientToken {
    String SECRET_NAMESPACE = "kube-system";
    String SECRET_NAME = "capstan-kubelet-client";
    String KEY = "token";

    /** The token accepted now; empty while it is not known (then every call is refused). */
    Optional<String> current();

    /**
     * A caller presented another token: the Secret may have changed since it was last read. An
     * implementation may read it again before returning (rate-limited, so a stream of bad tokens
     * cannot turn into a stream of API calls). Does nothing by default.
     */
    default void refresh() {}

    /** Always {@code token}; for tests and for a token given on the command line. */
    static KubeletClientToken fixed(String token) {
        Optional<String> value = Optional.of(token);
        return () -> value;
    }
}
