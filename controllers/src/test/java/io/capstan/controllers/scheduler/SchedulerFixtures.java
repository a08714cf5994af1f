package io.capstan.controllers.scheduler;

import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.ContainerPort;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeCondition;
import io.capstan.proto.api.v1.NodeStatus;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.OwnerReference;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.ResourceRequirements;
import io.capstan.proto.api.v1.Taint;
import io.capstan.proto.api.v1.TaintEffect;
import io.capstan.proto.api.v1.Toleration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Nodes and pods as the API server stores them, for the scheduler's unit tests. */
final class SchedulerFixtures {
    private SchedulerFixtures() {}

    /** A Ready node with this much cpu and memory allocatable and no pod limit. */
    static Node node(String name, String cpu, String memory) {
        return Node.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name).setUid("uid-" + name))
                .setStatus(NodeStatus.newBuilder()
                        .putAllocatable("cpu", cpu)
                        .putAllocatable("memory", memory)
                        .putCapacity("cpu", cpu)
                        .putCapacity("memory", memory)
                        .addConditions(ready(ConditionStatus.CONDITION_STATUS_TRUE)))
                .build();
    }

    static NodeCondition ready(ConditionStatus status) {
        return NodeCondition.newBuilder().setType("Ready").setStatus(status).build();
    }

    static Node withReady(Node node, ConditionStatus status) {
        Node.Builder builder = node.toBuilder();
        builder.getStatusBuilder().clearConditions().addConditions(ready(status));
        return builder.build();
    }

    static Node withTaint(Node node, String key, String value, TaintEffect effect) {
        Node.Builder builder = node.toBuilder();
        builder.getSpecBuilder()
                .addTaints(Taint.newBuilder().setKey(key).setValue(value).setEffect(effect));
        return builder.build();
    }

    static Node withLabel(Node node, String key, String value) {
        Node.Builder builder = node.toBuilder();
        builder.getMetadataBuilder().putLabels(key, value);
        return builder.build();
    }

    static Node cordoned(Node node) {
        Node.Builder builder = node.toBuilder();
        builder.getSpecBuilder().setUnschedulable(true);
        return builder.build();
    }

    static Node withAllocatable(Node node, String resource, String quantity) {
        Node.Builder builder = node.toBuilder();
        builder.getStatusBuilder().putAllocatable(resource, quantity);
        return builder.build();
    }

    /** A pending pod in "default" with one container requesting this much; null leaves a request out. */
    static Pod pod(String name, @Nullable String cpu, @Nullable String memory) {
        ResourceRequirements.Builder resources = ResourceRequirements.newBuilder();
        if (cpu != null) {
            resources.putRequests("cpu", cpu);
        }
        if (memory != null) {
            resources.putRequests("memory", memory);
        }
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace("default")
                        .setName(name)
                        .setUid("uid-" + name)
                        .setResourceVersion("1"))
                .setSpec(PodSpec.newBuilder()
                        .addContainers(Container.newBuilder()
                                .setName("main")
                                .setImage("busybox:1")
                                .setResources(resources)))
                .setStatus(PodStatus.newBuilder().setPhase(PodStatus.Phase.PHASE_PENDING))
                .build();
    }

    static Pod bound(Pod pod, String node) {
        Pod.Builder builder = pod.toBuilder();
        builder.getSpecBuilder().setNodeName(node);
        return builder.build();
    }

    static Pod withPhase(Pod pod, PodStatus.Phase phase) {
        Pod.Builder builder = pod.toBuilder();
        builder.getStatusBuilder().setPhase(phase);
        return builder.build();
    }

    static Pod ownedBy(Pod pod, String controllerUid) {
        Pod.Builder builder = pod.toBuilder();
        builder.getMetadataBuilder()
                .addOwnerReferences(OwnerReference.newBuilder()
                        .setApiVersion("apps/v1")
                        .setKind("ReplicaSet")
                        .setName("rs-" + controllerUid)
                        .setUid(controllerUid)
                        .setController(true));
        return builder.build();
    }

    static Pod withHostPort(Pod pod, int hostPort, Protocol protocol) {
        Pod.Builder builder = pod.toBuilder();
        builder.getSpecBuilder()
                .getContainersBuilder(0)
                .addPorts(ContainerPort.newBuilder()
                        .setContainerPort(8080)
                        .setHostPort(hostPort)
                        .setProtocol(protocol));
        return builder.build();
    }

    static Pod withNodeSelector(Pod pod, String key, String value) {
        Pod.Builder builder = pod.toBuilder();
        builder.getSpecBuilder().putNodeSelector(key, value);
        return builder.build();
    }

    static Pod tolerating(Pod pod, Toleration toleration) {
        Pod.Builder builder = pod.toBuilder();
        builder.getSpecBuilder().addTolerations(toleration);
        return builder.build();
    }

    static Toleration equal(String key, String value, TaintEffect effect) {
        return Toleration.newBuilder()
                .setKey(key)
                .setOperator(Toleration.Operator.OPERATOR_EQUAL)
                .setValue(value)
                .setEffect(effect)
                .build();
    }

    static Toleration exists(String key, TaintEffect effect) {
        return Toleration.newBuilder()
                .setKey(key)
                .setOperator(Toleration.Operator.OPERATOR_EXISTS)
                .setEffect(effect)
                .build();
    }

    /** NodeInfos for these nodes with these bound pods, as the snapshot would hold them. */
    static List<NodeInfo> nodeInfos(Collection<Node> nodes, Collection<Pod> boundPods) {
        List<NodeInfo> infos = new ArrayList<>();
        for (Node node : nodes) {
            NodeInfo info = NodeInfo.of(node);
            for (Pod pod : boundPods) {
                if (pod.getSpec().getNodeName().equals(info.name()) && PodInfo.holdsResources(pod)) {
                    info.addPod(PodInfo.of(pod));
                }
            }
            infos.add(info);
        }
        return infos;
    }
}
