package io.capstan.apiserver.registry;

import static io.capstan.apiserver.registry.ValidationAssertions.assertRejected;
import static io.capstan.apiserver.registry.ValidationAssertions.assertValid;

import io.capstan.proto.api.v1.ConfigMapVolumeSource;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.ContainerPort;
import io.capstan.proto.api.v1.EmptyDirVolumeSource;
import io.capstan.proto.api.v1.EnvFromSource;
import io.capstan.proto.api.v1.EnvVar;
import io.capstan.proto.api.v1.EnvVarSource;
import io.capstan.proto.api.v1.ExecAction;
import io.capstan.proto.api.v1.HttpGetAction;
import io.capstan.proto.api.v1.HttpHeader;
import io.capstan.proto.api.v1.IntOrString;
import io.capstan.proto.api.v1.KeyToPath;
import io.capstan.proto.api.v1.ObjectFieldSelector;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.api.v1.Probe;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.ResourceRequirements;
import io.capstan.proto.api.v1.SecretEnvSource;
import io.capstan.proto.api.v1.SecretKeySelector;
import io.capstan.proto.api.v1.TaintEffect;
import io.capstan.proto.api.v1.TcpSocketAction;
import io.capstan.proto.api.v1.Toleration;
import io.capstan.proto.api.v1.Volume;
import io.capstan.proto.api.v1.VolumeMount;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PodValidationTest {

    private static Pod podWith(UnaryOperator<PodSpec.Builder> change) {
        Pod pod = Fixtures.pod();
        return pod.toBuilder().setSpec(change.apply(pod.getSpec().toBuilder())).build();
    }

    /** The pod with its first container, "web", changed. */
    private static Pod webWith(UnaryOperator<Container.Builder> change) {
        return podWith(spec -> spec.setContainers(0, change.apply(spec.getContainers(0).toBuilder())));
    }

    private static final String WEB = "spec.containers[0]";

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

    @ParameterizedTest
    @ValueSource(strings = {"1ST", "A=B", "has space", "$HOME"})
    void envNamesAreVariableNames(String name) {
        assertRejected(
                webWith(c -> c.setEnv(0, c.getEnv(0).toBuilder().setName(name))),
                WEB + ".env[0].name",
                "environment variable name");
    }

    @Test
    void envNamesMayHaveDotsAndDashesAsInKubernetes() {
        assertValid(webWith(c -> c.setEnv(0, c.getEnv(0).toBuilder().setName("my.var-1"))));
        assertRejected(
                webWith(c -> c.setEnv(0, c.getEnv(0).toBuilder().clearName())), WEB + ".env[0].name", "required");
    }

    @Test
    void envValueFromIsExclusiveWithValueAndNeedsASource() {
        assertRejected(
                webWith(c -> c.setEnv(1, c.getEnv(1).toBuilder().setValue("literal"))),
                WEB + ".env[1].valueFrom",
                "must not be set when value is not empty");
        assertRejected(
                webWith(c -> c.setEnv(1, c.getEnv(1).toBuilder().setValueFrom(EnvVarSource.getDefaultInstance()))),
                WEB + ".env[1].valueFrom",
                "must specify one of configMapKeyRef, secretKeyRef or fieldRef");
    }

    @Test
    void keyRefsNeedAnObjectNameAndAValidKey() {
        assertRejected(
                webWith(c -> c.setEnv(
                        1,
                        EnvVar.newBuilder()
                                .setName("X")
                                .setValueFrom(EnvVarSource.newBuilder()
                                        .setConfigMapKeyRef(c.getEnv(1).getValueFrom().getConfigMapKeyRef().toBuilder()
                                                .clearName())))),
                WEB + ".env[1].valueFrom.configMapKeyRef.name",
                "required");
        assertRejected(
                webWith(c -> c.setEnv(
                        2,
                        EnvVar.newBuilder()
                                .setName("X")
                                .setValueFrom(EnvVarSource.newBuilder()
                                        .setSecretKeyRef(SecretKeySelector.newBuilder()
                                                .setName("s")
                                                .setKey("bad/key"))))),
                WEB + ".env[2].valueFrom.secretKeyRef.key",
                "config key");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "metadata.name",
                "metadata.namespace",
                "metadata.uid",
                "spec.nodeName",
                "status.hostIP",
                "status.podIP",
                "metadata.annotations['example.com/x']"
            })
    void fieldRefsNameASupportedField(String fieldPath) {
        assertValid(
                fieldRef(ObjectFieldSelector.newBuilder().setApiVersion("v1").setFieldPath(fieldPath)));
    }

    private static Pod fieldRef(ObjectFieldSelector.Builder selector) {
        return webWith(c -> c.setEnv(
                3,
                EnvVar.newBuilder()
                        .setName("FIELD")
                        .setValueFrom(EnvVarSource.newBuilder().setFieldRef(selector))));
    }

    @Test
    void fieldRefsOutsideTheSupportedSetAreRejected() {
        assertRejected(
                fieldRef(ObjectFieldSelector.newBuilder().setApiVersion("v1").setFieldPath("spec.containers")),
                WEB + ".env[3].valueFrom.fieldRef.fieldPath",
                "unsupported field path \"spec.containers\"");
        assertRejected(
                fieldRef(ObjectFieldSelector.newBuilder().setApiVersion("v1").setFieldPath("metadata.labels['a b']")),
                WEB + ".env[3].valueFrom.fieldRef.fieldPath",
                "key ");
        assertRejected(
                fieldRef(ObjectFieldSelector.newBuilder().setApiVersion("v2").setFieldPath("metadata.name")),
                WEB + ".env[3].valueFrom.fieldRef.apiVersion",
                "must be \"v1\"");
    }

    @Test
    void envFromNeedsOneSourceWithANameAndAValidPrefix() {
        assertValid(webWith(c -> c.addEnvFrom(EnvFromSource.newBuilder()
                .setSecretRef(SecretEnvSource.newBuilder().setName("web-secret")))));
        assertRejected(
                webWith(c -> c.addEnvFrom(EnvFromSource.newBuilder().setPrefix("X_"))),
                WEB + ".envFrom[1]",
                "must specify one of configMapRef or secretRef");
        assertRejected(
                webWith(c -> c.setEnvFrom(0, c.getEnvFrom(0).toBuilder().setPrefix("1X"))),
                WEB + ".envFrom[0].prefix",
                "environment variable name");
        assertRejected(
                webWith(c -> c.addEnvFrom(EnvFromSource.newBuilder().setSecretRef(SecretEnvSource.newBuilder()))),
                WEB + ".envFrom[1].secretRef.name",
                "required");
    }

    private static Pod resources(ResourceRequirements.Builder resources) {
        return webWith(c -> c.setResources(resources));
    }

    @Test
    void quantitiesMustParse() {
        assertRejected(
                resources(ResourceRequirements.newBuilder().putLimits("cpu", "half")),
                WEB + ".resources.limits[cpu]",
                "invalid quantity \"half\"");
        assertRejected(
                resources(ResourceRequirements.newBuilder().putRequests("memory", "1GB")),
                WEB + ".resources.requests[memory]",
                "unknown suffix \"GB\"");
    }

    @Test
    void quantitiesAreNotNegative() {
        assertRejected(
                resources(ResourceRequirements.newBuilder().putRequests("cpu", "-1")),
                WEB + ".resources.requests[cpu]",
                "must be >= 0, got -1");
    }

    @Test
    void resourceNamesAreStandardOrDomainQualified() {
        assertValid(resources(ResourceRequirements.newBuilder()
                .putLimits("ephemeral-storage", "1Gi")
                .putLimits("hugepages-2Mi", "4Mi")
                .putLimits("example.com/gpu", "1")));
        assertRejected(
                resources(ResourceRequirements.newBuilder().putLimits("gpu", "1")),
                WEB + ".resources.limits[gpu]",
                "resource name must be cpu, memory");
    }

    @Test
    void requestsDoNotExceedLimits() {
        assertValid(resources(
                ResourceRequirements.newBuilder().putRequests("cpu", "0.5").putLimits("cpu", "500m")));
        assertRejected(
                resources(ResourceRequirements.newBuilder()
                        .putRequests("cpu", "1")
                        .putLimits("cpu", "500m")),
                WEB + ".resources.requests[cpu]",
                "must be less than or equal to the cpu limit of 500m, got 1");
        assertRejected(
                resources(ResourceRequirements.newBuilder()
                        .putRequests("memory", "1Gi")
                        .putLimits("memory", "1G")),
                WEB + ".resources.requests[memory]",
                "memory limit of 1G");
    }

    private static Pod withVolume(Volume.Builder volume) {
        return podWith(spec -> spec.addVolumes(volume));
    }

    @Test
    void volumesNeedUniqueDns1123LabelNames() {
        EmptyDirVolumeSource emptyDir = EmptyDirVolumeSource.getDefaultInstance();
        assertValid(withVolume(Volume.newBuilder().setName("cache").setEmptyDir(emptyDir)));
        assertRejected(
                withVolume(Volume.newBuilder().setName("config").setEmptyDir(emptyDir)),
                "spec.volumes[3].name",
                "duplicate value \"config\"");
        assertRejected(
                withVolume(Volume.newBuilder().setName("Cache").setEmptyDir(emptyDir)),
                "spec.volumes[3].name",
                "DNS-1123 label");
        assertRejected(withVolume(Volume.newBuilder().setEmptyDir(emptyDir)), "spec.volumes[3].name", "required");
    }

    @Test
    void volumesNeedASource() {
        assertRejected(
                podWith(spec -> spec.addVolumes(Volume.newBuilder().setName("nothing"))),
                "spec.volumes[3]",
                "must specify a volume source");
    }

    @Test
    void configMapAndSecretVolumesNameTheirObject() {
        assertRejected(
                podWith(spec -> spec.setVolumes(
                        0,
                        spec.getVolumes(0).toBuilder()
                                .setConfigMap(spec.getVolumes(0).getConfigMap().toBuilder()
                                        .clearName()))),
                "spec.volumes[0].configMap.name",
                "required");
        assertRejected(
                podWith(spec -> spec.setVolumes(
                        1,
                        spec.getVolumes(1).toBuilder()
                                .setSecret(spec.getVolumes(1).getSecret().toBuilder()
                                        .clearSecretName()))),
                "spec.volumes[1].secret.secretName",
                "required");
    }

    private static Pod configMapVolume(UnaryOperator<ConfigMapVolumeSource.Builder> change) {
        return podWith(spec -> spec.setVolumes(
                0,
                spec.getVolumes(0).toBuilder()
                        .setConfigMap(change.apply(spec.getVolumes(0).getConfigMap().toBuilder()))));
    }

    @Test
    void fileModesAreBetween0And0777() {
        assertValid(configMapVolume(source -> source.setDefaultMode(0777)));
        assertRejected(
                configMapVolume(source -> source.setDefaultMode(01000)),
                "spec.volumes[0].configMap.defaultMode",
                "between 0 and 0777");
        assertRejected(
                configMapVolume(source ->
                        source.setItems(0, source.getItems(0).toBuilder().setMode(-1))),
                "spec.volumes[0].configMap.items[0].mode",
                "between 0 and 0777");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/app.conf", "../app.conf", "conf/../../app.conf"})
    void itemPathsAreRelativeWithoutDotDot(String path) {
        assertRejected(
                configMapVolume(source ->
                        source.setItems(0, KeyToPath.newBuilder().setKey("k").setPath(path))),
                "spec.volumes[0].configMap.items[0].path",
                "relative path");
    }

    @Test
    void itemsNeedAKeyAndAPath() {
        assertRejected(
                configMapVolume(
                        source -> source.setItems(0, KeyToPath.newBuilder().setPath("p"))),
                "spec.volumes[0].configMap.items[0].key",
                "required");
        assertRejected(
                configMapVolume(
                        source -> source.setItems(0, KeyToPath.newBuilder().setKey("k"))),
                "spec.volumes[0].configMap.items[0].path",
                "required");
    }

    @Test
    void emptyDirSizeLimitIsANonNegativeQuantity() {
        assertRejected(
                podWith(spec -> spec.setVolumes(
                        2,
                        spec.getVolumes(2).toBuilder()
                                .setEmptyDir(EmptyDirVolumeSource.newBuilder().setSizeLimit("lots")))),
                "spec.volumes[2].emptyDir.sizeLimit",
                "invalid quantity");
        assertRejected(
                podWith(spec -> spec.setVolumes(
                        2,
                        spec.getVolumes(2).toBuilder()
                                .setEmptyDir(EmptyDirVolumeSource.newBuilder().setSizeLimit("-1Gi")))),
                "spec.volumes[2].emptyDir.sizeLimit",
                "must be >= 0");
    }

    @Test
    void volumeMountsNameAVolumeOfThePod() {
        assertRejected(
                webWith(c ->
                        c.setVolumeMounts(0, c.getVolumeMounts(0).toBuilder().setName("missing"))),
                WEB + ".volumeMounts[0].name",
                "no volume named \"missing\"");
        assertRejected(
                webWith(c ->
                        c.setVolumeMounts(0, c.getVolumeMounts(0).toBuilder().clearName())),
                WEB + ".volumeMounts[0].name",
                "required");
    }

    @Test
    void mountPathsAreAbsoluteUniqueAndWithoutColons() {
        assertRejected(
                webWith(c ->
                        c.setVolumeMounts(0, c.getVolumeMounts(0).toBuilder().setMountPath("etc/web"))),
                WEB + ".volumeMounts[0].mountPath",
                "absolute path");
        assertRejected(
                webWith(c ->
                        c.setVolumeMounts(0, c.getVolumeMounts(0).toBuilder().setMountPath("/etc:web"))),
                WEB + ".volumeMounts[0].mountPath",
                "without ':'");
        assertRejected(
                webWith(c -> c.addVolumeMounts(
                        VolumeMount.newBuilder().setName("tls").setMountPath("/tmp"))),
                WEB + ".volumeMounts[3].mountPath",
                "duplicate value \"/tmp\"");
        assertRejected(
                webWith(c ->
                        c.setVolumeMounts(0, c.getVolumeMounts(0).toBuilder().clearMountPath())),
                WEB + ".volumeMounts[0].mountPath",
                "required");
    }

    @Test
    void subPathsAreRelative() {
        assertRejected(
                webWith(c ->
                        c.setVolumeMounts(1, c.getVolumeMounts(1).toBuilder().setSubPath("../etc"))),
                WEB + ".volumeMounts[1].subPath",
                "relative path");
    }

    private static Pod liveness(UnaryOperator<Probe.Builder> change) {
        return webWith(c -> c.setLivenessProbe(change.apply(c.getLivenessProbe().toBuilder())));
    }

    @Test
    void probesHaveExactlyOneHandler() {
        assertRejected(
                liveness(probe -> probe.clearHttpGet()),
                WEB + ".livenessProbe",
                "must specify exactly one of exec, httpGet or tcpSocket");
        assertValid(liveness(probe -> probe.setTcpSocket(
                TcpSocketAction.newBuilder().setPort(IntOrString.newBuilder().setIntVal(8080)))));
    }

    @Test
    void execProbesHaveACommand() {
        assertRejected(
                liveness(probe -> probe.setExec(ExecAction.getDefaultInstance())),
                WEB + ".livenessProbe.exec.command",
                "required");
    }

    @Test
    void probePortsAreNumbersOrPortNames() {
        assertRejected(
                liveness(probe -> probe.setHttpGet(probe.getHttpGet().toBuilder()
                        .setPort(IntOrString.newBuilder().setIntVal(0)))),
                WEB + ".livenessProbe.httpGet.port",
                "between 1 and 65535");
        assertRejected(
                liveness(probe -> probe.setHttpGet(probe.getHttpGet().toBuilder()
                        .setPort(IntOrString.newBuilder().setStrVal("Not_A_Name")))),
                WEB + ".livenessProbe.httpGet.port",
                "IANA service name");
        assertRejected(
                liveness(
                        probe -> probe.setHttpGet(probe.getHttpGet().toBuilder().clearPort())),
                WEB + ".livenessProbe.httpGet.port",
                "required");
        assertRejected(
                webWith(c -> c.setReadinessProbe(
                        c.getReadinessProbe().toBuilder().setTcpSocket(TcpSocketAction.getDefaultInstance()))),
                WEB + ".readinessProbe.tcpSocket.port",
                "required");
    }

    @Test
    void httpProbesHaveASchemeAndValidHeaderNames() {
        assertRejected(
                liveness(probe -> probe.setHttpGet(
                        probe.getHttpGet().toBuilder().setScheme(HttpGetAction.Scheme.SCHEME_UNSPECIFIED))),
                WEB + ".livenessProbe.httpGet.scheme",
                "required");
        assertValid(liveness(probe -> probe.setHttpGet(probe.getHttpGet().toBuilder()
                .addHttpHeaders(HttpHeader.newBuilder().setName("X-Probe").setValue("1")))));
        assertRejected(
                liveness(probe -> probe.setHttpGet(probe.getHttpGet().toBuilder()
                        .addHttpHeaders(HttpHeader.newBuilder().setName("X Probe")))),
                WEB + ".livenessProbe.httpGet.httpHeaders[0].name",
                "HTTP header name");
    }

    @Test
    void probeNumbersArePositive() {
        assertRejected(
                liveness(probe -> probe.setTimeoutSeconds(0)),
                WEB + ".livenessProbe.timeoutSeconds",
                "must be >= 1, got 0");
        assertRejected(
                liveness(probe -> probe.setPeriodSeconds(-5)),
                WEB + ".livenessProbe.periodSeconds",
                "must be >= 1, got -5");
        assertRejected(
                liveness(probe -> probe.setFailureThreshold(0)),
                WEB + ".livenessProbe.failureThreshold",
                "must be >= 1");
        assertRejected(
                liveness(probe -> probe.setSuccessThreshold(0)),
                WEB + ".livenessProbe.successThreshold",
                "must be >= 1");
        assertRejected(
                liveness(probe -> probe.setInitialDelaySeconds(-1)),
                WEB + ".livenessProbe.initialDelaySeconds",
                "must be >= 0, got -1");
    }

    @Test
    void livenessAndStartupProbesSucceedOnce() {
        assertRejected(
                liveness(probe -> probe.setSuccessThreshold(2)),
                WEB + ".livenessProbe.successThreshold",
                "must be 1 for liveness and startup probes, got 2");
        assertRejected(
                webWith(c -> c.setStartupProbe(c.getStartupProbe().toBuilder().setSuccessThreshold(3))),
                WEB + ".startupProbe.successThreshold",
                "must be 1");
        assertValid(webWith(
                c -> c.setReadinessProbe(c.getReadinessProbe().toBuilder().setSuccessThreshold(3))));
    }

    @Test
    void initContainersHaveNoProbes() {
        assertRejected(
                podWith(spec -> spec.setInitContainers(
                        0,
                        spec.getInitContainers(0).toBuilder()
                                .setReadinessProbe(spec.getContainers(0).getReadinessProbe()))),
                "spec.initContainers[0].readinessProbe",
                "must not be set for init containers");
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
