package io.capstan.controllers.gc;

import com.google.protobuf.Message;
import io.capstan.client.Kind;
import io.capstan.client.ObjectClient;
import io.capstan.client.ObjectKey;
import io.capstan.client.controller.Controller;
import io.capstan.client.informer.EventHandler;
import io.capstan.client.informer.Informer;
import io.capstan.controllers.gc.ObjectGraph.Node;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.OwnerReference;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Kubernetes' garbage collector: deletes the dependents of deleted owners (metadata.
 * ownerReferences), in the background, in the foreground (the owner, held by finalizer
 * foregroundDeletion, goes once its blocking dependents are gone) or not at all (finalizer orphan:
 * the dependents only lose their reference). Owners and dependents can be of any watched kind.
 *
 * <p>One {@link Controller} per watched kind, named {@code garbage-collector-<Kind>}, runs a
 * {@link KindCollector} over the keys of that kind. A change to an object queues it with its own
 * kind's collector, and queues its owners with theirs (so an owner waiting in the foreground looks
 * again when a dependent goes). An object that is deleted or starts being deleted also queues its
 * dependents (so they find their owner gone or waiting). Every collector starts only once every
 * cache has synced, and every object is looked at once then, so dependents whose owners went while
 * no collector ran are collected too.
 *
 * <p>Kubernetes leaves Events out of garbage collection; pass the informers of the kinds to watch,
 * which for the same reason should be every kind but Event.
 */
public final class GarbageCollector implements AutoCloseable {
    private static final int ABSENT_OWNERS_REMEMBERED = 10_000;

    private final ObjectGraph graph;
    private final Map<String, Controller> controllers = new LinkedHashMap<>();

    private GarbageCollector(ObjectGraph graph) {
        this.graph = graph;
    }

    /**
     * A collector over the objects of {@code informers}' kinds, one informer per kind. The informers
     * are started by their owner; {@link #start()} starts the collectors.
     */
    public static GarbageCollector create(ObjectClient api, List<Informer<?>> informers) {
        ObjectGraph graph = new ObjectGraph(informers);
        GarbageCollector collector = new GarbageCollector(graph);
        AbsentOwners absentOwners = new AbsentOwners(ABSENT_OWNERS_REMEMBERED);
        for (Informer<?> informer : informers) {
            collector.controllers.put(
                    informer.kind().name(), collector.controllerFor(informer, informers, graph, api, absentOwners));
        }
        for (Informer<?> informer : informers) {
            addHandler(informer, collector);
        }
        return collector;
    }

    private <T extends Message> Controller controllerFor(
            Informer<T> informer, List<Informer<?>> all, ObjectGraph graph, ObjectClient api, AbsentOwners absent) {
        Controller.Builder builder = Controller.named(
                        "garbage-collector-" + informer.kind().name())
                .reconciler(
                        new KindCollector<>(informer.kind(), informer.indexer(), graph, api, absent, this::enqueue));
        for (Informer<?> each : all) {
            waitFor(builder, each);
        }
        return builder.build();
    }

    /** Makes the controller wait for the informer's sync; the keys come from {@link Enqueuer}. */
    private static <T extends Message> void waitFor(Controller.Builder builder, Informer<T> informer) {
        builder.watch(informer, object -> List.of());
    }

    private static <T extends Message> void addHandler(Informer<T> informer, GarbageCollector collector) {
        informer.addHandler(collector.new Enqueuer<>(informer.kind()));
    }

    /** The collectors, one per kind. */
    public List<Controller> controllers() {
        return List.copyOf(controllers.values());
    }

    public void start() {
        controllers.values().forEach(Controller::start);
    }

    @Override
    public void close() {
        controllers.values().forEach(Controller::close);
    }

    private void enqueue(Node node) {
        enqueue(node.kind(), node.meta());
    }

    private void enqueue(Kind<?> kind, ObjectMeta meta) {
        Controller controller = controllers.get(kind.name());
        if (controller != null) {
            controller.queue().add(ObjectKey.of(meta));
        }
    }

    private void enqueueOwners(ObjectMeta dependent) {
        for (OwnerReference reference : dependent.getOwnerReferencesList()) {
            Optional<Kind<?>> kind = Kind.all().stream()
                    .filter(k -> k.name().equals(reference.getKind()))
                    .findFirst();
            if (kind.isPresent()) {
                String namespace = kind.get().isNamespaced() ? dependent.getNamespace() : "";
                if (!kind.get().isNamespaced() || !namespace.isEmpty()) {
                    Controller controller = controllers.get(kind.get().name());
                    if (controller != null) {
                        controller.queue().add(ObjectKey.of(namespace, reference.getName()));
                    }
                }
            }
        }
    }

    private void enqueueDependents(ObjectMeta owner) {
        for (Node dependent : graph.dependentsOf(owner.getUid())) {
            enqueue(dependent);
        }
    }

    /** Maps a change of one kind's object to the keys of the collectors concerned. */
    private final class Enqueuer<T extends Message> implements EventHandler<T> {
        private final Kind<T> kind;

        Enqueuer(Kind<T> kind) {
            this.kind = kind;
        }

        @Override
        public void onAdd(T object) {
            ObjectMeta meta = kind.metadata(object);
            enqueue(kind, meta);
            enqueueOwners(meta);
        }

        @Override
        public void onUpdate(T oldObject, T newObject) {
            ObjectMeta before = kind.metadata(oldObject);
            ObjectMeta after = kind.metadata(newObject);
            enqueue(kind, after);
            enqueueOwners(before);
            enqueueOwners(after);
            if ((after.hasDeletionTimestamp() && !before.hasDeletionTimestamp())
                    || !after.getFinalizersList().equals(before.getFinalizersList())) {
                enqueueDependents(after);
            }
        }

        @Override
        public void onDelete(T object) {
            ObjectMeta meta = kind.metadata(object);
            enqueueOwners(meta);
            enqueueDependents(meta);
        }
    }
}
