package io.capstan.apiserver.registry;

import static io.capstan.apiserver.registry.ValidationAssertions.assertStatusRejected;
import static io.capstan.apiserver.registry.ValidationAssertions.assertStatusValid;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.ContainerStatus;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentStatus;
import io.capstan.proto.api.v1.HostPortBinding;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.NamespaceStatus;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeAddress;
import io.capstan.proto.api.v1.NodeStatus;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.ReplicaSet;
import io.capstan.proto.api.v1.ReplicaSetStatus;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServiceStatus;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** validateStatusUpdate: the status of each kind that has one. */
class StatusValidationTest {

    private static Pod podStatus(UnaryOperator<PodStatus.Builder> change) {
        Pod pod = Fixtures.runningPod();
        return pod.toBuilder()
                .setStatus(change.apply(pod.getStatus().toBuilder()))
                .build();
    }

    private static void assertPodStatusRejected(Pod updated, String path, String message) {
        assertStatusRejected(updated, Fixtures.runningPod(), path, message);
    }

    @Test
    void podPhaseIsRequired() {
        assertPodStatusRejected(
                podStatus(status -> status.setPhase(PodStatus.Phase.PHASE_UNSPECIFIED)), "status.phase", "required");
    }

    @Test
    void aPodThatSucceededOrFailedStaysSo() {
        Pod succeeded = podStatus(status -> status.setPhase(PodStatus.Phase.PHASE_SUCCEEDED));
        assertStatusValid(succeeded, Fixtures.runningPod());
        assertStatusRejected(
                Fixtures.runningPod(), succeeded, "status.phase", "cannot change once the pod has succeeded or failed");
    }

    @Test
    void podConditionsHaveAUniqueTypeAndAStatus() {
        assertPodStatusRejected(
                podStatus(status -> status.addConditions(
                        Condition.newBuilder().setType("Ready").setStatus(ConditionStatus.CONDITION_STATUS_FALSE))),
                "status.conditions[2].type",
                "duplicate value \"Ready\"");
        assertPodStatusRejected(
                podStatus(status -> status.addConditions(Condition.newBuilder().setType("Initialized"))),
                "status.conditions[2].status",
                "required");
        assertPodStatusRejected(
                podStatus(status ->
                        status.addConditions(Condition.newBuilder().setStatus(ConditionStatus.CONDITION_STATUS_TRUE))),
                "status.conditions[2].type",
                "required");
    }

    @Test
    void podAddressesAreIps() {
        assertPodStatusRejected(podStatus(status -> status.setPodIp("pod-0")), "status.podIP", "IP address");
        assertPodStatusRejected(podStatus(status -> status.setHostIp("node-1")), "status.hostIP", "IP address");
    }

    @Test
    void containerStatusesNameContainersOfTheSpec() {
        assertPodStatusRejected(
                podStatus(status ->
                        status.addContainerStatuses(ContainerStatus.newBuilder().setName("migrate"))),
                "status.containerStatuses[2].name",
                "no container named \"migrate\" in spec.containers");
        assertPodStatusRejected(
                podStatus(status -> status.addInitContainerStatuses(
                        ContainerStatus.newBuilder().setName("web"))),
                "status.initContainerStatuses[1].name",
                "in spec.initContainers");
        assertPodStatusRejected(
                podStatus(status -> status.setContainerStatuses(
                        0, status.getContainerStatuses(0).toBuilder().setRestartCount(-1))),
                "status.containerStatuses[0].restartCount",
                "must be >= 0");
    }

    @Test
    void hostPortsNameAContainerAndValidPorts() {
        HostPortBinding binding = Fixtures.runningPod().getStatus().getHostPorts(0);
        assertPodStatusRejected(
                podStatus(status -> status.setHostPorts(0, binding.toBuilder().setContainerName("db"))),
                "status.hostPorts[0].containerName",
                "no container named \"db\"");
        assertPodStatusRejected(
                podStatus(status -> status.setHostPorts(0, binding.toBuilder().setHostPort(0))),
                "status.hostPorts[0].hostPort",
                "between 1 and 65535");
        assertPodStatusRejected(
                podStatus(status -> status.setHostPorts(0, binding.toBuilder().setHostIp("any"))),
                "status.hostPorts[0].hostIP",
                "IP address");
    }

    private static ReplicaSet replicaSetStatus(UnaryOperator<ReplicaSetStatus.Builder> change) {
        ReplicaSet replicaSet = Fixtures.replicaSet();
        return replicaSet.toBuilder()
                .setStatus(change.apply(replicaSet.getStatus().toBuilder()))
                .build();
    }

    @Test
    void replicaSetCountsAreConsistent() {
        ReplicaSet old = Fixtures.replicaSet();
        assertStatusRejected(
                replicaSetStatus(status -> status.setFullyLabeledReplicas(-1)),
                old,
                "status.fullyLabeledReplicas",
                "must be >= 0, got -1");
        assertStatusRejected(
                replicaSetStatus(status -> status.setReadyReplicas(4)),
                old,
                "status.readyReplicas",
                "must be <= status.replicas (3), got 4");
        assertStatusRejected(
                replicaSetStatus(status -> status.setAvailableReplicas(3)),
                old,
                "status.availableReplicas",
                "must be <= status.readyReplicas (2), got 3");
        assertStatusRejected(
                replicaSetStatus(status -> status.setObservedGeneration(-1)),
                old,
                "status.observedGeneration",
                "must be >= 0");
    }

    private static Deployment deploymentStatus(UnaryOperator<DeploymentStatus.Builder> change) {
        Deployment deployment = Fixtures.deployment();
        return deployment.toBuilder()
                .setStatus(change.apply(deployment.getStatus().toBuilder()))
                .build();
    }

    @Test
    void deploymentCountsAreConsistent() {
        Deployment old = Fixtures.deployment();
        assertStatusRejected(
                deploymentStatus(status -> status.setUpdatedReplicas(4)),
                old,
                "status.updatedReplicas",
                "must be <= status.replicas (3), got 4");
        assertStatusRejected(
                deploymentStatus(status -> status.setUnavailableReplicas(-1)),
                old,
                "status.unavailableReplicas",
                "must be >= 0");
    }

    @Test
    void deploymentCollisionCountNeverDecreases() {
        Deployment old = Fixtures.deployment();
        assertStatusValid(deploymentStatus(status -> status.setCollisionCount(2)), old);
        assertStatusRejected(
                deploymentStatus(status -> status.setCollisionCount(0)),
                old,
                "status.collisionCount",
                "cannot be decreased or unset, was 1, got 0");
        assertStatusRejected(
                deploymentStatus(DeploymentStatus.Builder::clearCollisionCount),
                old,
                "status.collisionCount",
                "got unset");
    }

    @Test
    void namespacePhaseFollowsDeletion() {
        Namespace active = Fixtures.namespace();
        Namespace deleting = active.toBuilder()
                .setMetadata(active.getMetadata().toBuilder().setDeletionTimestamp(Fixtures.LATER))
                .build();
        Namespace terminating = deleting.toBuilder()
                .setStatus(NamespaceStatus.newBuilder().setPhase(NamespaceStatus.Phase.PHASE_TERMINATING))
                .build();

        assertStatusValid(terminating, deleting);
        assertStatusRejected(
                deleting, deleting, "status.phase", "must be Terminating once metadata.deletionTimestamp is set");
        assertStatusRejected(
                active.toBuilder().setStatus(terminating.getStatus()).build(),
                active,
                "status.phase",
                "must be Active while metadata.deletionTimestamp is unset");
        assertStatusRejected(
                active.toBuilder()
                        .setStatus(NamespaceStatus.getDefaultInstance())
                        .build(),
                active,
                "status.phase",
                "required");
    }

    private static Node nodeStatus(UnaryOperator<NodeStatus.Builder> change) {
        Node node = Fixtures.node();
        return node.toBuilder()
                .setStatus(change.apply(node.getStatus().toBuilder()))
                .build();
    }

    @Test
    void nodeResourcesAreQuantities() {
        Node old = Fixtures.node();
        assertStatusRejected(
                nodeStatus(status -> status.putCapacity("memory", "8 GiB")),
                old,
                "status.capacity[memory]",
                "invalid quantity \"8 GiB\"");
        assertStatusRejected(
                nodeStatus(status -> status.putAllocatable("cpu", "-1")),
                old,
                "status.allocatable[cpu]",
                "must be >= 0");
        assertStatusRejected(
                nodeStatus(status -> status.putAllocatable("bad name", "1")),
                old,
                "status.allocatable[bad name]",
                "resource name");
    }

    @Test
    void nodeAddressesHaveATypeAndAnAddress() {
        Node old = Fixtures.node();
        assertStatusRejected(
                nodeStatus(
                        status -> status.addAddresses(NodeAddress.newBuilder().setAddress("10.0.0.1"))),
                old,
                "status.addresses[2].type",
                "required");
        assertStatusRejected(
                nodeStatus(status ->
                        status.addAddresses(NodeAddress.newBuilder().setType(NodeAddress.Type.TYPE_EXTERNAL_IP))),
                old,
                "status.addresses[2].address",
                "required");
    }

    @Test
    void nodeConditionsAndKubeletEndpointAreChecked() {
        Node old = Fixtures.node();
        assertStatusRejected(
                nodeStatus(status -> status.addConditions(status.getConditions(0))),
                old,
                "status.conditions[1].type",
                "duplicate value \"Ready\"");
        assertStatusRejected(
                nodeStatus(status -> status.setKubeletEndpoint("127.0.0.1")),
                old,
                "status.kubeletEndpoint",
                "must be host:port");
        assertStatusRejected(
                nodeStatus(status -> status.setKubeletEndpoint("127.0.0.1:0")),
                old,
                "status.kubeletEndpoint",
                "between 1 and 65535");
    }

    @Test
    void serviceConditionsAreChecked() {
        Service service = Fixtures.service();
        assertStatusRejected(
                service.toBuilder()
                        .setStatus(ServiceStatus.newBuilder()
                                .addConditions(Condition.newBuilder().setType("Ready")))
                        .build(),
                service,
                "status.conditions[0].status",
                "required");
    }

    @Test
    void kindsWithoutStatusHaveNoStatusUpdate() {
        ConfigMap configMap = Fixtures.configMap();
        assertStatusRejected(configMap, configMap, "status", "ConfigMap has no status");
    }

    @Test
    void statusUpdatesKeepMetadataRules() {
        Pod renamed = Fixtures.runningPod().toBuilder()
                .setMetadata(Fixtures.runningPod().getMetadata().toBuilder().setName("web-1"))
                .build();
        assertThat(Validation.validateStatusUpdate(Fixtures.typed(renamed), Fixtures.typed(Fixtures.runningPod())))
                .containsExactly(new FieldError("metadata.name", "field is immutable"));
    }
}
