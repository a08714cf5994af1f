package io.capstan.apiserver.service;

import io.capstan.apiserver.storage.NotFoundException;
import io.capstan.apiserver.storage.ObjectKind;
import io.capstan.apiserver.storage.ObjectStorage;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.ExecOutput;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.OutputChunk;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodExecRequest;
import io.capstan.proto.api.v1.PodLogOptions;
import io.capstan.proto.api.v1.PodLogsRequest;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.PodStreamServiceGrpc;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.kubelet.v1.ContainerExecRequest;
import io.capstan.proto.kubelet.v1.ContainerLogsRequest;
import io.capstan.proto.kubelet.v1.ContainerRef;
import io.capstan.proto.kubelet.v1.KubeletServiceGrpc;
import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.stream.Stream;

/**
 * PodStreamService: finds the kubelet of a pod's node and relays the call to it (see
 * capstan/api/v1/pod_stream_service.proto). The caller is authenticated by the same interceptor as
 * ObjectService; the kubelet is called with the cluster's kubelet-client token ({@link
 * KubeletClientSecret}). The Pod, Node and Secret are read from the store (linearizable), so a pod
 * bound a moment ago is found. Calls are counted by verb and status code.
 */
final class PodStreamGrpcService extends PodStreamServiceGrpc.PodStreamServiceImplBase {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final ObjectStorage storage;
    private final KubeletClientSecret secret;
    private final KubeletChannels channels;
    private final MeterRegistry registry;
    private final Duration timeout;

    PodStreamGrpcService(
            ObjectStorage storage,
            KubeletClientSecret secret,
            KubeletChannels channels,
            MeterRegistry registry,
            Duration timeout) {
        this.storage = storage;
        this.secret = secret;
        this.channels = channels;
        this.registry = registry;
        this.timeout = timeout;
    }

    @Override
    public void logs(PodLogsRequest request, StreamObserver<OutputChunk> observer) {
        ServerCallStreamObserver<OutputChunk> caller = (ServerCallStreamObserver<OutputChunk>) observer;
        try {
            validate(request.getOptions());
            Target target = resolve(request.getNamespace(), request.getName(), request.getContainer());
            ContainerLogsRequest forward = ContainerLogsRequest.newBuilder()
                    .setContainer(target.ref())
                    .setOptions(request.getOptions())
                    .build();
            StreamRelay<ContainerLogsRequest, OutputChunk> relay = new StreamRelay<>(caller, target.describe());
            kubelet(target).logs(forward, relay);
            count("logs", "OK");
        } catch (RuntimeException e) {
            fail("logs", caller, e);
        }
    }

    @Override
    public void exec(PodExecRequest request, StreamObserver<ExecOutput> observer) {
        ServerCallStreamObserver<ExecOutput> caller = (ServerCallStreamObserver<ExecOutput>) observer;
        try {
            if (request.getCommandCount() == 0 || request.getCommand(0).isEmpty()) {
                throw new IllegalArgumentException("command: required");
            }
            Target target = resolve(request.getNamespace(), request.getName(), request.getContainer());
            PodStatus.Phase phase = target.pod().getStatus().getPhase();
            if (phase == PodStatus.Phase.PHASE_SUCCEEDED || phase == PodStatus.Phase.PHASE_FAILED) {
                throw Status.FAILED_PRECONDITION
                        .withDescription("cannot exec into a container in a completed pod; current phase is "
                                + (phase == PodStatus.Phase.PHASE_SUCCEEDED ? "Succeeded" : "Failed"))
                        .asRuntimeException();
            }
            ContainerExecRequest forward = ContainerExecRequest.newBuilder()
                    .setContainer(target.ref())
                    .addAllCommand(request.getCommandList())
                    .build();
            StreamRelay<ContainerExecRequest, ExecOutput> relay = new StreamRelay<>(caller, target.describe());
            kubelet(target).exec(forward, relay);
            count("exec", "OK");
        } catch (RuntimeException e) {
            fail("exec", caller, e);
        }
    }

    /** The pod's container on its node's kubelet. */
    private record Target(Pod pod, String container, String node, String endpoint) {
        ContainerRef ref() {
            return ContainerRef.newBuilder()
                    .setPodNamespace(pod.getMetadata().getNamespace())
                    .setPodName(pod.getMetadata().getName())
                    .setPodUid(pod.getMetadata().getUid())
                    .setContainer(container)
                    .build();
        }

        String describe() {
            return "node \"" + node + "\" (" + endpoint + ")";
        }
    }

    private Target resolve(String namespace, String name, String container) {
        if (namespace.isEmpty()) {
            throw new IllegalArgumentException("namespace: required");
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name: required");
        }
        Pod pod = Futures.await(storage.get(ObjectKind.POD, namespace, name), timeout)
                .map(TypedObject::getPod)
                .orElseThrow(() -> new NotFoundException(ObjectKind.POD, namespace, name));
        String containerName = containerName(pod, container);
        String nodeName = pod.getSpec().getNodeName();
        if (nodeName.isEmpty()) {
            throw Status.FAILED_PRECONDITION
                    .withDescription("pod is not scheduled: pod \"" + name + "\" has no spec.nodeName yet")
                    .asRuntimeException();
        }
        Optional<Node> node = Futures.await(storage.get(ObjectKind.NODE, "", nodeName), timeout)
                .map(TypedObject::getNode);
        if (node.isEmpty()) {
            throw Status.FAILED_PRECONDITION
                    .withDescription("node \"" + nodeName + "\" of pod \"" + name + "\" does not exist")
                    .asRuntimeException();
        }
        String endpoint = node.get().getStatus().getKubeletEndpoint();
        if (endpoint.isEmpty()) {
            throw Status.FAILED_PRECONDITION
                    .withDescription("node \"" + nodeName
                            + "\" has no kubelet endpoint (status.kubeletEndpoint is empty): its kubelet has not"
                            + " registered one")
                    .asRuntimeException();
        }
        return new Target(pod, containerName, nodeName, endpoint);
    }

    /**
     * The container the request names, as kubectl chooses it: the only container when none is
     * named, else one of the pod's containers or init containers.
     */
    static String containerName(Pod pod, String requested) {
        List<String> containers = pod.getSpec().getContainersList().stream()
                .map(Container::getName)
                .toList();
        List<String> init = pod.getSpec().getInitContainersList().stream()
                .map(Container::getName)
                .toList();
        String podName = pod.getMetadata().getName();
        if (requested.isEmpty()) {
            if (containers.size() == 1) {
                return containers.get(0);
            }
            throw new IllegalArgumentException("container: a container name must be specified for pod \"" + podName
                    + "\", choose one of: " + choices(containers, init));
        }
        if (Stream.concat(containers.stream(), init.stream()).noneMatch(requested::equals)) {
            throw new IllegalArgumentException("container: container \"" + requested + "\" is not valid for pod \""
                    + podName + "\", choose one of: " + choices(containers, init));
        }
        return requested;
    }

    private static String choices(List<String> containers, List<String> init) {
        String listed = "[" + String.join(" ", containers) + "]";
        return init.isEmpty() ? listed : listed + " or one of the init containers: [" + String.join(" ", init) + "]";
    }

    static void validate(PodLogOptions options) {
        if (options.hasTailLines() && options.getTailLines() < 0) {
            throw new IllegalArgumentException("options.tailLines: must be >= 0, got " + options.getTailLines());
        }
        if (options.getSinceSeconds() < 0) {
            throw new IllegalArgumentException("options.sinceSeconds: must be >= 0, got " + options.getSinceSeconds());
        }
        if (options.getSinceSeconds() > 0 && options.hasSinceTime()) {
            throw new IllegalArgumentException(
                    "options.sinceTime: at most one of sinceSeconds and sinceTime may be set");
        }
    }

    private KubeletServiceGrpc.KubeletServiceStub kubelet(Target target) {
        String token = secret.token();
        // Made in the caller's gRPC context: its deadline and its cancellation carry over to this call.
        return KubeletServiceGrpc.newStub(channels.channel(target.endpoint())).withCallCredentials(bearer(token));
    }

    private void fail(String verb, StreamObserver<?> caller, RuntimeException e) {
        StatusRuntimeException status = ApiErrors.toStatus(e);
        count(verb, status.getStatus().getCode().name());
        caller.onError(status);
    }

    private void count(String verb, String code) {
        registry.counter("capstan.api.pod.streams", "verb", verb, "code", code).increment();
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
