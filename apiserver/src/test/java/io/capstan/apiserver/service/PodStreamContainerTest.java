package io.capstan.apiserver.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodLogOptions;
import io.capstan.proto.api.v1.PodSpec;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

/** How PodStreamService picks the container and checks the log options, before any kubelet is called. */
class PodStreamContainerTest {

    private static Pod pod(String[] init, String... containers) {
        PodSpec.Builder spec = PodSpec.newBuilder();
        for (String name : init) {
            spec.addInitContainers(Container.newBuilder().setName(name));
        }
        for (String name : containers) {
            spec.addContainers(Container.newBuilder().setName(name));
        }
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("x"))
                .setSpec(spec)
                .build();
    }

    @Test
    void theOnlyContainerNeedsNoName() {
        assertThat(PodStreamGrpcService.containerName(pod(new String[] {"setup"}, "web"), ""))
                .isEqualTo("web");
    }

    @Test
    void severalContainersNeedANameAndTheMessageListsThem() {
        assertThatThrownBy(() -> PodStreamGrpcService.containerName(pod(new String[] {}, "web", "sidecar"), ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "container: a container name must be specified for pod \"x\", choose one of: [web sidecar]");
    }

    @Test
    void anUnknownNameIsInvalidAndInitContainersAreValid() {
        Pod pod = pod(new String[] {"setup"}, "web", "sidecar");

        assertThat(PodStreamGrpcService.containerName(pod, "setup")).isEqualTo("setup");
        assertThat(PodStreamGrpcService.containerName(pod, "sidecar")).isEqualTo("sidecar");
        assertThatThrownBy(() -> PodStreamGrpcService.containerName(pod, "db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("container: container \"db\" is not valid for pod \"x\", choose one of: [web sidecar]"
                        + " or one of the init containers: [setup]");
    }

    @Test
    void logOptionsOutOfRangeNameTheirField() {
        assertThatThrownBy(() -> PodStreamGrpcService.validate(
                        PodLogOptions.newBuilder().setTailLines(-1).build()))
                .hasMessage("options.tailLines: must be >= 0, got -1");
        assertThatThrownBy(() -> PodStreamGrpcService.validate(PodLogOptions.newBuilder()
                        .setSinceSeconds(5)
                        .setSinceTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(1))
                        .build()))
                .hasMessageStartingWith("options.sinceTime: ");
    }

    @Test
    void aKubeletsRefusalSaysWhichSideRefused() {
        Status status = StreamRelay.describe(
                Status.UNAUTHENTICATED.withDescription("authorization: token not accepted by this kubelet"),
                "node \"n1\" (127.0.0.1:10250)");

        assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(status.getDescription())
                .isEqualTo("the kubelet of node \"n1\" (127.0.0.1:10250) refused the API server's credentials:"
                        + " authorization: token not accepted by this kubelet");
        Status passed = StreamRelay.describe(Status.NOT_FOUND.withDescription("gone"), "node \"n1\"");
        assertThat(passed.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(passed.getDescription()).isEqualTo("gone");
    }
}
