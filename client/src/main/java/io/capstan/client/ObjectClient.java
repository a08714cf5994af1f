package io.capstan.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.capstan.proto.api.v1.AlertRoute;
import io.capstan.proto.api.v1.ApplyRequest;
import io.capstan.proto.api.v1.ApplyResponse;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.CreateRequest;
import io.capstan.proto.api.v1.DeleteRequest;
import io.capstan.proto.api.v1.DeleteResponse;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.GetRequest;
import io.capstan.proto.api.v1.Ingress;
import io.capstan.proto.api.v1.Lease;
import io.capstan.proto.api.v1.ListRequest;
import io.capstan.proto.api.v1.ListResponse;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.ObjectServiceGrpc;
import io.capstan.proto.api.v1.ObjectServiceGrpc.ObjectServiceBlockingStub;
import io.capstan.proto.api.v1.PatchRequest;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodExecRequest;
import io.capstan.proto.api.v1.PodLogOptions;
import io.capstan.proto.api.v1.PodLogsRequest;
import io.capstan.proto.api.v1.PodStreamServiceGrpc;
import io.capstan.proto.api.v1.Preconditions;
import io.capstan.proto.api.v1.ReplicaSet;
import io.capstan.proto.api.v1.Secret;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.UpdateRequest;
import io.capstan.proto.api.v1.UpdateStatusRequest;
import io.capstan.proto.api.v1.WatchRequest;
import io.grpc.CallCredentials;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The object API over gRPC, with every verb, for objects of any kind as {@link TypedObject}s; the
 * typed view of one kind is {@link #kind} ({@code client.pods().get(ns, name)} gives a {@link Pod}).
 * Also a pod's container logs and exec ({@link #logs}, {@link #exec}), relayed by the API server
 * to the pod's kubelet.
 *
 * <p><b>Endpoints and failover.</b> Calls go to one API server at a time. When a call finds it
 * UNAVAILABLE (the server is gone, or its store did not answer), later calls go to the next
 * endpoint; see {@link ClientConfig} for the order.
 *
 * <p><b>What is retried.</b> Only UNAVAILABLE is retried, with failover and a bounded back-off
 * ({@link ClientConfig#maxAttempts()}, within the call's deadline). Every verb is retried, because
 * each is either a read or a write whose repetition has the same effect or is refused:
 *
 * <ul>
 *   <li>get and list are reads; a watch is opened once and its listener decides what follows;
 *   <li>update, updateStatus, patch and apply with a metadata.resourceVersion are guarded: if the
 *       first attempt landed, the retry fails with {@link ConflictException}; without one they
 *       write the same content again, which the server does not even store as a change;
 *   <li>a create of a named object fails on the retry with {@link AlreadyExistsException} if the
 *       first attempt landed; a delete with {@link NotFoundException} (or Conflict, with
 *       preconditions).
 * </ul>
 *
 * Such an exception has {@link ApiException#afterRetry()} set: the caller decides whether the
 * object it finds is its own. <b>Not retried:</b> a create with generateName and no name, which a
 * retry could create twice; its UNAVAILABLE is thrown as it is. DEADLINE_EXCEEDED is not retried
 * either: the call's time is used up.
 *
 * <p>Thread-safe. Blocking calls throw {@link ApiException} subclasses; see each exception for
 * the status it stands for. {@link #close()} shuts the channels; views from {@link #withDeadline}
 * share them and must not be used after it.
 */
public final class ObjectClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ObjectClient.class);
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final ClientConfig config;
    private final Channels channels;
    private final CallCredentials credentials;
    private final Duration deadline;
    private final boolean ownsChannels;

    private ObjectClient(ClientConfig config, Channels channels, Duration deadline, boolean ownsChannels) {
        this.config = config;
        this.channels = channels;
        this.credentials = bearer(config.token());
        this.deadline = deadline;
        this.ownsChannels = ownsChannels;
    }

    /** A client of the API servers in {@code config}; connects lazily, on the first call. */
    public static ObjectClient connect(ClientConfig config) {
        return new ObjectClient(config, new Channels(config.endpoints()), config.callDeadline(), true);
    }

    /** A view whose calls have {@code callDeadline} in all; it shares this client's channels. */
    public ObjectClient withDeadline(Duration callDeadline) {
        return new ObjectClient(config, channels, callDeadline, false);
    }

    public ClientConfig config() {
        return config;
    }

    // ---------------------------------------------------------------------------------------------
    // typed views

    public <T extends Message> KindClient<T> kind(Kind<T> kind) {
        return new KindClient<>(this, kind);
    }

    public KindClient<Namespace> namespaces() {
        return kind(Kind.NAMESPACE);
    }

    public KindClient<Node> nodes() {
        return kind(Kind.NODE);
    }

    public KindClient<Pod> pods() {
        return kind(Kind.POD);
    }

    public KindClient<ReplicaSet> replicaSets() {
        return kind(Kind.REPLICA_SET);
    }

    public KindClient<Deployment> deployments() {
        return kind(Kind.DEPLOYMENT);
    }

    public KindClient<Service> services() {
        return kind(Kind.SERVICE);
    }

    public KindClient<Endpoints> endpoints() {
        return kind(Kind.ENDPOINTS);
    }

    public KindClient<ConfigMap> configMaps() {
        return kind(Kind.CONFIG_MAP);
    }

    public KindClient<Secret> secrets() {
        return kind(Kind.SECRET);
    }

    public KindClient<Lease> leases() {
        return kind(Kind.LEASE);
    }

    public KindClient<Event> events() {
        return kind(Kind.EVENT);
    }

    public KindClient<Ingress> ingresses() {
        return kind(Kind.INGRESS);
    }

    public KindClient<AlertRoute> alertRoutes() {
        return kind(Kind.ALERT_ROUTE);
    }

    // ---------------------------------------------------------------------------------------------
    // verbs

    /** Stores a new object; the answer carries the server-set fields and defaults. */
    public TypedObject create(TypedObject object) {
        boolean named = !Kind.metadataOf(object).getName().isEmpty();
        CreateRequest request = CreateRequest.newBuilder().setObject(object).build();
        return call("create", named, stub -> stub.create(request)).getObject();
    }

    /** The latest state of one object (a linearizable read). */
    public TypedObject get(String kind, String namespace, String name) {
        GetRequest request = GetRequest.newBuilder()
                .setKind(kind)
                .setNamespace(namespace)
                .setName(name)
                .build();
        return call("get", true, stub -> stub.get(request)).getObject();
    }

    /** One page of objects of {@code kind}. */
    public ObjectList<TypedObject> list(String kind, ListOptions options) {
        ListRequest request = ListRequest.newBuilder()
                .setKind(kind)
                .setNamespace(options.namespace())
                .setLabelSelector(options.labelSelector())
                .setFieldSelector(options.fieldSelector())
                .setLimit(options.limit())
                .setContinue(options.continueToken())
                .setResourceVersion(options.resourceVersion())
                .build();
        ListResponse response = call("list", true, stub -> stub.list(request));
        return new ObjectList<>(response.getItemsList(), response.getResourceVersion(), response.getContinue());
    }

    /**
     * Every object of {@code kind} that {@code options} selects, following continue tokens from the
     * page {@code options} starts at; pages of {@code options.limit()} items. The result is
     * consistent at its resourceVersion. If a continue token expires midway, as client-go's pager
     * does it falls back to one unpaged list.
     */
    public ObjectList<TypedObject> listAll(String kind, ListOptions options) {
        List<TypedObject> items = new ArrayList<>();
        ListOptions page = options;
        @Nullable String resourceVersion = null;
        while (true) {
            ObjectList<TypedObject> result;
            try {
                result = list(kind, page);
            } catch (ExpiredException e) {
                if (page.continueToken().isEmpty()) {
                    throw e;
                }
                log.info("Continue token of a {} list expired, listing again without pages", kind);
                ObjectList<TypedObject> full =
                        list(kind, options.withContinue("").withLimit(0));
                return new ObjectList<>(full.items(), full.resourceVersion(), "");
            }
            items.addAll(result.items());
            if (resourceVersion == null) {
                resourceVersion = result.resourceVersion();
            }
            if (!result.hasMore()) {
                return new ObjectList<>(items, resourceVersion, "");
            }
            page = page.withContinue(result.continueToken()).withResourceVersion("");
        }
    }

    /**
     * Replaces content and user metadata. With metadata.resourceVersion set, only if it is still
     * current (else {@link ConflictException}); empty writes whatever is current.
     */
    public TypedObject update(TypedObject object) {
        UpdateRequest request = UpdateRequest.newBuilder().setObject(object).build();
        return call("update", true, stub -> stub.update(request)).getObject();
    }

    /** Replaces only the status, with {@link #update}'s resourceVersion rule. */
    public TypedObject updateStatus(TypedObject object) {
        UpdateStatusRequest request =
                UpdateStatusRequest.newBuilder().setObject(object).build();
        return call("updateStatus", true, stub -> stub.updateStatus(request)).getObject();
    }

    /**
     * Applies an RFC 7386 JSON merge patch over the object's manifest form (lowerCamelCase fields);
     * {@code metadata.resourceVersion} in the patch is a precondition.
     */
    public TypedObject patch(String kind, String namespace, String name, String mergePatchJson) {
        PatchRequest request = PatchRequest.newBuilder()
                .setKind(kind)
                .setNamespace(namespace)
                .setName(name)
                .setMergePatch(ByteString.copyFrom(mergePatchJson, StandardCharsets.UTF_8))
                .build();
        return call("patch", true, stub -> stub.patch(request)).getObject();
    }

    /** Declarative create-or-replace of content, labels and annotations. */
    public Applied<TypedObject> apply(TypedObject object) {
        boolean named = !Kind.metadataOf(object).getName().isEmpty();
        ApplyRequest request = ApplyRequest.newBuilder().setObject(object).build();
        ApplyResponse response = call("apply", named, stub -> stub.apply(request));
        return new Applied<>(response.getObject(), response.getCreated());
    }

    public Deleted<TypedObject> delete(String kind, String namespace, String name, DeleteOptions options) {
        DeleteRequest.Builder request = DeleteRequest.newBuilder()
                .setKind(kind)
                .setNamespace(namespace)
                .setName(name)
                .setPropagationPolicy(options.propagation())
                .setPreconditions(Preconditions.newBuilder()
                        .setUid(options.preconditionUid())
                        .setResourceVersion(options.preconditionResourceVersion()));
        Duration grace = options.gracePeriod();
        if (grace != null) {
            long seconds = grace.getSeconds() + (grace.getNano() > 0 ? 1 : 0);
            request.setGracePeriodSeconds(seconds);
        }
        DeleteRequest built = request.build();
        DeleteResponse response = call("delete", true, stub -> stub.delete(built));
        return new Deleted<>(response.getObject(), response.getRemoved());
    }

    /**
     * Opens a watch on the current endpoint; events and the end of the stream go to {@code
     * listener}. Not retried here: a stream that ends UNAVAILABLE moves later calls to the next
     * endpoint, and the listener watches again from the last resourceVersion it saw (as {@link
     * io.capstan.client.informer.Informer} does).
     */
    public Watch watch(String kind, WatchOptions options, WatchListener<TypedObject> listener) {
        WatchRequest request = WatchRequest.newBuilder()
                .setKind(kind)
                .setNamespace(options.namespace())
                .setLabelSelector(options.labelSelector())
                .setFieldSelector(options.fieldSelector())
                .setResourceVersion(options.resourceVersion())
                .setAllowBookmarks(options.allowBookmarks())
                .setSendInitialEvents(options.sendInitialEvents())
                .build();
        Channels.Endpoint endpoint = channels.current();
        WatchStream stream = new WatchStream(endpoint, channels, listener);
        ObjectServiceGrpc.newStub(endpoint.channel())
                .withCallCredentials(credentials)
                .watch(request, stream);
        return stream;
    }

    /**
     * Streams the log of a container of pod {@code namespace/pod} to {@code listener}, through the
     * API server and the kubelet of the pod's node. Returns at once; {@link PodStream#await} waits
     * for the end (with {@link LogOptions#follow()}, when the container exits) and {@link
     * PodStream#close} stops it. Not retried: a failure, including UNAVAILABLE, ends the stream
     * and {@code await} throws it.
     */
    public PodStream logs(String namespace, String pod, LogOptions options, OutputListener listener) {
        PodLogOptions.Builder wire = PodLogOptions.newBuilder()
                .setFollow(options.follow())
                .setTimestamps(options.timestamps())
                .setPrevious(options.previous());
        if (options.tailLines() >= 0) {
            wire.setTailLines(options.tailLines());
        }
        Duration since = options.since();
        if (since != null) {
            // Kubernetes' sinceSeconds rounds up, so a window never loses its first line
            wire.setSinceSeconds(since.getSeconds() + (since.getNano() > 0 ? 1 : 0));
        }
        Instant sinceTime = options.sinceTime();
        if (sinceTime != null) {
            wire.setSinceTime(Timestamp.newBuilder()
                    .setSeconds(sinceTime.getEpochSecond())
                    .setNanos(sinceTime.getNano()));
        }
        PodLogsRequest request = PodLogsRequest.newBuilder()
                .setNamespace(namespace)
                .setName(pod)
                .setContainer(options.container())
                .setOptions(wire)
                .build();
        PodStream stream = PodStream.create();
        PodStreamServiceGrpc.newStub(channels.current().channel())
                .withCallCredentials(credentials)
                .logs(request, PodStream.logs(stream, listener));
        return stream;
    }

    /**
     * Runs {@code command} (not through a shell) in a running container of pod {@code
     * namespace/pod} and streams its stdout and stderr to {@code listener}. {@code container} may
     * be empty when the pod has one container. {@link PodStream#await} returns the command's exit
     * code; {@link PodStream#close} kills the command. Not retried.
     */
    public PodStream exec(
            String namespace, String pod, String container, List<String> command, OutputListener listener) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command: required");
        }
        PodExecRequest request = PodExecRequest.newBuilder()
                .setNamespace(namespace)
                .setName(pod)
                .setContainer(container)
                .addAllCommand(command)
                .build();
        PodStream stream = PodStream.create();
        PodStreamServiceGrpc.newStub(channels.current().channel())
                .withCallCredentials(credentials)
                .exec(request, PodStream.exec(stream, listener));
        return stream;
    }

    /** Shuts the channels down; open watches end. Does nothing on a view from {@link #withDeadline}. */
    @Override
    public void close() {
        if (ownsChannels) {
            channels.close();
        }
    }

    // ---------------------------------------------------------------------------------------------

    private <R> R call(String verb, boolean retryable, Function<ObjectServiceBlockingStub, R> rpc) {
        Deadline callDeadline = Deadline.after(deadline.toNanos(), TimeUnit.NANOSECONDS);
        Duration backoff = config.initialBackoff();
        boolean afterRetry = false;
        for (int attempt = 1; ; attempt++) {
            Channels.Endpoint endpoint = channels.current();
            ObjectServiceBlockingStub stub = ObjectServiceGrpc.newBlockingStub(endpoint.channel())
                    .withCallCredentials(credentials)
                    .withDeadline(callDeadline);
            try {
                return rpc.apply(stub);
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
                    throw ApiErrors.from(e, afterRetry);
                }
                channels.failed(endpoint);
                if (!retryable || attempt >= config.maxAttempts() || callDeadline.isExpired()) {
                    throw ApiErrors.from(e, afterRetry);
                }
                log.debug(
                        "{} on {} unavailable (attempt {}), retrying: {}",
                        verb,
                        endpoint.target(),
                        attempt,
                        e.getStatus());
                if (attempt >= channels.size()) {
                    // every endpoint has had a chance: back off before going round again
                    pause(backoff, callDeadline);
                    backoff = backoff.multipliedBy(2).compareTo(config.maxBackoff()) > 0
                            ? config.maxBackoff()
                            : backoff.multipliedBy(2);
                }
                afterRetry = true;
            }
        }
    }

    private static void pause(Duration backoff, Deadline callDeadline) {
        long nanos = Math.min(backoff.toNanos(), callDeadline.timeRemaining(TimeUnit.NANOSECONDS));
        if (nanos <= 0) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(Status.Code.CANCELLED, "interrupted while waiting to retry", true);
        }
    }

    private static CallCredentials bearer(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                headers.put(AUTHORIZATION, "Bearer " + token);
                applier.apply(headers);
            }
        };
    }
}
