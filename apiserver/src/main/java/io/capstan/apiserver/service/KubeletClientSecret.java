package io.capstan.apiserver.service;

import com.google.protobuf.ByteString;
import io.capstan.apiserver.storage.AlreadyExistsException;
import io.capstan.apiserver.storage.ObjectKind;
import io.capstan.apiserver.storage.ObjectStorage;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Secret;
import io.capstan.proto.api.v1.TypedObject;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * The token the API servers present to kubelets: key {@value #KEY} of the Secret {@value
 * #NAMESPACE}/{@value #NAME}. The first API server of a cluster creates it with 32 random bytes
 * (base64url); a create is one store transaction that fails if the Secret exists, so concurrent
 * servers agree on one token. Every API server reads it from the store for each call it relays (so
 * a replaced Secret takes effect at once), and every kubelet reads it through the object API.
 * Names as in capstan/kubelet/v1/kubelet_service.proto.
 */
final class KubeletClientSecret {
    static final String NAMESPACE = "kube-system";
    static final String NAME = "capstan-kubelet-client";
    static final String KEY = "token";

    private final ObjectApi api;
    private final ObjectStorage storage;
    private final Duration timeout;
    private final SecureRandom random = new SecureRandom();

    KubeletClientSecret(ObjectApi api, ObjectStorage storage, Duration timeout) {
        this.api = api;
        this.storage = storage;
        this.timeout = timeout;
    }

    /** Creates the Secret with a new random token unless it exists. Needs the kube-system namespace. */
    void ensure() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        try {
            api.create(TypedObject.newBuilder()
                    .setSecret(Secret.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder()
                                    .setNamespace(NAMESPACE)
                                    .setName(NAME)
                                    .putAnnotations(
                                            "capstan.io/description",
                                            "Bearer token the API servers present to kubelets for logs and exec"))
                            .setType("Opaque")
                            .putData(KEY, ByteString.copyFromUtf8(token)))
                    .build());
        } catch (AlreadyExistsException e) {
            // made before, by this or another server: its token stands
        }
    }

    /**
     * The current token, creating the Secret first if it has gone missing.
     *
     * @throws io.grpc.StatusRuntimeException FAILED_PRECONDITION if the Secret has no token
     */
    String token() {
        Optional<TypedObject> found = read();
        if (found.isEmpty()) {
            ensure();
            found = read();
        }
        ByteString value = found.map(o -> o.getSecret().getDataMap().get(KEY)).orElse(null);
        if (value == null || value.isEmpty()) {
            throw Status.FAILED_PRECONDITION
                    .withDescription("Secret " + NAMESPACE + "/" + NAME + " has no \"" + KEY
                            + "\": delete it and an API server makes a new one")
                    .asRuntimeException();
        }
        return value.toString(StandardCharsets.UTF_8);
    }

    private Optional<TypedObject> read() {
        return Futures.await(storage.get(ObjectKind.SECRET, NAMESPACE, NAME), timeout);
    }
}
