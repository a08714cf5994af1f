package io.capstan.apiserver.registry;

import static io.capstan.apiserver.registry.ValidationAssertions.assertUpdateRejected;
import static io.capstan.apiserver.registry.ValidationAssertions.assertUpdateValid;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.LabelSelector;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.api.v1.ReplicaSet;
import io.capstan.proto.api.v1.Secret;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServiceSpec;
import io.capstan.proto.api.v1.TaintEffect;
import io.capstan.proto.api.v1.Toleration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** validateUpdate: what may not change, per kind, and that the new object is valid as a whole. */
class UpdateValidationTest {

    private static ConfigMap configMapWithMeta(UnaryOperator<ObjectMeta.Builder> change) {
        ConfigMap configMap = Fixtures.configMap();
        return configMap.toBuilder()
                .setMetadata(change.apply(configMap.getMetadata().toBuilder()))
                .build();
    }

    @Test
    void nameAndNamespaceAreImmutable() {
        ConfigMap old = Fixtures.configMap();
        assertUpdateRejected(
                configMapWithMeta(meta -> meta.setName("other")), old, "metadata.name", "field is immutable");
        assertUpdateRejected(
                configMapWithMeta(meta -> meta.setNamespace("other")), old, "metadata.namespace", "field is immutable");
    }

    @Test
    void uidAndCreationTimestampCannotChangeButMayBeLeftOut() {
        ConfigMap old = Fixtures.configMap();
        assertUpdateRejected(
                configMapWithMeta(meta -> meta.setUid("other")), old, "metadata.uid", "field is immutable");
        assertUpdateRejected(
                configMapWithMeta(meta -> meta.setCreationTimestamp(Fixtures.LATER)),
                old,
                "metadata.creationTimestamp",
                "field is immutable");
        assertUpdateValid(configMapWithMeta(meta -> meta.clearUid().clearCreationTimestamp()), old);
    }

    @Test
    void labelsAnnotationsAndFinalizersMayChange() {
        assertUpdateValid(
                configMapWithMeta(meta ->
                        meta.putLabels("tier", "db").putAnnotations("note", "x").addFinalizers("example.com/hold")),
                Fixtures.configMap());
    }

    @Test
    void finalizersCannotBeAddedWhileDeleting() {
        ConfigMap deleting = configMapWithMeta(
                meta -> meta.setDeletionTimestamp(Fixtures.LATER).addFinalizers("a.io/x"));
        assertUpdateValid(configMapWithMeta(meta -> meta.setDeletionTimestamp(Fixtures.LATER)), deleting);
        assertUpdateRejected(
                configMapWithMeta(meta -> meta.setDeletionTimestamp(Fixtures.LATER)
                        .addFinalizers("a.io/x")
                        .addFinalizers("b.io/y")),
                deleting,
                "metadata.finalizers",
                "no new finalizers can be added while the object is being deleted, got [b.io/y]");
    }

    @Test
    void theUpdatedObjectIsValidatedAsAWhole() {
        ConfigMap old = Fixtures.configMap();
        assertUpdateRejected(old.toBuilder().putData("a/b", "x").build(), old, "data[a/b]", "config key");
    }

    private static Pod podWith(UnaryOperator<PodSpec.Builder> change) {
        Pod pod = Fixtures.pod();
        return pod.toBuilder().setSpec(change.apply(pod.getSpec().toBuilder())).build();
    }

    @Test
    void podImagesMayChange() {
        assertUpdateValid(
                podWith(spec -> spec.setContainers(
                                0, spec.getContainers(0).toBuilder().setImage("nginx:1.28"))
                        .setInitContainers(
                                0, spec.getInitContainers(0).toBuilder().setImage("busybox:1.37"))),
                Fixtures.pod());
    }

    @Test
    void restOfAContainerIsImmutable() {
        assertUpdateRejected(
                podWith(spec ->
                        spec.setContainers(1, spec.getContainers(1).toBuilder().addArgs("--verbose"))),
                Fixtures.pod(),
                "spec.containers[1]",
                "field is immutable: only image may change");
        assertUpdateRejected(
                podWith(spec -> spec.setInitContainers(
                        0, spec.getInitContainers(0).toBuilder().clearArgs())),
                Fixtures.pod(),
                "spec.initContainers[0]",
                "field is immutable");
    }

    @Test
    void containersCannotBeAddedOrRemoved() {
        assertUpdateRejected(
                podWith(spec -> spec.removeContainers(1)),
                Fixtures.pod(),
                "spec.containers",
                "containers cannot be added or removed");
    }

    @Test
    void otherPodSpecFieldsAreImmutableEachAtItsPath() {
        List<FieldError> errors = Validation.validateUpdate(
                Fixtures.typed(podWith(spec -> spec.setRestartPolicy(PodSpec.RestartPolicy.RESTART_POLICY_NEVER)
                        .setTerminationGracePeriodSeconds(5)
                        .putNodeSelector("zone", "a"))),
                Fixtures.typed(Fixtures.pod()));

        assertThat(errors)
                .containsExactly(
                        new FieldError("spec.restartPolicy", "field is immutable"),
                        new FieldError("spec.terminationGracePeriodSeconds", "field is immutable"),
                        new FieldError("spec.nodeSelector", "field is immutable"));
    }

    @Test
    void tolerationsMayOnlyBeAdded() {
        Toleration extra = Toleration.newBuilder()
                .setKey("example.com/spot")
                .setOperator(Toleration.Operator.OPERATOR_EXISTS)
                .setEffect(TaintEffect.TAINT_EFFECT_NO_SCHEDULE)
                .build();
        assertUpdateValid(podWith(spec -> spec.addTolerations(extra)), Fixtures.pod());
        assertUpdateRejected(
                podWith(spec -> spec.removeTolerations(0)),
                Fixtures.pod(),
                "spec.tolerations",
                "existing tolerations cannot be changed or removed, only new ones added");
    }

    @Test
    void nodeNameIsSetOnceThenImmutable() {
        Pod bound = podWith(spec -> spec.setNodeName("node-1.example"));
        assertUpdateValid(bound, Fixtures.pod());
        assertUpdateRejected(podWith(spec -> spec.setNodeName("node-2")), bound, "spec.nodeName", "field is immutable");
        assertUpdateRejected(Fixtures.pod(), bound, "spec.nodeName", "field is immutable");
    }

    @Test
    void workloadSelectorsAreImmutable() {
        Deployment deployment = Fixtures.deployment();
        Deployment newSelector = deployment.toBuilder()
                .setSpec(deployment.getSpec().toBuilder()
                        .setSelector(LabelSelector.newBuilder().putMatchLabels("tier", "frontend")))
                .build();
        assertUpdateRejected(newSelector, deployment, "spec.selector", "field is immutable");

        ReplicaSet replicaSet = Fixtures.replicaSet();
        ReplicaSet fewerExpressions = replicaSet.toBuilder()
                .setSpec(replicaSet.getSpec().toBuilder()
                        .setSelector(
                                replicaSet.getSpec().getSelector().toBuilder().clearMatchExpressions()))
                .build();
        assertUpdateRejected(fewerExpressions, replicaSet, "spec.selector", "field is immutable");
    }

    @Test
    void workloadsMayScaleAndChangeTheirTemplate() {
        Deployment deployment = Fixtures.deployment();
        PodSpec template = deployment.getSpec().getTemplate().getSpec();
        Deployment changed = deployment.toBuilder()
                .setSpec(deployment.getSpec().toBuilder()
                        .setReplicas(5)
                        .setTemplate(deployment.getSpec().getTemplate().toBuilder()
                                .setSpec(template.toBuilder()
                                        .setContainers(
                                                0,
                                                template.getContainers(0).toBuilder()
                                                        .addArgs("--v=2")))))
                .build();
        assertUpdateValid(changed, deployment);
    }

    private static Service serviceWith(Service service, UnaryOperator<ServiceSpec.Builder> change) {
        return service.toBuilder()
                .setSpec(change.apply(service.getSpec().toBuilder()))
                .build();
    }

    @Test
    void clusterIpIsImmutableOnceSet() {
        Service allocated = Fixtures.service();
        assertUpdateRejected(
                serviceWith(allocated, spec -> spec.setClusterIp("127.77.0.11")),
                allocated,
                "spec.clusterIP",
                "field is immutable");
        assertUpdateRejected(
                serviceWith(allocated, ServiceSpec.Builder::clearClusterIp),
                allocated,
                "spec.clusterIP",
                "field is immutable");
        assertUpdateRejected(
                serviceWith(allocated, spec -> spec.setClusterIp("None")),
                allocated,
                "spec.clusterIP",
                "field is immutable");
        Service unallocated = serviceWith(allocated, ServiceSpec.Builder::clearClusterIp);
        assertUpdateValid(allocated, unallocated);
    }

    @Test
    void serviceTypeMayChangeKeepingTheClusterIp() {
        Service service = Fixtures.service();
        assertUpdateValid(serviceWith(service, spec -> spec.setType(ServiceSpec.Type.TYPE_NODE_PORT)), service);
    }

    @Test
    void immutableConfigMapsKeepTheirDataAndTheFlag() {
        ConfigMap frozen = Fixtures.configMap().toBuilder().setImmutable(true).build();
        assertUpdateValid(
                frozen.toBuilder()
                        .setMetadata(frozen.getMetadata().toBuilder().putLabels("x", "y"))
                        .build(),
                frozen);
        assertUpdateRejected(
                frozen.toBuilder().putData("greeting", "bye").build(),
                frozen,
                "data",
                "field is immutable when immutable is true");
        assertUpdateRejected(
                frozen.toBuilder().removeBinaryData("logo.png").build(),
                frozen,
                "binaryData",
                "field is immutable when immutable is true");
        assertUpdateRejected(frozen.toBuilder().setImmutable(false).build(), frozen, "immutable", "field is immutable");
        assertUpdateRejected(frozen.toBuilder().clearImmutable().build(), frozen, "immutable", "field is immutable");
    }

    @Test
    void mutableConfigMapsMayChangeAndBecomeImmutable() {
        ConfigMap old = Fixtures.configMap();
        assertUpdateValid(
                old.toBuilder().putData("greeting", "bye").setImmutable(true).build(), old);
    }

    @Test
    void secretTypeIsImmutableAndImmutableSecretsKeepTheirData() {
        Secret secret = Fixtures.secret();
        assertUpdateRejected(secret.toBuilder().setType("Opaque").build(), secret, "type", "field is immutable");
        Secret frozen = secret.toBuilder().setImmutable(true).build();
        assertUpdateRejected(
                frozen.toBuilder()
                        .putData("tls.key", ByteString.copyFromUtf8("new"))
                        .build(),
                frozen,
                "data",
                "field is immutable when immutable is true");
        assertUpdateValid(
                secret.toBuilder()
                        .putData("tls.key", ByteString.copyFromUtf8("new"))
                        .build(),
                secret);
    }

    @Test
    void nodePodCidrIsSetOnce() {
        Node node = Fixtures.node();
        Node unassigned = node.toBuilder()
                .setSpec(node.getSpec().toBuilder().clearPodCidr())
                .build();
        assertUpdateValid(node, unassigned);
        assertUpdateRejected(
                node.toBuilder()
                        .setSpec(node.getSpec().toBuilder().setPodCidr("10.244.2.0/24"))
                        .build(),
                node,
                "spec.podCIDR",
                "field is immutable");
        assertUpdateValid(
                node.toBuilder()
                        .setSpec(node.getSpec().toBuilder().setUnschedulable(true))
                        .build(),
                node);
    }

    @Test
    void eventsKeepTheirInvolvedObject() {
        Event event = Fixtures.event();
        assertUpdateValid(
                event.toBuilder().setCount(2).setLastTimestamp(Fixtures.LATER).build(), event);
        assertUpdateRejected(
                event.toBuilder()
                        .setInvolvedObject(event.getInvolvedObject().toBuilder().setName("web-1"))
                        .build(),
                event,
                "involvedObject",
                "field is immutable");
    }

    @Test
    void podContainerOrderIsPartOfTheSpec() {
        Pod swapped = podWith(spec -> {
            Container first = spec.getContainers(0);
            return spec.setContainers(0, spec.getContainers(1)).setContainers(1, first);
        });
        assertThat(Validation.validateUpdate(Fixtures.typed(swapped), Fixtures.typed(Fixtures.pod())))
                .extracting(FieldError::path)
                .containsExactly("spec.containers[0]", "spec.containers[1]");
    }
}
