package io.capstan.proto.api.v1;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import org.junit.jupiter.api.Test;

class DeploymentTest {

    @Test
    void roundTripsThroughBytesWithEveryMainField() throws InvalidProtocolBufferException {
        Deployment deployment = web();

        Deployment decoded = Deployment.parseFrom(deployment.toByteArray());

        assertThat(decoded).isEqualTo(deployment);
        assertThat(decoded.getSpec().getReplicas()).isEqualTo(3);
        assertThat(decoded.getSpec()
                        .getStrategy()
                        .getRollingUpdate()
                        .getMaxSurge()
                        .getStrVal())
                .isEqualTo("25%");
        assertThat(decoded.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers(0)
                        .getEnv(1)
                        .getValueFrom()
                        .getSourceCase())
                .isEqualTo(EnvVarSource.SourceCase.SECRET_KEY_REF);
        assertThat(decoded.getStatus().getConditions(0).getStatus()).isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
    }

    @Test
    void unsetDefaultableFieldsStayDistinguishableFromZero() throws InvalidProtocolBufferException {
        DeploymentSpec unset = DeploymentSpec.newBuilder().build();
        DeploymentSpec zero = DeploymentSpec.newBuilder()
                .setReplicas(0)
                .setRevisionHistoryLimit(0)
                .build();

        DeploymentSpec decodedUnset = DeploymentSpec.parseFrom(unset.toByteArray());
        DeploymentSpec decodedZero = DeploymentSpec.parseFrom(zero.toByteArray());

        assertThat(decodedUnset.hasReplicas()).isFalse();
        assertThat(decodedUnset.hasRevisionHistoryLimit()).isFalse();
        assertThat(decodedUnset.hasProgressDeadlineSeconds()).isFalse();
        assertThat(decodedZero.hasReplicas()).isTrue();
        assertThat(decodedZero.hasRevisionHistoryLimit()).isTrue();
    }

    @Test
    void typedObjectCarriesTheKindAsItsOneofCase() throws InvalidProtocolBufferException {
        TypedObject object = TypedObject.newBuilder().setDeployment(web()).build();

        TypedObject decoded = TypedObject.parseFrom(object.toByteArray());

        assertThat(decoded.getObjectCase()).isEqualTo(TypedObject.ObjectCase.DEPLOYMENT);
        assertThat(decoded.getDeployment().getMetadata().getName()).isEqualTo("web");
    }

    private static Deployment web() {
        Timestamp created = Timestamp.newBuilder().setSeconds(1_700_000_000L).build();
        LabelSelector selector = LabelSelector.newBuilder()
                .putMatchLabels("app", "web")
                .addMatchExpressions(LabelSelectorRequirement.newBuilder()
                        .setKey("tier")
                        .setOperator(LabelSelectorRequirement.Operator.OPERATOR_IN)
                        .addValues("frontend")
                        .addValues("edge"))
                .build();
        Container container = Container.newBuilder()
                .setName("web")
                .setImage("nginx:1.27")
                .setImagePullPolicy(Container.PullPolicy.PULL_POLICY_IF_NOT_PRESENT)
                .addArgs("-g")
                .addArgs("daemon off;")
                .addPorts(ContainerPort.newBuilder()
                        .setName("http")
                        .setContainerPort(80)
                        .setProtocol(Protocol.PROTOCOL_TCP))
                .addEnv(EnvVar.newBuilder().setName("MODE").setValue("production"))
                .addEnv(EnvVar.newBuilder()
                        .setName("TOKEN")
                        .setValueFrom(EnvVarSource.newBuilder()
                                .setSecretKeyRef(SecretKeySelector.newBuilder()
                                        .setName("web-secrets")
                                        .setKey("token"))))
                .addEnvFrom(EnvFromSource.newBuilder()
                        .setPrefix("CFG_")
                        .setConfigMapRef(ConfigMapEnvSource.newBuilder().setName("web-config")))
                .setResources(ResourceRequirements.newBuilder()
                        .putRequests("cpu", "100m")
                        .putRequests("memory", "64Mi")
                        .putLimits("memory", "128Mi"))
                .addVolumeMounts(VolumeMount.newBuilder()
                        .setName("config")
                        .setMountPath("/etc/nginx/conf.d")
                        .setReadOnly(true))
                .setReadinessProbe(Probe.newBuilder()
                        .setHttpGet(HttpGetAction.newBuilder()
                                .setPath("/healthz")
                                .setPort(IntOrString.newBuilder().setStrVal("http"))
                                .setScheme(HttpGetAction.Scheme.SCHEME_HTTP))
                        .setPeriodSeconds(5)
                        .setFailureThreshold(2))
                .setLivenessProbe(Probe.newBuilder()
                        .setTcpSocket(TcpSocketAction.newBuilder()
                                .setPort(IntOrString.newBuilder().setIntVal(80)))
                        .setInitialDelaySeconds(10))
                .build();
        PodSpec podSpec = PodSpec.newBuilder()
                .addContainers(container)
                .setRestartPolicy(PodSpec.RestartPolicy.RESTART_POLICY_ALWAYS)
                .setTerminationGracePeriodSeconds(20)
                .putNodeSelector("disk", "ssd")
                .addTolerations(Toleration.newBuilder()
                        .setKey("dedicated")
                        .setOperator(Toleration.Operator.OPERATOR_EQUAL)
                        .setValue("web")
                        .setEffect(TaintEffect.TAINT_EFFECT_NO_SCHEDULE))
                .addVolumes(Volume.newBuilder()
                        .setName("config")
                        .setConfigMap(ConfigMapVolumeSource.newBuilder()
                                .setName("web-config")
                                .addItems(KeyToPath.newBuilder()
                                        .setKey("site.conf")
                                        .setPath("default.conf"))
                                .setDefaultMode(0444)))
                .build();
        return Deployment.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("web")
                        .setNamespace("default")
                        .setUid("8d6f5c1e-0000-4000-8000-000000000001")
                        .setResourceVersion("42")
                        .setGeneration(2)
                        .setCreationTimestamp(created)
                        .putLabels("app", "web")
                        .putAnnotations("capstan.io/change-cause", "bump image")
                        .addFinalizers("capstan.io/protect"))
                .setSpec(DeploymentSpec.newBuilder()
                        .setReplicas(3)
                        .setSelector(selector)
                        .setTemplate(PodTemplateSpec.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder().putLabels("app", "web"))
                                .setSpec(podSpec))
                        .setStrategy(DeploymentStrategy.newBuilder()
                                .setType(DeploymentStrategy.Type.TYPE_ROLLING_UPDATE)
                                .setRollingUpdate(RollingUpdateDeployment.newBuilder()
                                        .setMaxSurge(IntOrString.newBuilder().setStrVal("25%"))
                                        .setMaxUnavailable(
                                                IntOrString.newBuilder().setIntVal(0))))
                        .setMinReadySeconds(5)
                        .setRevisionHistoryLimit(4)
                        .setProgressDeadlineSeconds(300))
                .setStatus(DeploymentStatus.newBuilder()
                        .setObservedGeneration(2)
                        .setReplicas(3)
                        .setUpdatedReplicas(3)
                        .setReadyReplicas(3)
                        .setAvailableReplicas(3)
                        .addConditions(DeploymentCondition.newBuilder()
                                .setType("Available")
                                .setStatus(ConditionStatus.CONDITION_STATUS_TRUE)
                                .setReason("MinimumReplicasAvailable")
                                .setLastUpdateTime(created)
                                .setLastTransitionTime(created))
                        .setCollisionCount(0))
                .build();
    }
}
