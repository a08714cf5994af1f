package io.capstan.client.informer;

import com.google.protobuf.Message;
import io.capstan.api.selector.LabelSelector;
import io.capstan.client.Kind;
import io.capstan.client.ObjectKey;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.OwnerReference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An informer's cache: the objects of one kind by {@link ObjectKey}, with indexes, as client-go's
 * Indexer. An index maps each object to zero or more values, and {@link #byIndex} finds the objects
 * with a value. Built in:
 *
 * <ul>
 *   <li>{@link #NAMESPACE}: metadata.namespace;
 *   <li>{@link #LABEL}: one value {@code key=value} per label;
 *   <li>{@link #OWNER_UID}: the uid of each metadata.ownerReferences entry;
 *   <li>{@link #NODE_NAME} (pods only): spec.nodeName, {@code ""} for pods not yet scheduled.
 * </ul>
 *
 * <p>Example: a pod {@code web-1} in {@code shop} with labels {@code app=web, tier=front}, owned by
 * a ReplicaSet of uid {@code u7} and bound to {@code n1} is found by {@code byIndex(NAMESPACE,
 * "shop")}, {@code byIndex(LABEL, "app=web")}, {@code byIndex(LABEL, "tier=front")}, {@code
 * byIndex(OWNER_UID, "u7")} and {@code byIndex(NODE_NAME, "n1")}.
 *
 * <p>Thread-safe: the informer writes, any thread reads. Results are lists in key order
 * (namespace, then name), copied, so they never change under the caller; the objects are
 * immutable messages, shared with the cache. Only the informer (or a test seeding a cache) calls
 * {@link #put} and {@link #remove}.
 */
public final class Indexer<T extends Message> {
    public static final String NAMESPACE = "namespace";
    public static final String LABEL = "label";
    public static final String OWNER_UID = "ownerUid";
    public static final String NODE_NAME = "nodeName";

    private static final Comparator<ObjectKey> KEY_ORDER =
            Comparator.comparing(ObjectKey::namespace).thenComparing(ObjectKey::name);

    private final Kind<T> kind;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    // guarded by lock
    private final Map<ObjectKey, T> items = new TreeMap<>(KEY_ORDER);
    // guarded by lock; by index name
    private final Map<String, Index<T>> indexes = new LinkedHashMap<>();

    /** An index function and, for each value it gives, the keys of the objects with that value. */
    private record Index<T>(Function<T, Collection<String>> function, Map<String, Set<ObjectKey>> keysByValue) {
        void add(ObjectKey key, T object) {
            for (String value : function.apply(object)) {
                keysByValue
                        .computeIfAbsent(value, v -> new TreeSet<>(KEY_ORDER))
                        .add(key);
            }
        }

        void remove(ObjectKey key, T object) {
            for (String value : function.apply(object)) {
                Set<ObjectKey> keys = keysByValue.get(value);
                if (keys != null) {
                    keys.remove(key);
                    if (keys.isEmpty()) {
                        keysByValue.remove(value);
                    }
                }
            }
        }
    }

    public Indexer(Kind<T> kind) {
        this.kind = kind;
        addIndex(NAMESPACE, object -> List.of(kind.metadata(object).getNamespace()));
        addIndex(LABEL, object -> labelValues(kind.metadata(object)));
        addIndex(
                OWNER_UID,
                object -> kind.metadata(object).getOwnerReferencesList().stream()
                        .map(OwnerReference::getUid)
                        .toList());
        if (kind == Kind.POD) {
            addIndex(
                    NODE_NAME,
                    object -> List.of(Kind.POD.type().cast(object).getSpec().getNodeName()));
        }
    }

    public Kind<T> kind() {
        return kind;
    }

    /**
     * Adds an index, computed at once over the objects already held.
     *
     * @throws IllegalArgumentException if an index of that name exists
     */
    public void addIndex(String name, Function<T, Collection<String>> indexFunction) {
        lock.writeLock().lock();
        try {
            if (indexes.containsKey(name)) {
                throw new IllegalArgumentException("index " + name + " exists");
            }
            Index<T> index = new Index<>(indexFunction, new HashMap<>());
            indexes.put(name, index);
            items.forEach(index::add);
        } finally {
            lock.writeLock().unlock();
        }
    }

    public Optional<T> get(ObjectKey key) {
        lock.readLock().lock();
        try {
            return Optional.ofNullable(items.get(key));
        } finally {
            lock.readLock().unlock();
        }
    }

    public Optional<T> get(String namespace, String name) {
        return get(ObjectKey.of(namespace, name));
    }

    /** Every object. */
    public List<T> list() {
        lock.readLock().lock();
        try {
            return List.copyOf(items.values());
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The objects in {@code namespace}. */
    public List<T> list(String namespace) {
        return byIndex(NAMESPACE, namespace);
    }

    /** The objects in {@code namespace} ({@code ""}: every namespace) whose labels match. */
    public List<T> list(String namespace, LabelSelector selector) {
        List<T> candidates = namespace.isEmpty() ? list() : list(namespace);
        return candidates.stream()
                .filter(o -> selector.matches(kind.metadata(o).getLabelsMap()))
                .toList();
    }

    /**
     * The objects whose index {@code indexName} has {@code value}.
     *
     * @throws IllegalArgumentException if there is no such index
     */
    public List<T> byIndex(String indexName, String value) {
        lock.readLock().lock();
        try {
            Index<T> index = indexes.get(indexName);
            if (index == null) {
                throw new IllegalArgumentException("no index " + indexName + "; indexes: " + indexes.keySet());
            }
            List<T> found = new ArrayList<>();
            for (ObjectKey key : index.keysByValue().getOrDefault(value, Set.of())) {
                T object = items.get(key);
                if (object != null) {
                    found.add(object);
                }
            }
            return found;
        } finally {
            lock.readLock().unlock();
        }
    }

    public int size() {
        lock.readLock().lock();
        try {
            return items.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Adds or replaces the object under its key; returns the object it replaced. */
    public @Nullable T put(T object) {
        ObjectKey key = ObjectKey.of(kind.metadata(object));
        lock.writeLock().lock();
        try {
            T old = items.put(key, object);
            for (Index<T> index : indexes.values()) {
                if (old != null) {
                    index.remove(key, old);
                }
                index.add(key, object);
            }
            return old;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Removes the object under {@code key}; returns it, or null if there was none. */
    public @Nullable T remove(ObjectKey key) {
        lock.writeLock().lock();
        try {
            T old = items.remove(key);
            if (old != null) {
                for (Index<T> index : indexes.values()) {
                    index.remove(key, old);
                }
            }
            return old;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private static List<String> labelValues(ObjectMeta metadata) {
        List<String> values = new ArrayList<>();
        metadata.getLabelsMap().forEach((key, value) -> values.add(key + "=" + value));
        return values;
    }
}
