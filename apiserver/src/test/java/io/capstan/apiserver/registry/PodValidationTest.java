package io.capstan.apiserver.registry;

import static io.capstan.apiserver.registry.PodSpecChanges.WEB;
import static io.capstan.apiserver.registry.PodSpecChanges.podWith;
import static io.capstan.apiserver.registry.PodSpecChanges.webWith;
import static io.capstan.apiserver.registry.ValidationAssertions.assertRejected;
import static io.capstan.apiserver.registry.ValidationAssertions.assertValid;

import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.ContainerPort;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.TaintEffect;
import io.capstan.proto.api.v1.Toleration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Pod validation of containers, ports and pod-level fields (restart policy, grace, scheduling, tolerations); env, resources, volumes and probes have classes of their own. */
class PodValidationTest {
    @Test
    void needsAtLeastOneContainer() {
        assertRejected(podWith(PodSpec.Builder::clearContainers), "spec.containers", "required");
    }

    @Test
    void containersNeedANameThatIsADns1123Label() {
        assertRejected(webWith(Container.Builder::clearName), WEB + ".name", "required");
        assertRejected(webWith(c -> c.setName("Web")), WEB + ".name", "DNS-1123 label");
        assertRejected(webWith(c -> c.setName("web.server")), WEB + ".name", "DNS-1123 label");
    }

    @Test
    void containerNamesAreUniqueAcrossInitAndRegularContainers() {
        assertRejected(webWith(c -> c.setName("sidecar")), "spec.containers[1].name", "duplicate value \"sidecar\"");
        assertRejected(webWith(c -> c.setName("migrate")), WEB + ".name", "duplicate value \"migrate\"");
    }

    @Test
    void containersNeedAnImageWithoutSurroundingWhitespace() {
        assertRejected(webWith(Container.Builder::clearImage), WEB + ".image", "required");
        assertRejected(
                podWith(spec -> spec.setInitContainers(
                        0, spec.getInitContainers(0).toBuilder().clearImage())),
                "spec.initContainers[0].image",
                "required");
        assertRejected(webWith(c -> c.setImage(" nginx")), WEB + ".image", "whitespace");
    }

    @Test
    void pullPolicyMustBeSpecifiedAfterDefaulting() {
        assertRejected(
                webWith(c -> c.setImagePullPolicy(Container.PullPolicy.PULL_POLICY_UNSPECIFIED)),
                WEB + ".imagePullPolicy",
                "required");
        assertRejected(webWith(c -> c.setImagePullPolicyValue(9)), WEB + ".imagePullPolicy", "unsupported value");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65536})
    void containerPortsAreBetween1And65535(int port) {
        assertRejected(
                webWith(c -> c.setPorts(0, c.getPorts(0).toBuilder().setContainerPort(port))),
                WEB + ".ports[0].containerPort",
                "must be between 1 and 65535, got " + port);
    }

    @Test
    void hostPortsAreZeroOrAPortAndNotRepeated() {
        assertValid(webWith(c -> c.setPorts(0, c.getPorts(0).toBuilder().setHostPort(8080))));
        assertRejected(
                webWith(c -> c.setPorts(0, c.getPorts(0).toBuilder().setHostPort(70000))),
                WEB + ".ports[0].hostPort",
                "between 1 and 65535");
        assertRejected(
                webWith(c -> c.setPorts(0, c.getPorts(0).toBuilder().setHostPort(8080))
                        .setPorts(1, c.getPorts(1).toBuilder().setHostPort(8080))),
                WEB + ".ports[1].hostPort",
                "duplicate value \"8080\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP", "http_alt", "-http", "http-", "h--p", "1234", "very-long-name-x"})
    void portNamesAreIanaServiceNames(String name) {
        assertRejected(
                webWith(c -> c.setPorts(0, c.getPorts(0).toBuilder().setName(name))),
                WEB + ".ports[0].name",
                "IANA service name");
    }

    @Test
    void portNamesAreUniqueInThePod() {
        assertValid(webWith(c -> c.setPorts(0, c.getPorts(0).toBuilder().setName("web-http2"))));
        assertRejected(
                podWith(spec -> spec.setContainers(
                        1,
                        spec.getContainers(1).toBuilder()
                                .addPorts(ContainerPort.newBuilder()
                                        .setName("http")
                                        .setContainerPort(7000)
                                        .setProtocol(Protocol.PROTOCOL_TCP)))),
                "spec.containers[1].ports[0].name",
                "duplicate value \"http\"");
    }

    @Test
    void portProtocolMustBeSpecifiedAfterDefaulting() {
        assertRejected(
                webWith(c -> c.setPorts(0, c.getPorts(0).toBuilder().setProtocol(Protocol.PROTOCOL_UNSPECIFIED))),
                WEB + ".ports[0].protocol",
                "required");
    }

    @Test
    void restartPolicyMustBeSpecifiedAfterDefaulting() {
        assertRejected(
                podWith(spec -> spec.setRestartPolicy(PodSpec.RestartPolicy.RESTART_POLICY_UNSPECIFIED)),
                "spec.restartPolicy",
                "required");
    }

    @Test
    void terminationGracePeriodIsNotNegative() {
        assertValid(podWith(spec -> spec.setTerminationGracePeriodSeconds(0)));
        assertRejected(
                podWith(spec -> spec.setTerminationGracePeriodSeconds(-1)),
                "spec.terminationGracePeriodSeconds",
                "must be >= 0, got -1");
    }

    @Test
    void nodeSelectorUsesLabelSyntax() {
        assertRejected(
                podWith(spec -> spec.putNodeSelector("disk", "fast ssd")), "spec.nodeSelector[disk]", "label value");
    }

    @Test
    void nodeNameIsADnsSubdomain() {
        assertValid(podWith(spec -> spec.setNodeName("node-1.example")));
        assertRejected(podWith(spec -> spec.setNodeName("Node_1")), "spec.nodeName", "DNS-1123 subdomain");
    }

    private static Pod toleration(Toleration.Builder toleration) {
        return podWith(spec -> spec.setTolerations(1, toleration));
    }

    @Test
    void tolerationsWithoutAKeyMustUseExists() {
        assertValid(toleration(Toleration.newBuilder().setOperator(Toleration.Operator.OPERATOR_EXISTS)));
        assertRejected(
                toleration(Toleration.newBuilder().setOperator(Toleration.Operator.OPERATOR_EQUAL)),
                "spec.tolerations[1].operator",
                "must be Exists when key is empty");
    }

    @Test
    void existsTolerationsHaveNoValue() {
        assertRejected(
                toleration(Toleration.newBuilder()
                        .setKey("dedicated")
                        .setOperator(Toleration.Operator.OPERATOR_EXISTS)
                        .setValue("gpu")),
                "spec.tolerations[1].value",
                "must be empty when operator is Exists");
    }

    @Test
    void tolerationKeysAndValuesUseLabelSyntax() {
        assertRejected(
                toleration(Toleration.newBuilder().setKey("bad key").setOperator(Toleration.Operator.OPERATOR_EQUAL)),
                "spec.tolerations[1].key",
                "name part");
        assertRejected(
                toleration(Toleration.newBuilder()
                        .setKey("dedicated")
                        .setOperator(Toleration.Operator.OPERATOR_EQUAL)
                        .setValue("-gpu")),
                "spec.tolerations[1].value",
                "label value");
        assertRejected(
                toleration(Toleration.newBuilder().setKey("dedicated")), "spec.tolerations[1].operator", "required");
    }

    @Test
    void tolerationSecondsNeedTheNoExecuteEffect() {
        assertRejected(
                toleration(Toleration.newBuilder()
                        .setKey("dedicated")
                        .setOperator(Toleration.Operator.OPERATOR_EXISTS)
                        .setEffect(TaintEffect.TAINT_EFFECT_NO_SCHEDULE)
                        .setTolerationSeconds(60)),
                "spec.tolerations[1].effect",
                "must be NoExecute when tolerationSeconds is set");
    }
}
