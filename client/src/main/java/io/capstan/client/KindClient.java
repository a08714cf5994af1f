package io.capstan.client;

import com.google.protobuf.Message;
import io.capstan.api.selector.LabelSelector;
import io.capstan.proto.api.v1.TypedObject;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The verbs of {@link ObjectClient} for one kind, typed: {@code client.pods().get(ns, name)} is a
 * {@code Pod}. Semantics, retries and exceptions are {@link ObjectClient}'s. For cluster-scoped
 * kinds the namespace is {@code ""}. Thread-safe.
 */
public final class KindClient<T extends Message> {
    private final ObjectClient client;
    private final Kind<T> kind;

    KindClient(ObjectClient client, Kind<T> kind) {
        this.client = client;
        this.kind = kind;
    }

    public Kind<T> kind() {
        return kind;
    }

    /** The same kind over {@link ObjectClient#withDeadline}. */
    public KindClient<T> withDeadline(Duration callDeadline) {
        return new KindClient<>(client.withDeadline(callDeadline), kind);
    }

    public T create(T object) {
        return kind.unwrap(client.create(kind.wrap(object)));
    }

    /** @throws NotFoundException if there is no such object */
    public T get(String namespace, String name) {
        return kind.unwrap(client.get(kind.name(), namespace, name));
    }

    public T get(ObjectKey key) {
        return get(key.namespace(), key.name());
    }

    /** One page. */
    public ObjectList<T> list(ListOptions options) {
        return client.list(kind.name(), options).map(kind::unwrap);
    }

    /** Every page, consistent at one resourceVersion. */
    public ObjectList<T> listAll(ListOptions options) {
        return client.listAll(kind.name(), options).map(kind::unwrap);
    }

    /** Every object in {@code namespace} ({@code ""}: all) whose labels match {@code selector}. */
    public List<T> list(String namespace, LabelSelector selector) {
        if (selector.isNothing()) {
            return List.of();
        }
        return listAll(ListOptions.inNamespace(namespace).withLabelSelector(selector.toString()))
                .items();
    }

    public T update(T object) {
        return kind.unwrap(client.update(kind.wrap(object)));
    }

    public T updateStatus(T object) {
        return kind.unwrap(client.updateStatus(kind.wrap(object)));
    }

    /** An RFC 7386 JSON merge patch over the object's manifest form. */
    public T patch(String namespace, String name, String mergePatchJson) {
        return kind.unwrap(client.patch(kind.name(), namespace, name, mergePatchJson));
    }

    public Applied<T> apply(T object) {
        return client.apply(kind.wrap(object)).map(kind::unwrap);
    }

    public Deleted<T> delete(String namespace, String name) {
        return delete(namespace, name, DeleteOptions.defaults());
    }

    public Deleted<T> delete(String namespace, String name, DeleteOptions options) {
        return client.delete(kind.name(), namespace, name, options).map(kind::unwrap);
    }

    public Watch watch(WatchOptions options, WatchListener<T> listener) {
        return client.watch(kind.name(), options, new WatchListener<TypedObject>() {
            @Override
            public void onEvent(WatchEvent<TypedObject> event) {
                listener.onEvent(event.map(kind::unwrap));
            }

            @Override
            public void onClose(@Nullable ApiException error) {
                listener.onClose(error);
            }
        });
    }
}
