package io.capstan.controllers.gc;

import com.google.protobuf.Message;
import io.capstan.client.Kind;
import io.capstan.client.ObjectKey;
import io.capstan.client.informer.Indexer;
import io.capstan.client.informer.Informer;
import io.capstan.proto.api.v1.ObjectMeta;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The objects of every watched kind as owners and dependents, read from the informers' caches:
 * the garbage collector's view of Kubernetes' uidToNode graph, built on the caches' owner-uid
 * index rather than kept apart. Thread-safe, as the caches are.
 */
final class ObjectGraph {
    /** One object of some kind, by its metadata. */
    record Node(Kind<?> kind, ObjectMeta meta) {
        ObjectKey key() {
            return ObjectKey.of(meta);
        }
    }

    private final Map<String, Indexer<?>> byKind = new LinkedHashMap<>();

    ObjectGraph(List<Informer<?>> informers) {
        for (Informer<?> informer : informers) {
            byKind.put(informer.kind().name(), informer.indexer());
        }
    }

    /** Whether objects of {@code kind} are cached here. */
    boolean watches(Kind<?> kind) {
        return byKind.containsKey(kind.name());
    }

    /** The cached object of {@code kind} under {@code key}. */
    Optional<ObjectMeta> get(Kind<?> kind, ObjectKey key) {
        Indexer<?> indexer = byKind.get(kind.name());
        return indexer == null ? Optional.empty() : metadata(indexer, key);
    }

    /** The cached object of {@code kind} under {@code key}, whole. */
    <T extends Message> Optional<T> cached(Kind<T> kind, ObjectKey key) {
        Indexer<?> indexer = byKind.get(kind.name());
        return indexer == null ? Optional.empty() : indexer.get(key).map(kind.type()::cast);
    }

    /** The cached objects, of every kind, with an owner reference to uid {@code ownerUid}. */
    List<Node> dependentsOf(String ownerUid) {
        List<Node> dependents = new ArrayList<>();
        for (Indexer<?> indexer : byKind.values()) {
            collect(indexer, ownerUid, dependents);
        }
        return dependents;
    }

    private static <T extends Message> Optional<ObjectMeta> metadata(Indexer<T> indexer, ObjectKey key) {
        return indexer.get(key).map(indexer.kind()::metadata);
    }

    private static <T extends Message> void collect(Indexer<T> indexer, String ownerUid, List<Node> into) {
        for (T object : indexer.byIndex(Indexer.OWNER_UID, ownerUid)) {
            into.add(new Node(indexer.kind(), indexer.kind().metadata(object)));
        }
    }
}
