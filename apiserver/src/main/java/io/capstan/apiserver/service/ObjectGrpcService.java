package io.capstan.apiserver.service;

import io.capstan.apiserver.storage.NotFoundException;
import io.capstan.apiserver.storage.ObjectKind;
import io.capstan.apiserver.storage.ObjectStorage;
import io.capstan.apiserver.storage.ObjectStorage.ListPage;
import io.capstan.apiserver.watch.ObjectFilter;
import io.capstan.apiserver.watch.WatchCaches;
import io.capstan.apiserver.watch.WatchCall;
import io.capstan.proto.api.v1.ApplyRequest;
import io.capstan.proto.api.v1.ApplyResponse;
import io.capstan.proto.api.v1.CreateRequest;
import io.capstan.proto.api.v1.CreateResponse;
import io.capstan.proto.api.v1.DeleteRequest;
import io.capstan.proto.api.v1.DeleteResponse;
import io.capstan.proto.api.v1.GetRequest;
import io.capstan.proto.api.v1.GetResponse;
import io.capstan.proto.api.v1.ListRequest;
import io.capstan.proto.api.v1.ListResponse;
import io.capstan.proto.api.v1.ObjectServiceGrpc;
import io.capstan.proto.api.v1.PatchRequest;
import io.capstan.proto.api.v1.PatchResponse;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.UpdateRequest;
import io.capstan.proto.api.v1.UpdateResponse;
import io.capstan.proto.api.v1.UpdateStatusRequest;
import io.capstan.proto.api.v1.UpdateStatusResponse;
import io.capstan.proto.api.v1.WatchEvent;
import io.capstan.proto.api.v1.WatchRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * ObjectService over gRPC: unpacks requests, runs them through {@link ObjectApi} (writes),
 * {@link ObjectStorage} or the watch cache (reads), and turns failures into statuses with
 * {@link ApiErrors}. Every unary call is counted and timed by verb, kind and status code.
 */
public final class ObjectGrpcService extends ObjectServiceGrpc.ObjectServiceImplBase {
    private final ObjectApi api;
    private final ObjectStorage storage;
    private final WatchCaches caches;
    private final MeterRegistry registry;
    private final Duration timeout;

    ObjectGrpcService(
            ObjectApi api, ObjectStorage storage, WatchCaches caches, MeterRegistry registry, Duration timeout) {
        this.api = api;
        this.storage = storage;
        this.caches = caches;
        this.registry = registry;
        this.timeout = timeout;
    }

    @Override
    public void create(CreateRequest request, StreamObserver<CreateResponse> response) {
        unary(
                "create",
                kindOf(request.getObject()),
                response,
                () -> CreateResponse.newBuilder()
                        .setObject(api.create(request.getObject()))
                        .build());
    }

    @Override
    public void get(GetRequest request, StreamObserver<GetResponse> response) {
        unary("get", request.getKind(), response, () -> {
            ObjectKind kind = parseKind(request.getKind());
            TypedObject object = request.getResourceVersion().equals("0")
                    ? Futures.await(caches.cache(kind).get(request.getNamespace(), request.getName()), timeout)
                            .orElseThrow(() -> new NotFoundException(kind, request.getNamespace(), request.getName()))
                    : Futures.await(storage.get(kind, request.getNamespace(), request.getName()), timeout)
                            .orElseThrow(() -> new NotFoundException(kind, request.getNamespace(), request.getName()));
            return GetResponse.newBuilder().setObject(object).build();
        });
    }

    @Override
    public void list(ListRequest request, StreamObserver<ListResponse> response) {
        unary("list", request.getKind(), response, () -> list(request));
    }

    private ListResponse list(ListRequest request) {
        ObjectKind kind = parseKind(request.getKind());
        ObjectFilter filter = ObjectFilter.parse(
                kind, request.getNamespace(), request.getLabelSelector(), request.getFieldSelector());
        if (!request.getContinue().isEmpty() && !request.getResourceVersion().isEmpty()) {
            throw new IllegalArgumentException("resourceVersion: must be empty when continue is given");
        }
        ListPage page = request.getResourceVersion().equals("0")
                ? Futures.await(caches.cache(kind).list(filter), timeout)
                : Futures.await(
                        storage.list(kind, request.getNamespace(), request.getLimit(), request.getContinue()), timeout);
        ListResponse.Builder out = ListResponse.newBuilder().setResourceVersion(page.resourceVersion());
        for (TypedObject item : page.items()) {
            if (filter.matches(item)) {
                out.addItems(item);
            }
        }
        page.continueToken().ifPresent(out::setContinue);
        return out.build();
    }

    @Override
    public void update(UpdateRequest request, StreamObserver<UpdateResponse> response) {
        unary(
                "update",
                kindOf(request.getObject()),
                response,
                () -> UpdateResponse.newBuilder()
                        .setObject(api.update(request.getObject()))
                        .build());
    }

    @Override
    public void updateStatus(UpdateStatusRequest request, StreamObserver<UpdateStatusResponse> response) {
        unary(
                "update_status",
                kindOf(request.getObject()),
                response,
                () -> UpdateStatusResponse.newBuilder()
                        .setObject(api.updateStatus(request.getObject()))
                        .build());
    }

    @Override
    public void patch(PatchRequest request, StreamObserver<PatchResponse> response) {
        unary(
                "patch",
                request.getKind(),
                response,
                () -> PatchResponse.newBuilder().setObject(api.patch(request)).build());
    }

    @Override
    public void apply(ApplyRequest request, StreamObserver<ApplyResponse> response) {
        unary("apply", kindOf(request.getObject()), response, () -> {
            ObjectApi.ApplyResult result = api.apply(request.getObject());
            return ApplyResponse.newBuilder()
                    .setObject(result.object())
                    .setCreated(result.created())
                    .build();
        });
    }

    @Override
    public void delete(DeleteRequest request, StreamObserver<DeleteResponse> response) {
        unary("delete", request.getKind(), response, () -> api.delete(request));
    }

    @Override
    public void watch(WatchRequest request, StreamObserver<WatchEvent> response) {
        try {
            WatchCall.serve(caches, request, (ServerCallStreamObserver<WatchEvent>) response);
            registry.counter("capstan.api.watches", "kind", request.getKind(), "code", "OK")
                    .increment();
        } catch (RuntimeException e) {
            StatusRuntimeException status = ApiErrors.toStatus(e);
            registry.counter(
                            "capstan.api.watches",
                            "kind",
                            request.getKind(),
                            "code",
                            status.getStatus().getCode().name())
                    .increment();
            response.onError(status);
        }
    }

    private <T> void unary(String verb, String kind, StreamObserver<T> response, Supplier<T> call) {
        long start = System.nanoTime();
        String code = Status.Code.OK.name();
        try {
            T result = call.get();
            response.onNext(result);
            response.onCompleted();
        } catch (RuntimeException e) {
            StatusRuntimeException status = ApiErrors.toStatus(e);
            code = status.getStatus().getCode().name();
            response.onError(status);
        } finally {
            Timer.builder("capstan.api.requests")
                    .description("Object API calls by verb, kind and status code")
                    .tags("verb", verb, "kind", kind, "code", code)
                    .publishPercentileHistogram()
                    .register(registry)
                    .record(Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private static ObjectKind parseKind(String kind) {
        return ObjectKind.forKindName(kind);
    }

    private static String kindOf(TypedObject object) {
        return object.getObjectCase() == TypedObject.ObjectCase.OBJECT_NOT_SET
                ? "none"
                : ObjectKind.of(object).kindName();
    }
}
