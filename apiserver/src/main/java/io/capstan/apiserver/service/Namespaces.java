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

/**
 * Namespace lifecycle as the API server enforces it: an object can be created only in a namespace
 * that exists and is Active, checked in the creating transaction itself (the namespace's
 * mod_revision must still be the one read), so a create can never slip into a namespace whose
 * deletion began meanwhile.
 */
final class Namespaces {
    private final KvStore kv;
    private final Duration timeout;

    Namespaces(KvStore kv, Duration timeout) {
        this.kv = kv;
        this.timeout = timeout;
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
        if (ns.getMetadata().hasDeletionTimestamp()
                || ns.getStatus().getPhase() == NamespaceStatus.Phase.PHASE_TERMINATING) {
            throw new NamespaceTerminatingException(namespace);
        }
        Compare unchanged = Compare.newBuilder()
                .setKey(ByteString.copyFromUtf8(key))
                .setTarget(Compare.CompareTarget.MOD)
                .setResult(Compare.CompareResult.EQUAL)
                .setModRevision(stored.getModRevision())
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
