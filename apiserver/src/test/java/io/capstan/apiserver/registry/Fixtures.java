package io.capstan.apiserver.registry;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.capstan.api.manifest.ManifestKind;
import io.capstan.proto.api.v1.AlertMatch;
import io.capstan.proto.api.v1.AlertRoute;
import io.capstan.proto.api.v1.AlertWebhook;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.ConfigMapEnvSource;
import io.capstan.proto.api.v1.ConfigMapKeySelector;
import io.capstan.proto.api.v1.ConfigMapVolumeSource;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.ContainerPort;
import io.capstan.proto.api.v1.ContainerState;
import io.capstan.proto.api.v1.ContainerStateRunning;
import io.capstan.proto.api.v1.ContainerStateTerminated;
import io.capstan.proto.api.v1.ContainerStatus;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentCondition;
import io.capstan.proto.api.v1.DeploymentSpec;
import io.capstan.proto.api.v1.DeploymentStatus;
import io.capstan.proto.api.v1.DeploymentStrategy;
import io.capstan.proto.api.v1.EmptyDirVolumeSource;
import io.capstan.proto.api.v1.EndpointAddress;
import io.capstan.proto.api.v1.EndpointPort;
import io.capstan.proto.api.v1.EndpointSubset;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.EnvFromSource;
import io.capstan.proto.api.v1.EnvVar;
import io.capstan.proto.api.v1.EnvVarSource;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.EventSource;
import io.capstan.proto.api.v1.ExecAction;
import io.capstan.proto.api.v1.HostPortBinding;
import io.capstan.proto.api.v1.HttpGetAction;
import io.capstan.proto.api.v1.HttpIngressPath;
import io.capstan.proto.api.v1.HttpIngressRuleValue;
import io.capstan.proto.api.v1.Ingress;
import io.capstan.proto.api.v1.IngressBackend;
import io.capstan.proto.api.v1.IngressLoadBalancerIngress;
import io.capstan.proto.api.v1.IngressPortStatus;
import io.capstan.proto.api.v1.IngressRule;
import io.capstan.proto.api.v1.IngressServiceBackend;
import io.capstan.proto.api.v1.IntOrString;
import io.capstan.proto.api.v1.KeyToPath;
import io.capstan.proto.api.v1.LabelSelector;
import io.capstan.proto.api.v1.LabelSelectorRequirement;
import io.capstan.proto.api.v1.Lease;
import io.capstan.proto.api.v1.LeaseSpec;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.NamespaceSpec;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeAddress;
import io.capstan.proto.api.v1.NodeCondition;
import io.capstan.proto.api.v1.NodeSpec;
import io.capstan.proto.api.v1.NodeStatus;
import io.capstan.proto.api.v1.NodeSystemInfo;
import io.capstan.proto.api.v1.ObjectFieldSelector;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.ObjectReference;
import io.capstan.proto.api.v1.OwnerReference;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.PodTemplateSpec;
import io.capstan.proto.api.v1.Probe;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.ReplicaSet;
import io.capstan.proto.api.v1.ReplicaSetSpec;
import io.capstan.proto.api.v1.ReplicaSetStatus;
import io.capstan.proto.api.v1.ResourceRequirements;
import io.capstan.proto.api.v1.RollingUpdateDeployment;
import io.capstan.proto.api.v1.Secret;
import io.capstan.proto.api.v1.SecretKeySelector;
import io.capstan.proto.api.v1.SecretVolumeSource;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServiceBackendPort;
import io.capstan.proto.api.v1.ServicePort;
import io.capstan.proto.api.v1.ServiceSpec;
import io.capstan.proto.api.v1.Taint;
import io.capstan.proto.api.v1.TaintEffect;
import io.capstan.proto.api.v1.TcpSocketAction;
import io.capstan.proto.api.v1.Toleration;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.Volume;
import io.capstan.proto.api.v1.VolumeMount;
import java.util.List;

/**
 * A valid object of every kind, written sparsely as a user would and then defaulted, so that each
 * validation test changes one field of a known-good object. Each uses most of its kind's fields.
 */
final class Fixtures {
    static final Timestamp CREATED =
            Timestamp.newBuilder().setSeconds(1_700_000_000).build();
    static final Timestamp LATER =
            Timestamp.newBuilder().setSeconds(1_700_000_060).build();

    private Fixtures() {}

    static TypedObject typed(Message object) {
        return ManifestKind.wrap(object);
    }

    static TypedObject defaulted(Message object) {
        return Defaults.apply(typed(object));
    }

    /** Metadata as the server stores it: uid and creationTimestamp set. */
    static ObjectMeta.Builder meta(String namespace, String name) {
        return ObjectMeta.newBuilder()
                .setName(name)
                .setNamespace(namespace)
                .setUid("uid-" + name)
                .setResourceVersion("42")
                .setGeneration(1)
                .setCreationTimestamp(CREATED);
    }

    static List<TypedObject> all() {
        return List.of(
                typed(namespace()),
                typed(node()),
                typed(pod()),
                typed(replicaSet()),
                typed(deployment()),
                typed(service()),
                typed(endpoints()),
                typed(configMap()),
                typed(secret()),
                typed(lease()),
                typed(event()),
                typed(ingress()),
                typed(alertRoute()));
    }

    static Ingress ingress() {
        Ingress.Builder ingress = Ingress.newBuilder().setMetadata(meta("default", "site"));
        ingress.getSpecBuilder()
                .setIngressClassName("capstan")
                .addRules(IngressRule.newBuilder()
                        .setHost("shop.example.com")
                        .setHttp(HttpIngressRuleValue.newBuilder()
                                .addPaths(HttpIngressPath.newBuilder()
                                        .setPath("/api")
                                        .setPathType(HttpIngressPath.PathType.PATH_TYPE_PREFIX)
                                        .setBackend(IngressBackend.newBuilder()
                                                .setService(IngressServiceBackend.newBuilder()
                                                        .setName("api")
                                                        .setPort(ServiceBackendPort.newBuilder()
                                                                .setNumber(80)))))));
        ingress.getStatusBuilder()
                .getLoadBalancerBuilder()
                .addIngress(IngressLoadBalancerIngress.newBuilder()
                        .setIp("127.0.0.1")
                        .addPorts(IngressPortStatus.newBuilder().setPort(8080).setProtocol(Protocol.PROTOCOL_TCP)));
        return defaulted(ingress.build()).getIngress();
    }

    static AlertRoute alertRoute() {
        AlertRoute.Builder route = AlertRoute.newBuilder().setMetadata(meta("", "ops"));
        route.getSpecBuilder()
                .setGroupWindowSeconds(60)
                .setWebhook(AlertWebhook.newBuilder()
                        .setUrl("http://127.0.0.1:9000/alerts")
                        .setTimeoutSeconds(5))
                .setMatch(AlertMatch.newBuilder().addReasons("Unhealthy").addKinds("Pod"));
        return defaulted(route.build()).getAlertRoute();
    }

    static Namespace namespace() {
        return defaulted(Namespace.newBuilder()
                        .setMetadata(meta("", "team-a").putLabels("env", "dev"))
                        .setSpec(NamespaceSpec.newBuilder().addFinalizers("kubernetes"))
                        .build())
                .getNamespace();
    }

    static Node node() {
        return defaulted(Node.newBuilder()
                        .setMetadata(meta("", "node-1.example").putLabels("kubernetes.io/hostname", "node-1"))
                        .setSpec(NodeSpec.newBuilder()
                                .setPodCidr("10.244.1.0/24")
                                .addTaints(Taint.newBuilder()
                                        .setKey("dedicated")
                                        .setValue("gpu")
                                        .setEffect(TaintEffect.TAINT_EFFECT_NO_SCHEDULE)))
                        .setStatus(NodeStatus.newBuilder()
                                .putCapacity("cpu", "4")
                                .putCapacity("memory", "8Gi")
                                .putCapacity("pods", "110")
                                .addConditions(NodeCondition.newBuilder()
                                        .setType("Ready")
                                        .setStatus(ConditionStatus.CONDITION_STATUS_TRUE)
                                        .setReason("KubeletReady")
                                        .setLastHeartbeatTime(LATER))
                                .addAddresses(NodeAddress.newBuilder()
                                        .setType(NodeAddress.Type.TYPE_INTERNAL_IP)
                                        .setAddress("127.0.0.1"))
                                .addAddresses(NodeAddress.newBuilder()
                                        .setType(NodeAddress.Type.TYPE_HOSTNAME)
                                        .setAddress("node-1"))
                                .setNodeInfo(NodeSystemInfo.newBuilder()
                                        .setContainerRuntimeVersion("process://capstan")
                                        .setOperatingSystem("linux"))
                                .setKubeletEndpoint("127.0.0.1:10250"))
                        .build())
                .getNode();
    }

    /** A pod spec using every feature: volumes of each source, an init container, env, probes. */
    static PodSpec podSpec() {
        return PodSpec.newBuilder()
                .addVolumes(Volume.newBuilder()
                        .setName("config")
                        .setConfigMap(ConfigMapVolumeSource.newBuilder()
                                .setName("web-config")
                                .addItems(KeyToPath.newBuilder()
                                        .setKey("app.conf")
                                        .setPath("conf/app.conf")
                                        .setMode(0600))))
                .addVolumes(Volume.newBuilder()
                        .setName("tls")
                        .setSecret(SecretVolumeSource.newBuilder().setSecretName("web-tls")))
                .addVolumes(Volume.newBuilder()
                        .setName("scratch")
                        .setEmptyDir(EmptyDirVolumeSource.newBuilder().setSizeLimit("1Gi")))
                .addInitContainers(Container.newBuilder()
                        .setName("migrate")
                        .setImage("busybox:1.36")
                        .addCommand("sh")
                        .addArgs("-c")
                        .addArgs("echo migrated"))
                .addContainers(Container.newBuilder()
                        .setName("web")
                        .setImage("nginx:1.27")
                        .setWorkingDir("/srv")
                        .addPorts(ContainerPort.newBuilder().setName("http").setContainerPort(8080))
                        .addPorts(ContainerPort.newBuilder().setName("metrics").setContainerPort(9090))
                        .addEnv(EnvVar.newBuilder().setName("MODE").setValue("production"))
                        .addEnv(EnvVar.newBuilder()
                                .setName("GREETING")
                                .setValueFrom(EnvVarSource.newBuilder()
                                        .setConfigMapKeyRef(ConfigMapKeySelector.newBuilder()
                                                .setName("web-config")
                                                .setKey("greeting"))))
                        .addEnv(EnvVar.newBuilder()
                                .setName("PASSWORD")
                                .setValueFrom(EnvVarSource.newBuilder()
                                        .setSecretKeyRef(SecretKeySelector.newBuilder()
                                                .setName("web-secret")
                                                .setKey("password")
                                                .setOptional(true))))
                        .addEnv(EnvVar.newBuilder()
                                .setName("POD_NAME")
                                .setValueFrom(EnvVarSource.newBuilder()
                                        .setFieldRef(
                                                ObjectFieldSelector.newBuilder().setFieldPath("metadata.name"))))
                        .addEnv(EnvVar.newBuilder()
                                .setName("APP")
                                .setValueFrom(EnvVarSource.newBuilder()
                                        .setFieldRef(ObjectFieldSelector.newBuilder()
                                                .setFieldPath("metadata.labels['app']"))))
                        .addEnvFrom(EnvFromSource.newBuilder()
                                .setPrefix("CFG_")
                                .setConfigMapRef(ConfigMapEnvSource.newBuilder().setName("web-config")))
                        .setResources(ResourceRequirements.newBuilder()
                                .putRequests("cpu", "250m")
                                .putRequests("memory", "64Mi")
                                .putLimits("cpu", "500m")
                                .putLimits("memory", "128Mi"))
                        .addVolumeMounts(VolumeMount.newBuilder()
                                .setName("config")
                                .setMountPath("/etc/web")
                                .setReadOnly(true))
                        .addVolumeMounts(VolumeMount.newBuilder()
                                .setName("scratch")
                                .setMountPath("/tmp")
                                .setSubPath("cache"))
                        .addVolumeMounts(VolumeMount.newBuilder().setName("tls").setMountPath("/etc/tls"))
                        .setLivenessProbe(Probe.newBuilder()
                                .setHttpGet(HttpGetAction.newBuilder()
                                        .setPath("/healthz")
                                        .setPort(IntOrString.newBuilder().setStrVal("http")))
                                .setInitialDelaySeconds(5))
                        .setReadinessProbe(Probe.newBuilder()
                                .setTcpSocket(TcpSocketAction.newBuilder()
                                        .setPort(IntOrString.newBuilder().setIntVal(8080)))
                                .setSuccessThreshold(2))
                        .setStartupProbe(Probe.newBuilder()
                                .setExec(ExecAction.newBuilder()
                                        .addCommand("cat")
                                        .addCommand("/tmp/ready"))
                                .setFailureThreshold(30)))
                .addContainers(Container.newBuilder()
                        .setName("sidecar")
                        .setImage("busybox")
                        .setResources(ResourceRequirements.newBuilder().putLimits("example.com/widget", "1")))
                .putNodeSelector("disk", "ssd")
                .addTolerations(Toleration.newBuilder()
                        .setKey("node.kubernetes.io/not-ready")
                        .setOperator(Toleration.Operator.OPERATOR_EXISTS)
                        .setEffect(TaintEffect.TAINT_EFFECT_NO_EXECUTE)
                        .setTolerationSeconds(300))
                .addTolerations(Toleration.newBuilder().setKey("dedicated").setValue("gpu"))
                .build();
    }

    static Pod pod() {
        return defaulted(Pod.newBuilder()
                        .setMetadata(meta("default", "web-0")
                                .putLabels("app", "web")
                                .putAnnotations("example.com/owner", "team-a")
                                .addOwnerReferences(OwnerReference.newBuilder()
                                        .setApiVersion("apps/v1")
                                        .setKind("ReplicaSet")
                                        .setName("web-5d4f")
                                        .setUid("uid-web-5d4f")
                                        .setController(true)
                                        .setBlockOwnerDeletion(true))
                                .addFinalizers("example.com/cleanup"))
                        .setSpec(podSpec())
                        .setStatus(PodStatus.newBuilder().setPhase(PodStatus.Phase.PHASE_PENDING))
                        .build())
                .getPod();
    }

    /** {@link #pod()} bound to a node and running, with the status a kubelet writes. */
    static Pod runningPod() {
        Pod pod = pod();
        return defaulted(pod.toBuilder()
                        .setSpec(pod.getSpec().toBuilder().setNodeName("node-1.example"))
                        .setStatus(PodStatus.newBuilder()
                                .setPhase(PodStatus.Phase.PHASE_RUNNING)
                                .addConditions(Condition.newBuilder()
                                        .setType("Ready")
                                        .setStatus(ConditionStatus.CONDITION_STATUS_TRUE)
                                        .setLastTransitionTime(LATER))
                                .addConditions(Condition.newBuilder()
                                        .setType("PodScheduled")
                                        .setStatus(ConditionStatus.CONDITION_STATUS_TRUE))
                                .setHostIp("127.0.0.1")
                                .setPodIp("127.0.0.1")
                                .setStartTime(CREATED)
                                .addInitContainerStatuses(ContainerStatus.newBuilder()
                                        .setName("migrate")
                                        .setState(ContainerState.newBuilder()
                                                .setTerminated(ContainerStateTerminated.newBuilder()
                                                        .setExitCode(0)
                                                        .setReason("Completed"))))
                                .addContainerStatuses(ContainerStatus.newBuilder()
                                        .setName("web")
                                        .setReady(true)
                                        .setStarted(true)
                                        .setRestartCount(1)
                                        .setImage("nginx:1.27")
                                        .setState(ContainerState.newBuilder()
                                                .setRunning(ContainerStateRunning.newBuilder()
                                                        .setStartedAt(LATER))))
                                .addContainerStatuses(
                                        ContainerStatus.newBuilder().setName("sidecar"))
                                .addHostPorts(HostPortBinding.newBuilder()
                                        .setContainerName("web")
                                        .setPortName("http")
                                        .setContainerPort(8080)
                                        .setHostIp("127.0.0.1")
                                        .setHostPort(31000)))
                        .build())
                .getPod();
    }

    static PodTemplateSpec template() {
        return PodTemplateSpec.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .putLabels("app", "web")
                        .putLabels("tier", "frontend")
                        .putAnnotations("example.com/note", "templated"))
                .setSpec(podSpec())
                .build();
    }

    static ReplicaSet replicaSet() {
        return defaulted(ReplicaSet.newBuilder()
                        .setMetadata(meta("default", "web-5d4f").putLabels("app", "web"))
                        .setSpec(ReplicaSetSpec.newBuilder()
                                .setReplicas(3)
                                .setMinReadySeconds(5)
                                .setSelector(LabelSelector.newBuilder()
                                        .putMatchLabels("app", "web")
                                        .addMatchExpressions(LabelSelectorRequirement.newBuilder()
                                                .setKey("tier")
                                                .setOperator(LabelSelectorRequirement.Operator.OPERATOR_IN)
                                                .addValues("frontend")
                                                .addValues("edge")))
                                .setTemplate(template()))
                        .setStatus(ReplicaSetStatus.newBuilder()
                                .setReplicas(3)
                                .setFullyLabeledReplicas(3)
                                .setReadyReplicas(2)
                                .setAvailableReplicas(2)
                                .setObservedGeneration(1))
                        .build())
                .getReplicaSet();
    }

    static Deployment deployment() {
        return defaulted(Deployment.newBuilder()
                        .setMetadata(meta("default", "web").putLabels("app", "web"))
                        .setSpec(DeploymentSpec.newBuilder()
                                .setReplicas(3)
                                .setSelector(LabelSelector.newBuilder().putMatchLabels("app", "web"))
                                .setTemplate(template())
                                .setStrategy(DeploymentStrategy.newBuilder()
                                        .setRollingUpdate(RollingUpdateDeployment.newBuilder()
                                                .setMaxSurge(
                                                        IntOrString.newBuilder().setIntVal(1))))
                                .setMinReadySeconds(5))
                        .setStatus(DeploymentStatus.newBuilder()
                                .setObservedGeneration(1)
                                .setReplicas(3)
                                .setUpdatedReplicas(3)
                                .setReadyReplicas(3)
                                .setAvailableReplicas(3)
                                .setCollisionCount(1)
                                .addConditions(DeploymentCondition.newBuilder()
                                        .setType("Available")
                                        .setStatus(ConditionStatus.CONDITION_STATUS_TRUE)
                                        .setReason("MinimumReplicasAvailable")))
                        .build())
                .getDeployment();
    }

    static Service service() {
        return defaulted(Service.newBuilder()
                        .setMetadata(meta("default", "web"))
                        .setSpec(ServiceSpec.newBuilder()
                                .setClusterIp("127.77.0.10")
                                .putSelector("app", "web")
                                .addPorts(ServicePort.newBuilder()
                                        .setName("http")
                                        .setPort(80)
                                        .setTargetPort(IntOrString.newBuilder().setStrVal("http")))
                                .addPorts(ServicePort.newBuilder()
                                        .setName("metrics")
                                        .setPort(9090)))
                        .build())
                .getService();
    }

    static Endpoints endpoints() {
        return defaulted(Endpoints.newBuilder()
                        .setMetadata(meta("default", "web"))
                        .addSubsets(EndpointSubset.newBuilder()
                                .addAddresses(EndpointAddress.newBuilder()
                                        .setIp("127.0.0.1")
                                        .setNodeName("node-1.example")
                                        .setTargetRef(ObjectReference.newBuilder()
                                                .setKind("Pod")
                                                .setNamespace("default")
                                                .setName("web-0")))
                                .addNotReadyAddresses(
                                        EndpointAddress.newBuilder().setIp("::1"))
                                .addPorts(EndpointPort.newBuilder()
                                        .setName("http")
                                        .setPort(31000))
                                .addPorts(EndpointPort.newBuilder()
                                        .setName("metrics")
                                        .setPort(31001)))
                        .build())
                .getEndpoints();
    }

    static ConfigMap configMap() {
        return defaulted(ConfigMap.newBuilder()
                        .setMetadata(meta("default", "web-config"))
                        .putData("app.conf", "listen 8080\n")
                        .putData("greeting", "hello")
                        .putBinaryData("logo.png", ByteString.copyFrom(new byte[] {(byte) 0x89, 'P', 'N', 'G'}))
                        .build())
                .getConfigMap();
    }

    static Secret secret() {
        return defaulted(Secret.newBuilder()
                        .setMetadata(meta("default", "web-tls"))
                        .setType("kubernetes.io/tls")
                        .putData("tls.crt", ByteString.copyFromUtf8("-----BEGIN CERTIFICATE-----"))
                        .putStringData("tls.key", "-----BEGIN PRIVATE KEY-----")
                        .build())
                .getSecret();
    }

    static Lease lease() {
        return defaulted(Lease.newBuilder()
                        .setMetadata(meta("kube-system", "capstan-controller-manager"))
                        .setSpec(LeaseSpec.newBuilder()
                                .setHolderIdentity("cm-1")
                                .setLeaseDurationSeconds(15)
                                .setAcquireTime(CREATED)
                                .setRenewTime(LATER)
                                .setLeaseTransitions(2))
                        .build())
                .getLease();
    }

    static Event event() {
        return defaulted(Event.newBuilder()
                        .setMetadata(meta("default", "web-0.17a3b9c2d4e5f601"))
                        .setInvolvedObject(ObjectReference.newBuilder()
                                .setKind("Pod")
                                .setNamespace("default")
                                .setName("web-0")
                                .setUid("uid-web-0")
                                .setApiVersion("v1"))
                        .setReason("Scheduled")
                        .setMessage("Successfully assigned default/web-0 to node-1")
                        .setSource(EventSource.newBuilder().setComponent("scheduler"))
                        .setFirstTimestamp(CREATED)
                        .setLastTimestamp(LATER)
                        .setReportingController("capstan.io/scheduler")
                        .setReportingInstance("cm-1")
                        .build())
                .getEvent();
    }
}
