package io.capstan.apiserver.service;

import com.google.protobuf.ByteString;
import io.capstan.apiserver.storage.AlreadyExistsException;
import io.capstan.apiserver.storage.KvStore;
import io.capstan.apiserver.storage.NotFoundException;
import io.capstan.apiserver.storage.ObjectKind;
import io.capstan.apiserver.storage.TxnGuard;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.NamespaceStatus;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.etcd.Compare;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.capstan.proto.etcd.mvcc.KeyValue;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Namespace lifecycle as the API server enforces it: an object can be created only in a namespace
 * that exists and is Active, checked in the creating transaction itself (the namespace's
 * mod_revision must still be the one read), so a create can never slip into a namespace whose
 * deletion began meanwhile.
 */
final class Namespaces {
    private final KvStore kv;
    private final Duration timeout;
    private final NamespaceCache cache;

    /** Where a namespace may be looked up without reaching the store: the server's watch cache. */
    @FunctionalInterface
    interface NamespaceCache {
        Optional<Namespace> get(String name);
    }

    Namespaces(KvStore kv, Duration timeout, NamespaceCache cache) {
        this.kv = kv;
        this.timeout = timeout;
        this.cache = cache;
    }

    /**
     * As {@link #activeGuard(ObjectKind, String)}, but first from the cache when {@code cachedFirst}:
     * a stale cached namespace only makes the guard fail (its mod_revision moved on), and the caller
     * then asks again with {@code cachedFirst} false. Saves a linearizable read on most creates.
     */
    TxnGuard activeGuard(ObjectKind kind, String namespace, boolean cachedFirst) {
        if (!kind.isNamespaced() || !cachedFirst) {
            return activeGuard(kind, namespace);
        }
        Optional<Namespace> cached = cache.get(namespace);
        if (cached.isEmpty() || cached.get().getMetadata().getResourceVersion().isEmpty()) {
            return activeGuard(kind, namespace);
        }
        Namespace ns = cached.get();
        if (isTerminating(ns)) {
            // Terminating is final: no need to confirm it with the store.
            throw new NamespaceTerminatingException(namespace);
        }
        return guard(
                ObjectKind.NAMESPACE.key("", namespace),
                Long.parseLong(ns.getMetadata().getResourceVersion()));
    }

    /**
     * The guard for creating an object of {@code kind} in {@code namespace}; none for a
     * cluster-scoped kind. Fails with {@link NotFoundException} (of the Namespace) if it does not
     * exist, {@link NamespaceTerminatingException} if it is being deleted.
     */
    TxnGuard activeGuard(ObjectKind kind, String namespace) {
        if (!kind.isNamespaced()) {
            return TxnGuard.NONE;
        }
        String key = ObjectKind.NAMESPACE.key("", namespace);
        RangeResponse response = Futures.await(
                kv.range(RangeRequest.newBuilder()
                        .setKey(ByteString.copyFromUtf8(key))
                        .build()),
                timeout);
        if (response.getKvsCount() == 0) {
            throw new NotFoundException(ObjectKind.NAMESPACE, "", namespace);
        }
        KeyValue stored = response.getKvs(0);
        Namespace ns;
        try {
            ns = Namespace.parseFrom(stored.getValue());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored Namespace " + namespace + " does not parse", e);
        }
        if (isTerminating(ns)) {
            throw new NamespaceTerminatingException(namespace);
        }
        return guard(key, stored.getModRevision());
    }

    private static boolean isTerminating(Namespace ns) {
        return ns.getMetadata().hasDeletionTimestamp()
                || ns.getStatus().getPhase() == NamespaceStatus.Phase.PHASE_TERMINATING;
    }

    private static TxnGuard guard(String key, long modRevision) {
        Compare unchanged = Compare.newBuilder()
                .setKey(ByteString.copyFromUtf8(key))
                .setTarget(Compare.CompareTarget.MOD)
                .setResult(Compare.CompareResult.EQUAL)
                .setModRevision(modRevision)
                .build();
        return new TxnGuard(List.of(unchanged), List.of(), 0);
    }

    /** Creates the namespaces that always exist, unless some server already has. */
    static void ensureSystemNamespaces(ObjectApi api) {
        for (String name : ObjectApi.SYSTEM_NAMESPACES) {
            try {
                api.create(TypedObject.newBuilder()
                        .setNamespace(Namespace.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder().setName(name)))
                        .build());
            } catch (AlreadyExistsException e) {
                // made by this or another server before
            }
        }
    }
}
