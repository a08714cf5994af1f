package io.capstan.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.ConfigMapVolumeSource;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.ContainerPort;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentSpec;
import io.capstan.proto.api.v1.DeploymentStrategy;
import io.capstan.proto.api.v1.EmptyDirVolumeSource;
import io.capstan.proto.api.v1.EndpointPort;
import io.capstan.proto.api.v1.EndpointSubset;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.EnvVar;
import io.capstan.proto.api.v1.EnvVarSource;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.ExecAction;
import io.capstan.proto.api.v1.HostPortBinding;
import io.capstan.proto.api.v1.HttpGetAction;
import io.capstan.proto.api.v1.IntOrString;
import io.capstan.proto.api.v1.Lease;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.NamespaceStatus;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeStatus;
import io.capstan.proto.api.v1.ObjectFieldSelector;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.PodTemplateSpec;
import io.capstan.proto.api.v1.Probe;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.ReplicaSet;
import io.capstan.proto.api.v1.ReplicaSetSpec;
import io.capstan.proto.api.v1.ResourceRequirements;
import io.capstan.proto.api.v1.RollingUpdateDeployment;
import io.capstan.proto.api.v1.Secret;
import io.capstan.proto.api.v1.SecretVolumeSource;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServicePort;
import io.capstan.proto.api.v1.ServiceSpec;
import io.capstan.proto.api.v1.TcpSocketAction;
import io.capstan.proto.api.v1.Toleration;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.Volume;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class DefaultsTest {
    private static final ObjectMeta META =
            ObjectMeta.newBuilder().setName("x").setNamespace("default").build();

    private static Pod defaultedPod(PodSpec.Builder spec) {
        return Defaults.apply(Fixtures.typed(
                        Pod.newBuilder().setMetadata(META).setSpec(spec).build()))
                .getPod();
    }

    private static Container defaultedContainer(Container.Builder container) {
        return defaultedPod(PodSpec.newBuilder().addContainers(container))
                .getSpec()
                .getContainers(0);
    }

    @Test
    void podRestartsAlwaysWithA30SecondGracePeriod() {
        PodSpec spec = defaultedPod(PodSpec.newBuilder()).getSpec();

        assertThat(spec.getRestartPolicy()).isEqualTo(PodSpec.RestartPolicy.RESTART_POLICY_ALWAYS);
        assertThat(spec.hasTerminationGracePeriodSeconds()).isTrue();
        assertThat(spec.getTerminationGracePeriodSeconds()).isEqualTo(30);
    }

    @Test
    void explicitPodValuesAreKept() {
        PodSpec spec = defaultedPod(PodSpec.newBuilder()
                        .setRestartPolicy(PodSpec.RestartPolicy.RESTART_POLICY_NEVER)
                        .setTerminationGracePeriodSeconds(0))
                .getSpec();

        assertThat(spec.getRestartPolicy()).isEqualTo(PodSpec.RestartPolicy.RESTART_POLICY_NEVER);
        assertThat(spec.getTerminationGracePeriodSeconds()).isZero();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "nginx, PULL_POLICY_ALWAYS",
        "nginx:latest, PULL_POLICY_ALWAYS",
        "registry.example.com/team/web:latest, PULL_POLICY_ALWAYS",
        "localhost:5000/web, PULL_POLICY_ALWAYS",
        "nginx:1.27, PULL_POLICY_IF_NOT_PRESENT",
        "localhost:5000/web:v2, PULL_POLICY_IF_NOT_PRESENT",
        "nginx@sha256:0123456789abcdef, PULL_POLICY_IF_NOT_PRESENT",
        "nginx:latest@sha256:0123456789abcdef, PULL_POLICY_ALWAYS",
    })
    void imagePullPolicyFollowsTheTag(String image, Container.PullPolicy expected) {
        assertThat(defaultedContainer(Container.newBuilder().setName("c").setImage(image))
                        .getImagePullPolicy())
                .isEqualTo(expected);
    }

    @Test
    void explicitPullPolicyIsKept() {
        assertThat(defaultedContainer(Container.newBuilder()
                                .setImage("nginx")
                                .setImagePullPolicy(Container.PullPolicy.PULL_POLICY_NEVER))
                        .getImagePullPolicy())
                .isEqualTo(Container.PullPolicy.PULL_POLICY_NEVER);
    }

    @Test
    void containerPortsDefaultToTcp() {
        Container container = defaultedContainer(Container.newBuilder()
                .addPorts(ContainerPort.newBuilder().setContainerPort(80))
                .addPorts(ContainerPort.newBuilder().setContainerPort(53).setProtocol(Protocol.PROTOCOL_UDP)));

        assertThat(container.getPorts(0).getProtocol()).isEqualTo(Protocol.PROTOCOL_TCP);
        assertThat(container.getPorts(1).getProtocol()).isEqualTo(Protocol.PROTOCOL_UDP);
    }

    @Test
    void probesGetKubernetesTimingsAndHttpDefaults() {
        Container container = defaultedContainer(Container.newBuilder()
                .setLivenessProbe(Probe.newBuilder()
                        .setHttpGet(HttpGetAction.newBuilder()
                                .setPort(IntOrString.newBuilder().setIntVal(8080))))
                .setReadinessProbe(Probe.newBuilder()
                        .setTcpSocket(TcpSocketAction.getDefaultInstance())
                        .setPeriodSeconds(3)
                        .setSuccessThreshold(2))
                .setStartupProbe(
                        Probe.newBuilder().setExec(ExecAction.newBuilder().addCommand("true"))));

        Probe liveness = container.getLivenessProbe();
        assertThat(liveness.getTimeoutSeconds()).isEqualTo(1);
        assertThat(liveness.getPeriodSeconds()).isEqualTo(10);
        assertThat(liveness.getSuccessThreshold()).isEqualTo(1);
        assertThat(liveness.getFailureThreshold()).isEqualTo(3);
        assertThat(liveness.getHttpGet().getPath()).isEqualTo("/");
        assertThat(liveness.getHttpGet().getScheme()).isEqualTo(HttpGetAction.Scheme.SCHEME_HTTP);
        assertThat(container.getReadinessProbe().getPeriodSeconds()).isEqualTo(3);
        assertThat(container.getReadinessProbe().getSuccessThreshold()).isEqualTo(2);
        assertThat(container.getReadinessProbe().getTimeoutSeconds()).isEqualTo(1);
        assertThat(container.getStartupProbe().getFailureThreshold()).isEqualTo(3);
        assertThat(container.hasLivenessProbe()).isTrue();
    }

    @Test
    void absentProbesStayAbsent() {
        Container container = defaultedContainer(Container.newBuilder().setImage("nginx"));

        assertThat(container.hasLivenessProbe()).isFalse();
        assertThat(container.hasReadinessProbe()).isFalse();
        assertThat(container.hasStartupProbe()).isFalse();
    }

    @Test
    void httpGetPathAndSchemeGivenAreKept() {
        Container container = defaultedContainer(Container.newBuilder()
                .setLivenessProbe(Probe.newBuilder()
                        .setHttpGet(HttpGetAction.newBuilder()
                                .setPath("/healthz")
                                .setScheme(HttpGetAction.Scheme.SCHEME_HTTPS))));

        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(container.getLivenessProbe().getHttpGet().getScheme()).isEqualTo(HttpGetAction.Scheme.SCHEME_HTTPS);
    }

    @Test
    void requestsDefaultToLimitsAndQuantitiesBecomeCanonical() {
        Container container = defaultedContainer(Container.newBuilder()
                .setResources(ResourceRequirements.newBuilder()
                        .putLimits("cpu", "0.5")
                        .putLimits("memory", "1024Mi")
                        .putRequests("memory", "64Mi")
                        .putRequests("ephemeral-storage", "not a quantity")));

        assertThat(container.getResources().getLimitsMap())
                .containsExactlyInAnyOrderEntriesOf(Map.of("cpu", "500m", "memory", "1Gi"));
        assertThat(container.getResources().getRequestsMap())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("cpu", "500m", "memory", "64Mi", "ephemeral-storage", "not a quantity"));
    }

    @Test
    void fieldRefsDefaultToApiVersionV1() {
        Container container = defaultedContainer(Container.newBuilder()
                .addEnv(EnvVar.newBuilder()
                        .setName("NAME")
                        .setValueFrom(EnvVarSource.newBuilder()
                                .setFieldRef(ObjectFieldSelector.newBuilder().setFieldPath("metadata.name"))))
                .addEnv(EnvVar.newBuilder().setName("PLAIN").setValue("x")));

        assertThat(container.getEnv(0).getValueFrom().getFieldRef().getApiVersion())
                .isEqualTo("v1");
        assertThat(container.getEnv(1).hasValueFrom()).isFalse();
    }

    @Test
    void initContainersAreDefaultedToo() {
        Container init = defaultedPod(PodSpec.newBuilder()
                        .addInitContainers(Container.newBuilder()
                                .setImage("busybox:1.36")
                                .addPorts(ContainerPort.newBuilder().setContainerPort(1))))
                .getSpec()
                .getInitContainers(0);

        assertThat(init.getImagePullPolicy()).isEqualTo(Container.PullPolicy.PULL_POLICY_IF_NOT_PRESENT);
        assertThat(init.getPorts(0).getProtocol()).isEqualTo(Protocol.PROTOCOL_TCP);
    }

    @Test
    void volumesGetAModeAndASource() {
        PodSpec spec = defaultedPod(PodSpec.newBuilder()
                        .addVolumes(Volume.newBuilder()
                                .setName("config")
                                .setConfigMap(ConfigMapVolumeSource.newBuilder().setName("c")))
                        .addVolumes(Volume.newBuilder()
                                .setName("secret")
                                .setSecret(SecretVolumeSource.newBuilder()
                                        .setSecretName("s")
                                        .setDefaultMode(0400)))
                        .addVolumes(Volume.newBuilder().setName("scratch"))
                        .addVolumes(Volume.newBuilder()
                                .setName("sized")
                                .setEmptyDir(EmptyDirVolumeSource.newBuilder().setSizeLimit("1024Mi"))))
                .getSpec();

        assertThat(spec.getVolumes(0).getConfigMap().getDefaultMode()).isEqualTo(0644);
        assertThat(spec.getVolumes(1).getSecret().getDefaultMode()).isEqualTo(0400);
        assertThat(spec.getVolumes(2).hasEmptyDir()).isTrue();
        assertThat(spec.getVolumes(3).getEmptyDir().getSizeLimit()).isEqualTo("1Gi");
    }

    @Test
    void tolerationsDefaultToEqual() {
        PodSpec spec = defaultedPod(PodSpec.newBuilder()
                        .addTolerations(Toleration.newBuilder().setKey("k").setValue("v"))
                        .addTolerations(Toleration.newBuilder().setOperator(Toleration.Operator.OPERATOR_EXISTS)))
                .getSpec();

        assertThat(spec.getTolerations(0).getOperator()).isEqualTo(Toleration.Operator.OPERATOR_EQUAL);
        assertThat(spec.getTolerations(1).getOperator()).isEqualTo(Toleration.Operator.OPERATOR_EXISTS);
    }

    @Test
    void podHostPortBindingsDefaultToTcpAndThePhaseIsLeftToTheServer() {
        Pod pod = Defaults.apply(Fixtures.typed(Pod.newBuilder()
                        .setMetadata(META)
                        .setStatus(PodStatus.newBuilder()
                                .addHostPorts(HostPortBinding.newBuilder().setContainerPort(80)))
                        .build()))
                .getPod();

        assertThat(pod.getStatus().getHostPorts(0).getProtocol()).isEqualTo(Protocol.PROTOCOL_TCP);
        assertThat(pod.getStatus().getPhase()).isEqualTo(PodStatus.Phase.PHASE_UNSPECIFIED);
    }

    private static PodTemplateSpec sparseTemplate() {
        return PodTemplateSpec.newBuilder()
                .setSpec(PodSpec.newBuilder()
                        .addContainers(Container.newBuilder().setName("web").setImage("nginx")))
                .build();
    }

    @Test
    void replicaSetsHaveOneReplicaAndADefaultedTemplate() {
        ReplicaSetSpec spec = Defaults.apply(Fixtures.typed(ReplicaSet.newBuilder()
                        .setMetadata(META)
                        .setSpec(ReplicaSetSpec.newBuilder().setTemplate(sparseTemplate()))
                        .build()))
                .getReplicaSet()
                .getSpec();

        assertThat(spec.hasReplicas()).isTrue();
        assertThat(spec.getReplicas()).isEqualTo(1);
        assertThat(spec.getTemplate().getSpec().getRestartPolicy())
                .isEqualTo(PodSpec.RestartPolicy.RESTART_POLICY_ALWAYS);
        assertThat(spec.getTemplate().getSpec().getContainers(0).getImagePullPolicy())
                .isEqualTo(Container.PullPolicy.PULL_POLICY_ALWAYS);
    }

    @Test
    void zeroReplicasAreKept() {
        ReplicaSetSpec spec = Defaults.apply(Fixtures.typed(ReplicaSet.newBuilder()
                        .setMetadata(META)
                        .setSpec(ReplicaSetSpec.newBuilder().setReplicas(0))
                        .build()))
                .getReplicaSet()
                .getSpec();

        assertThat(spec.getReplicas()).isZero();
        assertThat(spec.hasTemplate()).isFalse();
    }

    @Test
    void deploymentsRollOutAQuarterAtATime() {
        DeploymentSpec spec = Defaults.apply(Fixtures.typed(Deployment.newBuilder()
                        .setMetadata(META)
                        .setSpec(DeploymentSpec.newBuilder().setTemplate(sparseTemplate()))
                        .build()))
                .getDeployment()
                .getSpec();

        assertThat(spec.getReplicas()).isEqualTo(1);
        assertThat(spec.getStrategy().getType()).isEqualTo(DeploymentStrategy.Type.TYPE_ROLLING_UPDATE);
        assertThat(spec.getStrategy().getRollingUpdate().getMaxSurge().getStrVal())
                .isEqualTo("25%");
        assertThat(spec.getStrategy().getRollingUpdate().getMaxUnavailable().getStrVal())
                .isEqualTo("25%");
        assertThat(spec.getRevisionHistoryLimit()).isEqualTo(10);
        assertThat(spec.getProgressDeadlineSeconds()).isEqualTo(600);
        assertThat(spec.getMinReadySeconds()).isZero();
        assertThat(spec.getTemplate().getSpec().getTerminationGracePeriodSeconds())
                .isEqualTo(30);
    }

    @Test
    void deploymentRollingParametersGivenAreKeptAndRecreateGetsNone() {
        DeploymentSpec rolling = Defaults.apply(Fixtures.typed(Deployment.newBuilder()
                        .setMetadata(META)
                        .setSpec(DeploymentSpec.newBuilder()
                                .setStrategy(DeploymentStrategy.newBuilder()
                                        .setRollingUpdate(RollingUpdateDeployment.newBuilder()
                                                .setMaxSurge(
                                                        IntOrString.newBuilder().setIntVal(0)))))
                        .build()))
                .getDeployment()
                .getSpec();
        DeploymentSpec recreate = Defaults.apply(Fixtures.typed(Deployment.newBuilder()
                        .setMetadata(META)
                        .setSpec(DeploymentSpec.newBuilder()
                                .setStrategy(
                                        DeploymentStrategy.newBuilder().setType(DeploymentStrategy.Type.TYPE_RECREATE)))
                        .build()))
                .getDeployment()
                .getSpec();

        assertThat(rolling.getStrategy().getRollingUpdate().getMaxSurge().getIntVal())
                .isZero();
        assertThat(rolling.getStrategy().getRollingUpdate().getMaxSurge().hasIntVal())
                .isTrue();
        assertThat(rolling.getStrategy().getRollingUpdate().getMaxUnavailable().getStrVal())
                .isEqualTo("25%");
        assertThat(recreate.getStrategy().hasRollingUpdate()).isFalse();
    }

    @Test
    void servicesAreClusterIpWithoutAffinityAndTargetTheirPort() {
        ServiceSpec spec = Defaults.apply(Fixtures.typed(Service.newBuilder()
                        .setMetadata(META)
                        .setSpec(ServiceSpec.newBuilder()
                                .addPorts(ServicePort.newBuilder().setPort(80))
                                .addPorts(ServicePort.newBuilder()
                                        .setPort(81)
                                        .setTargetPort(IntOrString.newBuilder().setIntVal(0)))
                                .addPorts(ServicePort.newBuilder()
                                        .setPort(82)
                                        .setTargetPort(IntOrString.newBuilder().setStrVal("")))
                                .addPorts(ServicePort.newBuilder()
                                        .setPort(443)
                                        .setProtocol(Protocol.PROTOCOL_UDP)
                                        .setTargetPort(IntOrString.newBuilder().setStrVal("https"))))
                        .build()))
                .getService()
                .getSpec();

        assertThat(spec.getType()).isEqualTo(ServiceSpec.Type.TYPE_CLUSTER_IP);
        assertThat(spec.getSessionAffinity()).isEqualTo(ServiceSpec.SessionAffinity.SESSION_AFFINITY_NONE);
        assertThat(spec.getClusterIp()).isEmpty();
        assertThat(spec.getPorts(0).getProtocol()).isEqualTo(Protocol.PROTOCOL_TCP);
        assertThat(spec.getPorts(0).getTargetPort().getIntVal()).isEqualTo(80);
        assertThat(spec.getPorts(1).getTargetPort().getIntVal()).isEqualTo(81);
        assertThat(spec.getPorts(2).getTargetPort().getIntVal()).isEqualTo(82);
        assertThat(spec.getPorts(3).getProtocol()).isEqualTo(Protocol.PROTOCOL_UDP);
        assertThat(spec.getPorts(3).getTargetPort().getStrVal()).isEqualTo("https");
    }

    @Test
    void endpointPortsDefaultToTcp() {
        Endpoints endpoints = Defaults.apply(Fixtures.typed(Endpoints.newBuilder()
                        .setMetadata(META)
                        .addSubsets(EndpointSubset.newBuilder()
                                .addPorts(EndpointPort.newBuilder().setPort(80)))
                        .build()))
                .getEndpoints();

        assertThat(endpoints.getSubsets(0).getPorts(0).getProtocol()).isEqualTo(Protocol.PROTOCOL_TCP);
    }

    @Test
    void secretsAreOpaqueWithStringDataFoldedIntoData() {
        Secret secret = Defaults.apply(Fixtures.typed(Secret.newBuilder()
                        .setMetadata(META)
                        .putData("user", ByteString.copyFromUtf8("old"))
                        .putData("keep", ByteString.copyFromUtf8("kept"))
                        .putStringData("user", "admin")
                        .putStringData("password", "s3cret")
                        .build()))
                .getSecret();

        assertThat(secret.getType()).isEqualTo("Opaque");
        assertThat(secret.getStringDataMap()).isEmpty();
        assertThat(secret.getDataMap())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "user", ByteString.copyFromUtf8("admin"),
                        "password", ByteString.copyFromUtf8("s3cret"),
                        "keep", ByteString.copyFromUtf8("kept")));
    }

    @Test
    void secretTypeGivenIsKept() {
        Secret secret = Defaults.apply(Fixtures.typed(Secret.newBuilder()
                        .setMetadata(META)
                        .setType("kubernetes.io/tls")
                        .build()))
                .getSecret();

        assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
    }

    @Test
    void namespacesStartActive() {
        Namespace namespace = Defaults.apply(Fixtures.typed(Namespace.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName("team-a"))
                        .build()))
                .getNamespace();
        Namespace terminating = Defaults.apply(Fixtures.typed(namespace.toBuilder()
                        .setStatus(NamespaceStatus.newBuilder().setPhase(NamespaceStatus.Phase.PHASE_TERMINATING))
                        .build()))
                .getNamespace();

        assertThat(namespace.getStatus().getPhase()).isEqualTo(NamespaceStatus.Phase.PHASE_ACTIVE);
        assertThat(namespace.getSpec().getFinalizersList()).isEmpty();
        assertThat(terminating.getStatus().getPhase()).isEqualTo(NamespaceStatus.Phase.PHASE_TERMINATING);
    }

    @Test
    void nodeAllocatableDefaultsToCapacity() {
        Node node = Defaults.apply(Fixtures.typed(Node.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName("n1"))
                        .setStatus(NodeStatus.newBuilder()
                                .putCapacity("cpu", "4000m")
                                .putCapacity("memory", "8Gi"))
                        .build()))
                .getNode();
        Node withAllocatable = Defaults.apply(Fixtures.typed(node.toBuilder()
                        .setStatus(
                                node.getStatus().toBuilder().clearAllocatable().putAllocatable("cpu", "3"))
                        .build()))
                .getNode();

        assertThat(node.getStatus().getCapacityMap()).containsEntry("cpu", "4");
        assertThat(node.getStatus().getAllocatableMap())
                .isEqualTo(node.getStatus().getCapacityMap());
        assertThat(withAllocatable.getStatus().getAllocatableMap()).containsExactly(Map.entry("cpu", "3"));
    }

    @Test
    void eventsAreNormalAndCountedOnce() {
        Event event = Defaults.apply(
                        Fixtures.typed(Event.newBuilder().setMetadata(META).build()))
                .getEvent();
        Event warning = Defaults.apply(Fixtures.typed(Event.newBuilder()
                        .setMetadata(META)
                        .setType(Event.Type.TYPE_WARNING)
                        .setCount(7)
                        .build()))
                .getEvent();

        assertThat(event.getType()).isEqualTo(Event.Type.TYPE_NORMAL);
        assertThat(event.getCount()).isEqualTo(1);
        assertThat(warning.getType()).isEqualTo(Event.Type.TYPE_WARNING);
        assertThat(warning.getCount()).isEqualTo(7);
    }

    @Test
    void configMapsAndLeasesHaveNoDefaults() {
        ConfigMap configMap =
                ConfigMap.newBuilder().setMetadata(META).putData("k", "v").build();
        Lease lease = Lease.newBuilder().setMetadata(META).build();

        assertThat(Defaults.apply(Fixtures.typed(configMap)).getConfigMap()).isEqualTo(configMap);
        assertThat(Defaults.apply(Fixtures.typed(lease)).getLease()).isEqualTo(lease);
    }

    @Test
    void anObjectWithoutAKindIsReturnedAsIs() {
        assertThat(Defaults.apply(TypedObject.getDefaultInstance())).isEqualTo(TypedObject.getDefaultInstance());
    }

    /** Sparse objects of every kind, as users write them, plus the rich fixtures. */
    static Stream<Message> objects() {
        Stream<Message> sparse = Stream.of(
                Namespace.newBuilder().setMetadata(META).build(),
                Node.newBuilder()
                        .setMetadata(META)
                        .setStatus(NodeStatus.newBuilder().putCapacity("cpu", "1.5"))
                        .build(),
                Pod.newBuilder().setMetadata(META).build(),
                Pod.newBuilder().setMetadata(META).setSpec(Fixtures.podSpec()).build(),
                ReplicaSet.newBuilder().setMetadata(META).build(),
                ReplicaSet.newBuilder()
                        .setMetadata(META)
                        .setSpec(ReplicaSetSpec.newBuilder().setTemplate(sparseTemplate()))
                        .build(),
                Deployment.newBuilder().setMetadata(META).build(),
                Deployment.newBuilder()
                        .setMetadata(META)
                        .setSpec(DeploymentSpec.newBuilder().setTemplate(Fixtures.template()))
                        .build(),
                Service.newBuilder()
                        .setMetadata(META)
                        .setSpec(ServiceSpec.newBuilder()
                                .addPorts(ServicePort.newBuilder().setPort(80)))
                        .build(),
                Endpoints.newBuilder()
                        .setMetadata(META)
                        .addSubsets(EndpointSubset.newBuilder()
                                .addPorts(EndpointPort.newBuilder().setPort(1)))
                        .build(),
                ConfigMap.newBuilder().setMetadata(META).build(),
                Secret.newBuilder().setMetadata(META).putStringData("k", "v").build(),
                Lease.newBuilder().setMetadata(META).build(),
                Event.newBuilder().setMetadata(META).build());
        return Stream.concat(sparse, Fixtures.all().stream().map(DefaultsTest::unwrap));
    }

    private static Message unwrap(TypedObject object) {
        return (Message) object.getField(TypedObject.getDescriptor()
                .findFieldByNumber(object.getObjectCase().getNumber()));
    }

    @ParameterizedTest(name = "{index}")
    @MethodSource("objects")
    void applyingTwiceIsApplyingOnce(Message object) {
        TypedObject once = Defaults.apply(Fixtures.typed(object));

        assertThat(Defaults.apply(once)).isEqualTo(once);
    }
}
