package io.capstan.api.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Timestamp;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentSpec;
import io.capstan.proto.api.v1.DeploymentStrategy;
import io.capstan.proto.api.v1.EmptyDirVolumeSource;
import io.capstan.proto.api.v1.IntOrString;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.RollingUpdateDeployment;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.Volume;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ManifestsRoundTripTest {

    static Stream<Arguments> filledObjects() {
        List<Arguments> arguments = new ArrayList<>();
        for (ManifestKind kind : ManifestKind.values()) {
            for (int variant = 0; variant < FilledObjects.VARIANTS; variant++) {
                arguments.add(Arguments.of(kind, variant));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} variant {1}")
    @MethodSource("filledObjects")
    void everyFieldOfEveryKindSurvivesYaml(ManifestKind kind, int variant) {
        TypedObject object = FilledObjects.filled(kind, variant);

        assertThat(Manifests.readYaml(Manifests.toYaml(object))).containsExactly(object);
    }

    @ParameterizedTest(name = "{0} variant {1}")
    @MethodSource("filledObjects")
    void everyFieldOfEveryKindSurvivesJsonAndTrees(ManifestKind kind, int variant) {
        TypedObject object = FilledObjects.filled(kind, variant);

        assertThat(Manifests.readJson(Manifests.toJson(object))).isEqualTo(object);
        assertThat(Manifests.fromTree(Manifests.toTree(object))).isEqualTo(object);
    }

    @Test
    void filledObjectsSetEveryFieldReachableFromTypedObject() {
        Set<FieldDescriptor> set = new HashSet<>();
        for (ManifestKind kind : ManifestKind.values()) {
            for (int variant = 0; variant < FilledObjects.VARIANTS; variant++) {
                TypedObject object = FilledObjects.filled(kind, variant);
                set.addAll(FilledObjects.setFields(object));
            }
        }

        assertThat(set).containsAll(FilledObjects.reachableFields());
    }

    @Test
    void allKindsSurviveOneYamlStream() {
        List<TypedObject> objects = new ArrayList<>();
        for (ManifestKind kind : ManifestKind.values()) {
            objects.add(FilledObjects.filled(kind, 1));
        }

        assertThat(Manifests.readYaml(Manifests.toYaml(objects))).isEqualTo(objects);
    }

    @Test
    void writesEnvelopeThenMetadataThenFieldsInProtoOrder() {
        TypedObject pod = ManifestKind.wrap(Pod.newBuilder()
                .setStatus(PodStatus.newBuilder().setPhase(PodStatus.Phase.PHASE_RUNNING))
                .setSpec(PodSpec.newBuilder()
                        .setNodeName("n1")
                        .addContainers(Container.newBuilder()
                                .setImagePullPolicy(Container.PullPolicy.PULL_POLICY_IF_NOT_PRESENT)
                                .setName("web")
                                .setImage("nginx")))
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("web-1")
                        .setNamespace("shop")
                        .putLabels("tier", "front")
                        .putLabels("app", "web")
                        .setCreationTimestamp(Timestamp.newBuilder().setSeconds(1_767_323_045L)))
                .build());

        assertThat(Manifests.toYaml(pod)).isEqualTo("""
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web-1
                          namespace: shop
                          creationTimestamp: "2026-01-02T03:04:05Z"
                          labels:
                            app: web
                            tier: front
                        spec:
                          containers:
                          - name: web
                            image: nginx
                            imagePullPolicy: IfNotPresent
                          nodeName: n1
                        status:
                          phase: Running
                        """);
    }

    @Test
    void writesJsonIndentedWithNumbersAsNumbers() {
        TypedObject deployment = ManifestKind.wrap(Deployment.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("web").setGeneration(7))
                .setSpec(DeploymentSpec.newBuilder().setReplicas(3))
                .build());

        assertThat(Manifests.toJson(deployment)).isEqualTo("""
                        {
                          "apiVersion": "apps/v1",
                          "kind": "Deployment",
                          "metadata": {
                            "name": "web",
                            "generation": 7
                          },
                          "spec": {
                            "replicas": 3
                          }
                        }
                        """);
    }

    @Test
    void writesOptionalScalarsSetToZeroAndOmitsPlainZeros() {
        TypedObject deployment = ManifestKind.wrap(Deployment.newBuilder()
                .setSpec(DeploymentSpec.newBuilder()
                        .setReplicas(0)
                        .setMinReadySeconds(0)
                        .setPaused(false))
                .build());

        JsonNode tree = Manifests.toTree(deployment);

        assertThat(tree.path("spec").toString()).isEqualTo("{\"replicas\":0}");
        assertThat(tree.has("metadata")).isFalse();
        assertThat(tree.has("status")).isFalse();
    }

    @Test
    void writesEmptyMessagesThatArePresentAsEmptyObjects() {
        TypedObject pod = ManifestKind.wrap(Pod.newBuilder()
                .setSpec(PodSpec.newBuilder()
                        .addVolumes(Volume.newBuilder()
                                .setName("cache")
                                .setEmptyDir(EmptyDirVolumeSource.getDefaultInstance())))
                .build());

        assertThat(Manifests.toTree(pod).path("spec").toString())
                .isEqualTo("{\"volumes\":[{\"name\":\"cache\",\"emptyDir\":{}}]}");
        assertThat(Manifests.readYaml(Manifests.toYaml(pod))).containsExactly(pod);
    }

    @Test
    void writesTimestampsWithFractionOnlyWhenPresent() {
        TypedObject pod = ManifestKind.wrap(Pod.newBuilder()
                .setStatus(PodStatus.newBuilder()
                        .setStartTime(Timestamp.newBuilder()
                                .setSeconds(1_767_323_045L)
                                .setNanos(120_000_000))
                        .addConditions(Condition.newBuilder()
                                .setType("Ready")
                                .setStatus(ConditionStatus.CONDITION_STATUS_TRUE)
                                .setLastTransitionTime(Timestamp.newBuilder().setSeconds(1_767_323_045L))
                                .setLastProbeTime(Timestamp.newBuilder()
                                        .setSeconds(1_767_323_045L)
                                        .setNanos(1))))
                .build());

        JsonNode status = Manifests.toTree(pod).path("status");

        assertThat(status.path("startTime").asText()).isEqualTo("2026-01-02T03:04:05.120Z");
        assertThat(status.path("conditions").path(0).path("status").asText()).isEqualTo("True");
        assertThat(status.path("conditions").path(0).path("lastTransitionTime").asText())
                .isEqualTo("2026-01-02T03:04:05Z");
        assertThat(status.path("conditions").path(0).path("lastProbeTime").asText())
                .isEqualTo("2026-01-02T03:04:05.000000001Z");
    }

    @Test
    void writesBytesAsBase64AndIntOrStringBare() {
        TypedObject configMap = ManifestKind.wrap(ConfigMap.newBuilder()
                .putBinaryData("blob", ByteString.copyFrom(new byte[] {0, 1, 2, (byte) 0xff}))
                .build());
        TypedObject deployment = ManifestKind.wrap(Deployment.newBuilder()
                .setSpec(DeploymentSpec.newBuilder()
                        .setStrategy(DeploymentStrategy.newBuilder()
                                .setRollingUpdate(RollingUpdateDeployment.newBuilder()
                                        .setMaxSurge(IntOrString.newBuilder().setIntVal(1))
                                        .setMaxUnavailable(
                                                IntOrString.newBuilder().setStrVal("25%")))))
                .build());

        assertThat(Manifests.toTree(configMap).path("binaryData").toString()).isEqualTo("{\"blob\":\"AAEC/w==\"}");
        assertThat(Manifests.toTree(deployment).path("spec").path("strategy").toString())
                .isEqualTo("{\"rollingUpdate\":{\"maxUnavailable\":\"25%\",\"maxSurge\":1}}");
    }
}
