package io.capstan.apiserver.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import io.capstan.api.manifest.Manifests;
import io.capstan.api.manifest.MergePatch;
import io.capstan.apiserver.registry.Defaults;
import io.capstan.apiserver.registry.FieldError;
import io.capstan.apiserver.registry.ObjectContent;
import io.capstan.apiserver.registry.Validation;
import io.capstan.apiserver.registry.ValidationException;
import io.capstan.apiserver.storage.AlreadyExistsException;
import io.capstan.apiserver.storage.ConflictException;
import io.capstan.apiserver.storage.GuardFailedException;
import io.capstan.apiserver.storage.NotFoundException;
import io.capstan.apiserver.storage.ObjectKind;
import io.capstan.apiserver.storage.ObjectStorage;
import io.capstan.apiserver.storage.TxnGuard;
import io.capstan.proto.api.v1.DeleteRequest;
import io.capstan.proto.api.v1.DeleteResponse;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.NamespaceStatus;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.PatchRequest;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.TypedObject;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The write verbs of the object API with Kubernetes' semantics, over {@link ObjectStorage}: what
 * the server sets on create, what an update may change, how apply and merge patch resolve to an
 * update, and how deletion goes through grace periods, finalizers and propagation policies (decided
 * by {@link Deletions}).
 *
 * <p><b>Guarantees.</b> Each successful call is exactly one store transaction; whatever it also
 * needs (the namespace still Active, a ClusterIP or NodePort claimed or released) is in that same
 * transaction, so a failure leaves nothing half-written. A call with a resourceVersion precondition
 * fails with {@link ConflictException} when it no longer holds. A call without one is resolved
 * against the current object and retried if that object changed before the write landed, so a
 * concurrent status write is never lost. An update that changes nothing writes nothing and returns
 * the stored object unchanged (resourceVersion included), which is what makes re-applying a
 * manifest free.
 *
 * <p><b>Failures.</b> {@link ValidationException} (field paths), {@link NotFoundException},
 * {@link AlreadyExistsException}, {@link ConflictException}, {@link NamespaceTerminatingException},
 * and the store's own failures, all unchecked.
 *
 * <p><b>Threads.</b> Thread-safe; calls block their thread on the store (the gRPC layer runs them
 * on its request executor).
 */
public final class ObjectApi {
    /** Attempts for a write without a precondition that keeps losing races; far beyond any real contention. */
    private static final int MAX_ATTEMPTS = 16;

    private static final String NAMESPACE_FINALIZER = "kubernetes";
    /** Namespaces that always exist and cannot be deleted, as in Kubernetes. */
    static final Set<String> SYSTEM_NAMESPACES = Set.of("default", "kube-system", "kube-node-lease");

    private static final String NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private final ObjectCache cache;
    private final ObjectStorage storage;
    private final Namespaces namespaces;
    private final ServiceAllocator allocator;
    private final EventLeases eventLeases;
    private final RepeatedEvents events;
    private final Clock clock;
    private final Duration timeout;
    private final SecureRandom random = new SecureRandom();
    private final ObjectMapper json = new ObjectMapper();

    /** Where an object may be found without reaching the store: the server's watch cache. */
    @FunctionalInterface
    interface ObjectCache {
        Optional<TypedObject> get(ObjectKind kind, String namespace, String name);
    }

    ObjectApi(
            ObjectStorage storage,
            Namespaces namespaces,
            ServiceAllocator allocator,
            EventLeases eventLeases,
            RepeatedEvents events,
            Clock clock,
            Duration timeout) {
        this(
                storage,
                namespaces,
                allocator,
                eventLeases,
                events,
                clock,
                timeout,
                (kind, namespace, name) -> Optional.empty());
    }

    ObjectApi(
            ObjectStorage storage,
            Namespaces namespaces,
            ServiceAllocator allocator,
            EventLeases eventLeases,
            RepeatedEvents events,
            Clock clock,
            Duration timeout,
            ObjectCache cache) {
        this.cache = cache;
        this.storage = storage;
        this.namespaces = namespaces;
        this.allocator = allocator;
        this.eventLeases = eventLeases;
        this.events = events;
        this.clock = clock;
        this.timeout = timeout;
    }

    // ---------------------------------------------------------------------------------------------
    // create

    /** Stores a new object; see ObjectService.Create. */
    public TypedObject create(TypedObject request) {
        ObjectKind kind = ObjectKind.of(request);
        ObjectMeta requested = ObjectKind.metadata(request);
        boolean generated =
                requested.getName().isEmpty() && !requested.getGenerateName().isEmpty();
        for (int attempt = 1; ; attempt++) {
            TypedObject object = prepareForCreate(kind, request, generated);
            TypedObject defaulted = Defaults.apply(object);
            ValidationException.throwIfAny(Validation.validateCreate(defaulted));
            TxnGuard guard =
                    namespaces.activeGuard(kind, ObjectKind.metadata(defaulted).getNamespace(), attempt == 1);
            if (kind == ObjectKind.SERVICE) {
                ServiceAllocator.Allocation allocation = allocator.allocate(defaulted.getService(), null);
                defaulted = TypedObject.newBuilder()
                        .setService(allocation.service())
                        .build();
                guard = guard.and(allocation.guard());
            } else if (kind == ObjectKind.EVENT) {
                Event event = defaulted.getEvent();
                Optional<String> repeated = events.find(event);
                if (repeated.isPresent()) {
                    try {
                        return bumpCount(repeated.get(), event);
                    } catch (NotFoundException e) {
                        // Deleted while its index key lives on: drop the key and record afresh.
                        events.forget(event, repeated.get());
                        if (attempt >= MAX_ATTEMPTS) {
                            throw e;
                        }
                        continue;
                    } catch (ConflictException | GuardFailedException e) {
                        if (attempt >= MAX_ATTEMPTS) {
                            throw e;
                        }
                        continue; // expired or bumped meanwhile: look again
                    }
                }
                guard = guard.and(events.claim(event, eventLeases.leaseFor(clock.instant())));
            }
            try {
                return Futures.await(storage.create(defaulted, guard), timeout);
            } catch (AlreadyExistsException e) {
                if (!generated || attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
            } catch (GuardFailedException e) {
                // The namespace or an allocation changed under us: decide again from fresh reads.
                if (attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private TypedObject prepareForCreate(ObjectKind kind, TypedObject request, boolean generateName) {
        ObjectMeta.Builder meta = ObjectKind.metadata(request).toBuilder();
        if (generateName) {
            meta.setName(meta.getGenerateName() + randomSuffix());
        }
        meta.setUid(UUID.randomUUID().toString())
                .setResourceVersion("")
                .setGeneration(1)
                .setCreationTimestamp(wholeSeconds(clock.instant()))
                .clearDeletionTimestamp()
                .clearDeletionGracePeriodSeconds();
        TypedObject object = ObjectKind.withMetadata(request, meta.build());
        return switch (kind) {
            // The kubelet registers its Node with the status it observed; keep it.
            case NODE, CONFIG_MAP, SECRET, ENDPOINTS, LEASE, EVENT -> object;
            case POD ->
                TypedObject.newBuilder()
                        .setPod(object.getPod().toBuilder()
                                .setStatus(PodStatus.newBuilder().setPhase(PodStatus.Phase.PHASE_PENDING)))
                        .build();
            case NAMESPACE -> {
                Namespace.Builder ns = object.getNamespace().toBuilder()
                        .setStatus(NamespaceStatus.newBuilder().setPhase(NamespaceStatus.Phase.PHASE_ACTIVE));
                if (!ns.getSpec().getFinalizersList().contains(NAMESPACE_FINALIZER)) {
                    ns.getSpecBuilder().addFinalizers(NAMESPACE_FINALIZER);
                }
                yield TypedObject.newBuilder().setNamespace(ns).build();
            }
            case REPLICA_SET, DEPLOYMENT, SERVICE, INGRESS, ALERT_ROUTE -> ObjectContent.withoutStatus(object);
        };
    }

    /** Folds a repeat of {@code stored} into it: count and lastTimestamp move on, nothing is added. */
    private TypedObject bumpCount(String name, Event repeat) {
        String namespace = repeat.getMetadata().getNamespace();
        TypedObject stored = read(ObjectKind.EVENT, namespace, name)
                .orElseThrow(() -> new NotFoundException(ObjectKind.EVENT, namespace, name));
        String rv = stored.getEvent().getMetadata().getResourceVersion();
        return writeOnce(ObjectKind.EVENT, stored, rv, current -> {
            Event was = current.getEvent();
            Event.Builder bumped = was.toBuilder().setCount(was.getCount() + Math.max(1, repeat.getCount()));
            bumped.setLastTimestamp(
                    repeat.hasLastTimestamp() ? repeat.getLastTimestamp() : wholeSeconds(clock.instant()));
            return TypedObject.newBuilder().setEvent(bumped).build();
        });
    }

    private String randomSuffix() {
        StringBuilder suffix = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            suffix.append(NAME_ALPHABET.charAt(random.nextInt(NAME_ALPHABET.length())));
        }
        return suffix.toString();
    }

    // ---------------------------------------------------------------------------------------------
    // update, update-status, patch, apply

    /** Replaces content and user metadata; see ObjectService.Update. */
    public TypedObject update(TypedObject request) {
        ObjectKind kind = ObjectKind.of(request);
        ObjectMeta meta = ObjectKind.metadata(request);
        return writeLoop(kind, meta.getNamespace(), meta.getName(), meta.getResourceVersion(), current -> {
            checkUid(kind, meta, current);
            return mergeForUpdate(current, request, true);
        });
    }

    /** Replaces only the status; see ObjectService.UpdateStatus. */
    public TypedObject updateStatus(TypedObject request) {
        ObjectKind kind = ObjectKind.of(request);
        ObjectMeta meta = ObjectKind.metadata(request);
        return writeLoop(kind, meta.getNamespace(), meta.getName(), meta.getResourceVersion(), current -> {
            checkUid(kind, meta, current);
            TypedObject updated = ObjectContent.withStatusOf(current, request);
            ValidationException.throwIfAny(Validation.validateStatusUpdate(updated, current));
            return updated;
        });
    }

    /** Applies an RFC 7386 merge patch to the object's manifest form; see ObjectService.Patch. */
    public TypedObject patch(PatchRequest request) {
        ObjectKind kind = ObjectKind.forKindName(request.getKind());
        JsonNode patch;
        try {
            patch = json.readTree(request.getMergePatch().toByteArray());
        } catch (IOException e) {
            throw new ValidationException(List.of(new FieldError("mergePatch", "not valid JSON: " + e.getMessage())));
        }
        if (patch == null || !patch.isObject()) {
            throw new ValidationException(List.of(new FieldError("mergePatch", "must be a JSON object")));
        }
        String precondition = patch.path("metadata").path("resourceVersion").asText("");
        return writeLoop(kind, request.getNamespace(), request.getName(), precondition, current -> {
            JsonNode patched = MergePatch.apply(Manifests.toTree(current), patch);
            TypedObject object = Manifests.fromTree(patched);
            if (ObjectKind.of(object) != kind) {
                throw new ValidationException(List.of(new FieldError("kind", "a patch cannot change the kind")));
            }
            return mergeForUpdate(current, object, true);
        });
    }

    /** The outcome of {@link #apply}. */
    public record ApplyResult(TypedObject object, boolean created) {}

    /** Declarative create-or-replace; see ObjectService.Apply. */
    public ApplyResult apply(TypedObject request) {
        ObjectKind kind = ObjectKind.of(request);
        ObjectMeta meta = ObjectKind.metadata(request);
        for (int attempt = 1; ; attempt++) {
            Optional<TypedObject> existing = read(kind, meta.getNamespace(), meta.getName());
            if (existing.isEmpty()) {
                try {
                    return new ApplyResult(create(request), true);
                } catch (AlreadyExistsException e) {
                    if (attempt >= MAX_ATTEMPTS) {
                        throw e;
                    }
                    continue;
                }
            }
            try {
                TypedObject applied = writeOnce(kind, existing.get(), meta.getResourceVersion(), current -> {
                    checkUid(kind, meta, current);
                    return mergeForUpdate(current, request, false);
                });
                return new ApplyResult(applied, false);
            } catch (ConflictException | GuardFailedException e) {
                if (!meta.getResourceVersion().isEmpty() || attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
            } catch (NotFoundException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * The object an update of {@code current} with {@code request} stores: content from the request,
     * labels and annotations from it, owner references and finalizers from it too for an update (but
     * kept when an applied manifest leaves them out), status and server-set metadata from current.
     */
    private TypedObject mergeForUpdate(TypedObject current, TypedObject request, boolean replaceOwnership) {
        ObjectMeta was = ObjectKind.metadata(current);
        ObjectMeta asked = ObjectKind.metadata(request);
        ObjectMeta.Builder meta = was.toBuilder()
                .clearLabels()
                .putAllLabels(asked.getLabelsMap())
                .clearAnnotations()
                .putAllAnnotations(asked.getAnnotationsMap());
        if (replaceOwnership || asked.getOwnerReferencesCount() > 0) {
            meta.clearOwnerReferences().addAllOwnerReferences(asked.getOwnerReferencesList());
        }
        if (replaceOwnership || asked.getFinalizersCount() > 0) {
            meta.clearFinalizers().addAllFinalizers(asked.getFinalizersList());
        }
        TypedObject merged = ObjectContent.withContentOf(ObjectKind.withMetadata(current, meta.build()), request);
        // Kinds without spec keep some server-known content that a manifest does not repeat.
        if (ObjectKind.of(current) == ObjectKind.NAMESPACE) {
            Namespace ns = merged.getNamespace();
            if (!ns.getSpec().getFinalizersList().contains(NAMESPACE_FINALIZER)
                    && current.getNamespace().getSpec().getFinalizersList().contains(NAMESPACE_FINALIZER)
                    && !replaceOwnership) {
                merged = TypedObject.newBuilder()
                        .setNamespace(
                                ns.toBuilder().setSpec(ns.getSpec().toBuilder().addFinalizers(NAMESPACE_FINALIZER)))
                        .build();
            }
        }
        TypedObject defaulted = Defaults.apply(merged);
        if (ObjectKind.of(current) == ObjectKind.SERVICE) {
            // What the server allocated stays unless the update names other values.
            defaulted = TypedObject.newBuilder()
                    .setService(ServiceAllocator.carryOver(defaulted.getService(), current.getService()))
                    .build();
        }
        ValidationException.throwIfAny(Validation.validateUpdate(defaulted, current));
        if (was.hasDeletionTimestamp()) {
            Set<String> added =
                    new LinkedHashSet<>(ObjectKind.metadata(defaulted).getFinalizersList());
            added.removeAll(was.getFinalizersList());
            if (!added.isEmpty()) {
                throw new ValidationException(List.of(new FieldError(
                        "metadata.finalizers", "no new finalizers can be added while the object is being deleted")));
            }
        }
        return defaulted;
    }

    private static void checkUid(ObjectKind kind, ObjectMeta asked, TypedObject current) {
        ObjectMeta meta = ObjectKind.metadata(current);
        if (!asked.getUid().isEmpty() && !asked.getUid().equals(meta.getUid())) {
            throw new ConflictException(
                    kind,
                    meta.getNamespace(),
                    meta.getName(),
                    "uid " + asked.getUid(),
                    meta.getResourceVersion() + " (uid " + meta.getUid() + ")");
        }
    }

    /** Computes a new state from the current one. */
    @FunctionalInterface
    private interface Change {
        TypedObject apply(TypedObject current);
    }

    /**
     * Reads the object and writes {@code change} of it, guarded by {@code precondition} when given
     * and otherwise by the read's own resourceVersion, retrying from a fresh read when that lost a
     * race.
     */
    private TypedObject writeLoop(ObjectKind kind, String namespace, String name, String precondition, Change change) {
        if (!precondition.isEmpty()) {
            // The cached copy at exactly the precondition's resourceVersion is the object the write
            // must replace, and the Txn is guarded on that mod_revision: no linearizable read needed.
            // Anything else (cache behind, object changed or gone) takes the store path below.
            Optional<TypedObject> cached = cache.get(kind, namespace, name)
                    .filter(o -> precondition.equals(ObjectKind.metadata(o).getResourceVersion()));
            if (cached.isPresent()) {
                try {
                    return writeOnce(kind, cached.get(), precondition, change);
                } catch (ConflictException | GuardFailedException e) {
                    // changed or deleted since: the store says which
                }
            }
        }
        for (int attempt = 1; ; attempt++) {
            TypedObject current =
                    read(kind, namespace, name).orElseThrow(() -> new NotFoundException(kind, namespace, name));
            try {
                return writeOnce(kind, current, precondition, change);
            } catch (ConflictException | GuardFailedException e) {
                if (!precondition.isEmpty() || attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private TypedObject writeOnce(ObjectKind kind, TypedObject current, String precondition, Change change) {
        ObjectMeta currentMeta = ObjectKind.metadata(current);
        if (!precondition.isEmpty() && !precondition.equals(currentMeta.getResourceVersion())) {
            throw new ConflictException(
                    kind,
                    currentMeta.getNamespace(),
                    currentMeta.getName(),
                    precondition,
                    currentMeta.getResourceVersion());
        }
        TypedObject updated = change.apply(current);
        ObjectMeta.Builder meta = ObjectKind.metadata(updated).toBuilder()
                .setResourceVersion(currentMeta.getResourceVersion())
                .setGeneration(currentMeta.getGeneration());
        if (ObjectContent.contentChanged(current, updated)) {
            meta.setGeneration(currentMeta.getGeneration() + 1);
        }
        updated = ObjectKind.withMetadata(updated, meta.build());
        TxnGuard guard = TxnGuard.NONE;
        if (kind == ObjectKind.EVENT) {
            // A write without a lease would detach the key from it: every write renews the expiry.
            guard = events.refresh(current.getEvent(), eventLeases.leaseFor(clock.instant()));
        } else if (kind == ObjectKind.SERVICE) {
            ServiceAllocator.Allocation allocation = allocator.allocate(updated.getService(), current.getService());
            updated = TypedObject.newBuilder().setService(allocation.service()).build();
            guard = allocation.guard();
        }
        if (updated.equals(current)) {
            return current;
        }
        ObjectMeta after = ObjectKind.metadata(updated);
        if (after.hasDeletionTimestamp() && Deletions.readyToRemove(kind, updated)) {
            return Futures.await(
                    storage.delete(
                            kind,
                            after.getNamespace(),
                            after.getName(),
                            Optional.of(currentMeta.getResourceVersion()),
                            Deletions.releaseGuard(updated)),
                    timeout);
        }
        return Futures.await(storage.update(updated, guard), timeout);
    }

    // ---------------------------------------------------------------------------------------------
    // delete

    /** Deletes at once or starts a graceful deletion; see ObjectService.Delete. */
    public DeleteResponse delete(DeleteRequest request) {
        ObjectKind kind = ObjectKind.forKindName(request.getKind());
        String namespace = request.getNamespace();
        String name = request.getName();
        if (kind == ObjectKind.NAMESPACE && SYSTEM_NAMESPACES.contains(name)) {
            throw new ValidationException(
                    List.of(new FieldError("metadata.name", "namespace " + name + " may not be deleted")));
        }
        for (int attempt = 1; ; attempt++) {
            TypedObject current =
                    read(kind, namespace, name).orElseThrow(() -> new NotFoundException(kind, namespace, name));
            ObjectMeta meta = ObjectKind.metadata(current);
            String uid = request.getPreconditions().getUid();
            String rv = request.getPreconditions().getResourceVersion();
            if (!uid.isEmpty() && !uid.equals(meta.getUid())) {
                throw new ConflictException(kind, namespace, name, "uid " + uid, "uid " + meta.getUid());
            }
            if (!rv.isEmpty() && !rv.equals(meta.getResourceVersion())) {
                throw new ConflictException(kind, namespace, name, rv, meta.getResourceVersion());
            }
            try {
                return deleteOnce(kind, current, request);
            } catch (ConflictException | GuardFailedException e) {
                if (!rv.isEmpty() || attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private DeleteResponse deleteOnce(ObjectKind kind, TypedObject current, DeleteRequest request) {
        ObjectMeta meta = ObjectKind.metadata(current);
        Deletions.Outcome outcome = Deletions.decide(kind, current, request, clock.instant());
        TypedObject result = switch (outcome.action()) {
            case REMOVE ->
                Futures.await(
                        storage.delete(
                                kind,
                                meta.getNamespace(),
                                meta.getName(),
                                Optional.of(meta.getResourceVersion()),
                                Deletions.releaseGuard(current)),
                        timeout);
            case MARK -> Futures.await(storage.update(outcome.object()), timeout);
            case UNCHANGED -> current;
        };
        return DeleteResponse.newBuilder()
                .setObject(result)
                .setRemoved(outcome.action() == Deletions.Action.REMOVE)
                .build();
    }

    // ---------------------------------------------------------------------------------------------

    private Optional<TypedObject> read(ObjectKind kind, String namespace, String name) {
        return Futures.await(storage.get(kind, namespace, name), timeout);
    }

    static Timestamp wholeSeconds(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).build();
    }
}
