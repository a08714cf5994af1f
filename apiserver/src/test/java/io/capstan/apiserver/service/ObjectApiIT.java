package io.capstan.apiserver.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.capstan.api.manifest.Manifests;
import io.capstan.proto.api.v1.ApplyRequest;
import io.capstan.proto.api.v1.ApplyResponse;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.CreateRequest;
import io.capstan.proto.api.v1.DeleteRequest;
import io.capstan.proto.api.v1.DeleteResponse;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.GetRequest;
import io.capstan.proto.api.v1.ListRequest;
import io.capstan.proto.api.v1.ListResponse;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.NamespaceStatus;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.ObjectReference;
import io.capstan.proto.api.v1.ObjectServiceGrpc;
import io.capstan.proto.api.v1.ObjectServiceGrpc.ObjectServiceBlockingStub;
import io.capstan.proto.api.v1.PatchRequest;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.Preconditions;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServicePort;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.UpdateRequest;
import io.capstan.proto.api.v1.UpdateStatusRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The object API's semantics end to end over gRPC against an in-process three-node control plane.
 * Each test works in a namespace of its own, so the tests share one control plane; writes go to
 * one API server and reads often to another, as clients of a real control plane see it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ObjectApiIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private ControlPlane plane;
    private ObjectServiceBlockingStub api;
    private ObjectServiceBlockingStub other;
    private String ns;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        plane = startControlPlane(root, ObjectApiIT::tune);
    }

    /** The control plane these tests run against: three nodes of Capstan's own store. */
    ControlPlane startControlPlane(Path root, java.util.function.UnaryOperator<ApiConfig> tune) throws Exception {
        return ControlPlane.start(3, root, tune);
    }

    /** A small service range and node-port range, so that exhausting and clashing are easy to reach; short event TTL. */
    static ApiConfig tune(ApiConfig config) {
        return config.withServiceCidr("127.77.0.0/28")
                .withNodePorts("30000-30009")
                .withEventTtl(Duration.ofSeconds(3));
    }

    @AfterAll
    void stop() {
        if (plane != null) {
            plane.close();
        }
    }

    @BeforeEach
    void namespace(TestInfo test) {
        api = plane.blocking(0);
        other = plane.blocking(1);
        ns = "t-"
                + test.getTestMethod()
                        .orElseThrow()
                        .getName()
                        .toLowerCase()
                        .replaceAll("[^a-z0-9]", "")
                        .substring(0, 12)
                + "-" + Long.toString(System.nanoTime() % 100000);
        create(namespaceObject(ns));
    }

    // ---------------------------------------------------------------------------------------------
    // create, get, update

    @Test
    void createSetsServerFieldsAndDefaults() {
        TypedObject created = create(pod("web", "busybox"));
        ObjectMeta meta = created.getPod().getMetadata();
        assertThat(meta.getUid()).isNotEmpty();
        assertThat(meta.getGeneration()).isEqualTo(1);
        assertThat(meta.getResourceVersion()).isNotEmpty();
        assertThat(meta.hasCreationTimestamp()).isTrue();
        assertThat(created.getPod().getStatus().getPhase()).isEqualTo(PodStatus.Phase.PHASE_PENDING);
        assertThat(created.getPod().getSpec().getTerminationGracePeriodSeconds())
                .isEqualTo(30);

        TypedObject read = other.get(get("Pod", "web")).getObject();
        assertThat(read).isEqualTo(created);
    }

    @Test
    void createOfAnExistingNameIsAlreadyExists() {
        create(pod("web", "busybox"));
        assertThatThrownBy(() -> create(pod("web", "busybox")))
                .satisfies(e -> assertCode(e, Status.Code.ALREADY_EXISTS));
    }

    @Test
    void createInAMissingNamespaceIsNotFound() {
        TypedObject pod = pod("web", "busybox");
        TypedObject elsewhere = TypedObject.newBuilder()
                .setPod(pod.getPod().toBuilder()
                        .setMetadata(pod.getPod().getMetadata().toBuilder().setNamespace("no-such-ns")))
                .build();
        assertThatThrownBy(() -> create(elsewhere))
                .satisfies(e -> assertCode(e, Status.Code.NOT_FOUND))
                .hasMessageContaining("no-such-ns");
    }

    @Test
    void generateNameGivesDistinctNames() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            TypedObject pod = pod("", "busybox");
            TypedObject generated = TypedObject.newBuilder()
                    .setPod(pod.getPod().toBuilder()
                            .setMetadata(pod.getPod().getMetadata().toBuilder().setGenerateName("web-")))
                    .build();
            names.add(create(generated).getPod().getMetadata().getName());
        }
        assertThat(names).hasSize(5).allMatch(name -> name.matches("web-[a-z0-9]{5}"));
    }

    @Test
    void updateWithAStaleResourceVersionIsAborted() {
        TypedObject created = create(configMap("settings", "a", "1"));
        TypedObject first = withData(created, "a", "2");
        api.update(UpdateRequest.newBuilder().setObject(first).build());
        TypedObject stale = withData(created, "a", "3");
        assertThatThrownBy(() ->
                        other.update(UpdateRequest.newBuilder().setObject(stale).build()))
                .satisfies(e -> assertCode(e, Status.Code.ABORTED));
        assertThat(api.get(get("ConfigMap", "settings"))
                        .getObject()
                        .getConfigMap()
                        .getDataMap())
                .containsEntry("a", "2");
    }

    @Test
    void generationBumpsOnSpecChangesOnly() {
        TypedObject created = create(deployment("web", "busybox:1", 2));
        assertThat(created.getDeployment().getMetadata().getGeneration()).isEqualTo(1);

        TypedObject relabeled = TypedObject.newBuilder()
                .setDeployment(created.getDeployment().toBuilder()
                        .setMetadata(created.getDeployment().getMetadata().toBuilder()
                                .putLabels("team", "a")))
                .build();
        TypedObject afterLabel = api.update(
                        UpdateRequest.newBuilder().setObject(relabeled).build())
                .getObject();
        assertThat(afterLabel.getDeployment().getMetadata().getGeneration()).isEqualTo(1);

        TypedObject scaled = TypedObject.newBuilder()
                .setDeployment(afterLabel.getDeployment().toBuilder()
                        .setSpec(
                                afterLabel.getDeployment().getSpec().toBuilder().setReplicas(5)))
                .build();
        TypedObject afterScale =
                api.update(UpdateRequest.newBuilder().setObject(scaled).build()).getObject();
        assertThat(afterScale.getDeployment().getMetadata().getGeneration()).isEqualTo(2);

        TypedObject withStatus = TypedObject.newBuilder()
                .setDeployment(afterScale.getDeployment().toBuilder()
                        .setStatus(afterScale.getDeployment().getStatus().toBuilder()
                                .setObservedGeneration(2)))
                .build();
        TypedObject afterStatus = api.updateStatus(
                        UpdateStatusRequest.newBuilder().setObject(withStatus).build())
                .getObject();
        assertThat(afterStatus.getDeployment().getMetadata().getGeneration()).isEqualTo(2);
        assertThat(afterStatus.getDeployment().getStatus().getObservedGeneration())
                .isEqualTo(2);
        assertThat(afterStatus.getDeployment().getSpec().getReplicas()).isEqualTo(5);
    }

    @Test
    void updateKeepsStatusAndStatusUpdateKeepsSpec() {
        TypedObject created = create(deployment("web", "busybox:1", 2));
        TypedObject statusWrite = TypedObject.newBuilder()
                .setDeployment(created.getDeployment().toBuilder()
                        .setSpec(created.getDeployment().getSpec().toBuilder().setReplicas(9))
                        .setStatus(
                                created.getDeployment().getStatus().toBuilder().setReplicas(2)))
                .build();
        TypedObject afterStatus = api.updateStatus(
                        UpdateStatusRequest.newBuilder().setObject(statusWrite).build())
                .getObject();
        assertThat(afterStatus.getDeployment().getSpec().getReplicas()).isEqualTo(2);
        assertThat(afterStatus.getDeployment().getStatus().getReplicas()).isEqualTo(2);

        TypedObject specWrite = TypedObject.newBuilder()
                .setDeployment(afterStatus.getDeployment().toBuilder()
                        .setSpec(afterStatus.getDeployment().getSpec().toBuilder()
                                .setReplicas(3))
                        .clearStatus())
                .build();
        TypedObject afterSpec = api.update(
                        UpdateRequest.newBuilder().setObject(specWrite).build())
                .getObject();
        assertThat(afterSpec.getDeployment().getSpec().getReplicas()).isEqualTo(3);
        assertThat(afterSpec.getDeployment().getStatus().getReplicas()).isEqualTo(2);
    }

    @Test
    void validationErrorsNameTheField() {
        TypedObject bad = deployment("web", "busybox:1", -1);
        assertThatThrownBy(() -> create(bad))
                .satisfies(e -> assertCode(e, Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("spec.replicas");
        TypedObject badName = pod("Web_1", "busybox");
        assertThatThrownBy(() -> create(badName))
                .satisfies(e -> assertCode(e, Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("metadata.name");
    }

    @Test
    void selectorIsImmutable() {
        TypedObject created = create(deployment("web", "busybox:1", 1));
        Deployment d = created.getDeployment();
        TypedObject changed = TypedObject.newBuilder()
                .setDeployment(d.toBuilder()
                        .setSpec(d.getSpec().toBuilder()
                                .setSelector(
                                        d.getSpec().getSelector().toBuilder().putMatchLabels("tier", "x"))
                                .setTemplate(d.getSpec().getTemplate().toBuilder()
                                        .setMetadata(d.getSpec().getTemplate().getMetadata().toBuilder()
                                                .putLabels("tier", "x")))))
                .build();
        assertThatThrownBy(() ->
                        api.update(UpdateRequest.newBuilder().setObject(changed).build()))
                .satisfies(e -> assertCode(e, Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("spec.selector");
    }

    // ---------------------------------------------------------------------------------------------
    // apply and patch

    @Test
    void reapplyingAnUnchangedManifestWritesNothing() {
        String manifest = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  namespace: %s
                  labels: {app: web}
                spec:
                  replicas: 3
                  selector:
                    matchLabels: {app: web}
                  template:
                    metadata:
                      labels: {app: web}
                    spec:
                      containers:
                        - name: web
                          image: busybox:1.36
                          ports: [{name: http, containerPort: 8080}]
                """.formatted(ns);
        TypedObject object = Manifests.readYaml(manifest).get(0);
        ApplyResponse first =
                api.apply(ApplyRequest.newBuilder().setObject(object).build());
        assertThat(first.getCreated()).isTrue();
        String rv = first.getObject().getDeployment().getMetadata().getResourceVersion();

        ApplyResponse again =
                other.apply(ApplyRequest.newBuilder().setObject(object).build());
        assertThat(again.getCreated()).isFalse();
        assertThat(again.getObject().getDeployment().getMetadata().getResourceVersion())
                .isEqualTo(rv);
        assertThat(again.getObject().getDeployment().getMetadata().getGeneration())
                .isEqualTo(1);

        TypedObject scaled = Manifests.readYaml(manifest.replace("replicas: 3", "replicas: 4"))
                .get(0);
        ApplyResponse changed =
                api.apply(ApplyRequest.newBuilder().setObject(scaled).build());
        assertThat(changed.getObject().getDeployment().getMetadata().getGeneration())
                .isEqualTo(2);
        assertThat(changed.getObject().getDeployment().getSpec().getReplicas()).isEqualTo(4);
    }

    @Test
    void applyKeepsStatusAndServerSetMetadata() {
        TypedObject object = deployment("web", "busybox:1", 1);
        TypedObject created =
                api.apply(ApplyRequest.newBuilder().setObject(object).build()).getObject();
        TypedObject withStatus = TypedObject.newBuilder()
                .setDeployment(created.getDeployment().toBuilder()
                        .setStatus(created.getDeployment().getStatus().toBuilder()
                                .setReplicas(1)
                                .setReadyReplicas(1)))
                .build();
        api.updateStatus(UpdateStatusRequest.newBuilder().setObject(withStatus).build());

        TypedObject reapplied =
                api.apply(ApplyRequest.newBuilder().setObject(object).build()).getObject();
        assertThat(reapplied.getDeployment().getStatus().getReadyReplicas()).isEqualTo(1);
        assertThat(reapplied.getDeployment().getMetadata().getUid())
                .isEqualTo(created.getDeployment().getMetadata().getUid());
    }

    @Test
    void mergePatchChangesListedFieldsAndDeletesNulls() {
        TypedObject created = create(deployment("web", "busybox:1", 2));
        String patch = """
                {"metadata": {"labels": {"app": null, "team": "blue"}},
                 "spec": {"replicas": 7}}""";
        TypedObject patched =
                other.patch(patchRequest("Deployment", "web", patch)).getObject();
        Deployment d = patched.getDeployment();
        assertThat(d.getSpec().getReplicas()).isEqualTo(7);
        assertThat(d.getMetadata().getLabelsMap()).containsEntry("team", "blue").doesNotContainKey("app");
        assertThat(d.getMetadata().getGeneration()).isEqualTo(2);
        assertThat(d.getSpec().getTemplate())
                .isEqualTo(created.getDeployment().getSpec().getTemplate());
    }

    @Test
    void mergePatchWithAStaleResourceVersionIsAborted() {
        create(configMap("settings", "a", "1"));
        assertThatThrownBy(() -> api.patch(patchRequest(
                        "ConfigMap", "settings", "{\"metadata\":{\"resourceVersion\":\"1\"},\"data\":{\"a\":\"2\"}}")))
                .satisfies(e -> assertCode(e, Status.Code.ABORTED));
    }

    @Test
    void mergePatchWithAnUnknownFieldNamesIt() {
        create(deployment("web", "busybox:1", 1));
        assertThatThrownBy(() -> api.patch(patchRequest("Deployment", "web", "{\"spec\":{\"replicaz\":3}}")))
                .satisfies(e -> assertCode(e, Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("spec.replicaz");
    }

    // ---------------------------------------------------------------------------------------------
    // list

    @Test
    void listFiltersByLabelAndFieldSelectors() {
        create(labeledPod("a", "web", "prod", ""));
        create(labeledPod("b", "web", "staging", "node-1"));
        create(labeledPod("c", "db", "prod", "node-1"));
        create(labeledPod("d", "cache", "", ""));

        assertThat(names(list("app=web"))).containsExactly("a", "b");
        assertThat(names(list("app!=web"))).containsExactly("c", "d");
        assertThat(names(list("env in (prod,staging),app notin (db)"))).containsExactly("a", "b");
        assertThat(names(list("!env"))).containsExactly("d");
        assertThat(names(list("env"))).containsExactly("a", "b", "c");
        ListResponse onNode = api.list(ListRequest.newBuilder()
                .setKind("Pod")
                .setNamespace(ns)
                .setFieldSelector("spec.nodeName=node-1")
                .build());
        assertThat(names(onNode)).containsExactly("b", "c");
        ListResponse pending = api.list(ListRequest.newBuilder()
                .setKind("Pod")
                .setNamespace(ns)
                .setFieldSelector("status.phase=Pending,metadata.name!=a")
                .build());
        assertThat(names(pending)).containsExactly("b", "c", "d");
        assertThatThrownBy(() -> api.list(ListRequest.newBuilder()
                        .setKind("Pod")
                        .setNamespace(ns)
                        .setLabelSelector("app in web")
                        .build()))
                .satisfies(e -> assertCode(e, Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("labelSelector");
        assertThatThrownBy(() -> api.list(ListRequest.newBuilder()
                        .setKind("Pod")
                        .setNamespace(ns)
                        .setFieldSelector("spec.image=x")
                        .build()))
                .satisfies(e -> assertCode(e, Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("fieldSelector");
    }

    @Test
    void pagesAreOneConsistentSnapshotWhileWritesGoOn() throws Exception {
        for (int i = 0; i < 30; i++) {
            create(configMap(String.format("cm-%02d", i), "v", "0"));
        }
        ListResponse page = api.list(ListRequest.newBuilder()
                .setKind("ConfigMap")
                .setNamespace(ns)
                .setLimit(7)
                .build());
        String listVersion = page.getResourceVersion();
        List<String> seen = new ArrayList<>(names(page));
        int written = 0;
        while (!page.getContinue().isEmpty()) {
            // Writes between pages: new names, deletions and updates, none of which the pages may show.
            create(configMap("cm-new-" + written, "v", "1"));
            api.delete(DeleteRequest.newBuilder()
                    .setKind("ConfigMap")
                    .setNamespace(ns)
                    .setName(String.format("cm-%02d", 29 - written))
                    .build());
            written++;
            page = other.list(ListRequest.newBuilder()
                    .setKind("ConfigMap")
                    .setNamespace(ns)
                    .setLimit(7)
                    .setContinue(page.getContinue())
                    .build());
            assertThat(page.getResourceVersion()).isEqualTo(listVersion);
            seen.addAll(names(page));
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            expected.add(String.format("cm-%02d", i));
        }
        assertThat(written).isGreaterThan(2);
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    // ---------------------------------------------------------------------------------------------
    // Services

    @Test
    void clusterIpsAndNodePortsAreAllocatedUniquelyAndCheckedWithTheirPath() {
        TypedObject a = create(service("a", "NodePort", "", 0));
        TypedObject b = create(service("b", "NodePort", "", 0));
        String ipA = a.getService().getSpec().getClusterIp();
        String ipB = b.getService().getSpec().getClusterIp();
        assertThat(ipA).startsWith("127.77.0.").isNotEqualTo(ipB);
        int portA = a.getService().getSpec().getPorts(0).getNodePort();
        int portB = b.getService().getSpec().getPorts(0).getNodePort();
        assertThat(portA).isBetween(30000, 30009).isNotEqualTo(portB);
        assertThat(portB).isBetween(30000, 30009);

        assertThatThrownBy(() -> create(service("c", "ClusterIP", ipA, 0)))
                .satisfies(e -> assertCode(e, Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("spec.clusterIP")
                .hasMessageContaining("already allocated");
        assertThatThrownBy(() -> create(service("c", "ClusterIP", "10.0.0.1", 0)))
                .satisfies(e -> assertCode(e, Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("spec.clusterIP");
        assertThatThrownBy(() -> create(service("c", "NodePort", "", portA)))
                .satisfies(e -> assertCode(e, Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("spec.ports[0].nodePort")
                .hasMessageContaining("already allocated");
        assertThatThrownBy(() -> create(service("c", "NodePort", "", 80)))
                .satisfies(e -> assertCode(e, Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("spec.ports[0].nodePort");

        // Deleting a service frees its values; re-applying one keeps its own.
        api.delete(DeleteRequest.newBuilder()
                .setKind("Service")
                .setNamespace(ns)
                .setName("a")
                .build());
        TypedObject again = create(service("c", "NodePort", ipA, portA));
        assertThat(again.getService().getSpec().getClusterIp()).isEqualTo(ipA);
        ApplyResponse reapplied = api.apply(ApplyRequest.newBuilder()
                .setObject(service("c", "NodePort", "", 0))
                .build());
        assertThat(reapplied.getObject()).isEqualTo(again);

        TypedObject headless = create(service("h", "ClusterIP", "None", 0));
        assertThat(headless.getService().getSpec().getClusterIp()).isEqualTo("None");
        api.delete(DeleteRequest.newBuilder()
                .setKind("Service")
                .setNamespace(ns)
                .setName("b")
                .build());
        api.delete(DeleteRequest.newBuilder()
                .setKind("Service")
                .setNamespace(ns)
                .setName("c")
                .build());
    }

    // ---------------------------------------------------------------------------------------------
    // delete

    @Test
    void finalizersHoldDeletionUntilRemoved() {
        TypedObject cm = configMap("held", "a", "1");
        TypedObject withFinalizer = TypedObject.newBuilder()
                .setConfigMap(cm.getConfigMap().toBuilder()
                        .setMetadata(cm.getConfigMap().getMetadata().toBuilder().addFinalizers("example.com/hold")))
                .build();
        create(withFinalizer);
        DeleteResponse deleted = api.delete(DeleteRequest.newBuilder()
                .setKind("ConfigMap")
                .setNamespace(ns)
                .setName("held")
                .build());
        assertThat(deleted.getRemoved()).isFalse();
        TypedObject held = other.get(get("ConfigMap", "held")).getObject();
        assertThat(held.getConfigMap().getMetadata().hasDeletionTimestamp()).isTrue();

        TypedObject added = TypedObject.newBuilder()
                .setConfigMap(held.getConfigMap().toBuilder()
                        .setMetadata(
                                held.getConfigMap().getMetadata().toBuilder().addFinalizers("example.com/more")))
                .build();
        assertThatThrownBy(() ->
                        api.update(UpdateRequest.newBuilder().setObject(added).build()))
                .satisfies(e -> assertCode(e, Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("metadata.finalizers");

        TypedObject released = TypedObject.newBuilder()
                .setConfigMap(held.getConfigMap().toBuilder()
                        .setMetadata(
                                held.getConfigMap().getMetadata().toBuilder().clearFinalizers()))
                .build();
        api.update(UpdateRequest.newBuilder().setObject(released).build());
        assertThatThrownBy(() -> api.get(get("ConfigMap", "held")))
                .satisfies(e -> assertCode(e, Status.Code.NOT_FOUND));
    }

    @Test
    void aBoundPodIsDeletedGracefullyAndAnUnboundOneAtOnce() {
        create(labeledPod("bound", "web", "", "node-1"));
        create(labeledPod("unbound", "web", "", ""));

        DeleteResponse graceful = api.delete(DeleteRequest.newBuilder()
                .setKind("Pod")
                .setNamespace(ns)
                .setName("bound")
                .build());
        assertThat(graceful.getRemoved()).isFalse();
        Pod terminating = graceful.getObject().getPod();
        assertThat(terminating.getMetadata().getDeletionGracePeriodSeconds()).isEqualTo(30);
        assertThat(terminating.getMetadata().getDeletionTimestamp().getSeconds())
                .isGreaterThan(terminating.getMetadata().getCreationTimestamp().getSeconds() + 20);

        // The kubelet confirms with grace 0 once the containers stopped.
        DeleteResponse confirmed = other.delete(DeleteRequest.newBuilder()
                .setKind("Pod")
                .setNamespace(ns)
                .setName("bound")
                .setGracePeriodSeconds(0)
                .build());
        assertThat(confirmed.getRemoved()).isTrue();

        DeleteResponse immediate = api.delete(DeleteRequest.newBuilder()
                .setKind("Pod")
                .setNamespace(ns)
                .setName("unbound")
                .build());
        assertThat(immediate.getRemoved()).isTrue();
    }

    @Test
    void deletePreconditionsAndPropagationPolicies() {
        TypedObject created = create(configMap("x", "a", "1"));
        assertThatThrownBy(() -> api.delete(DeleteRequest.newBuilder()
                        .setKind("ConfigMap")
                        .setNamespace(ns)
                        .setName("x")
                        .setPreconditions(Preconditions.newBuilder().setUid("other-uid"))
                        .build()))
                .satisfies(e -> assertCode(e, Status.Code.ABORTED));

        DeleteResponse orphaned = api.delete(DeleteRequest.newBuilder()
                .setKind("ConfigMap")
                .setNamespace(ns)
                .setName("x")
                .setPreconditions(Preconditions.newBuilder()
                        .setUid(created.getConfigMap().getMetadata().getUid()))
                .setPropagationPolicy(DeleteRequest.PropagationPolicy.PROPAGATION_POLICY_ORPHAN)
                .build());
        assertThat(orphaned.getRemoved()).isFalse();
        assertThat(orphaned.getObject().getConfigMap().getMetadata().getFinalizersList())
                .containsExactly("orphan");

        create(configMap("y", "a", "1"));
        DeleteResponse foreground = api.delete(DeleteRequest.newBuilder()
                .setKind("ConfigMap")
                .setNamespace(ns)
                .setName("y")
                .setPropagationPolicy(DeleteRequest.PropagationPolicy.PROPAGATION_POLICY_FOREGROUND)
                .build());
        assertThat(foreground.getObject().getConfigMap().getMetadata().getFinalizersList())
                .containsExactly("foregroundDeletion");
    }

    @Test
    void aTerminatingNamespaceAcceptsNoNewObjects() {
        create(configMap("inside", "a", "1"));
        DeleteResponse deleted = api.delete(
                DeleteRequest.newBuilder().setKind("Namespace").setName(ns).build());
        assertThat(deleted.getRemoved()).isFalse();
        Namespace terminating = other.get(
                        GetRequest.newBuilder().setKind("Namespace").setName(ns).build())
                .getObject()
                .getNamespace();
        assertThat(terminating.getStatus().getPhase()).isEqualTo(NamespaceStatus.Phase.PHASE_TERMINATING);
        assertThatThrownBy(() -> create(configMap("late", "a", "1")))
                .satisfies(e -> assertCode(e, Status.Code.FAILED_PRECONDITION))
                .hasMessageContaining(ns);
        assertThatThrownBy(() -> api.delete(DeleteRequest.newBuilder()
                        .setKind("Namespace")
                        .setName("default")
                        .build()))
                .satisfies(e -> assertCode(e, Status.Code.INVALID_ARGUMENT));
    }

    // ---------------------------------------------------------------------------------------------
    // Events and housekeeping

    @Test
    void aRepeatedEventBumpsTheCountAndEventsExpire() {
        TypedObject first = create(event("ev-1"));
        TypedObject repeat = create(event("ev-2"));
        assertThat(repeat.getEvent().getMetadata().getName()).isEqualTo("ev-1");
        assertThat(repeat.getEvent().getCount()).isEqualTo(2);
        assertThat(first.getEvent().getCount()).isEqualTo(1);
        assertThat(names(api.list(ListRequest.newBuilder()
                        .setKind("Event")
                        .setNamespace(ns)
                        .build())))
                .containsExactly("ev-1");

        // The control plane runs with a 3 s event TTL: the store's lease removes the event.
        await().atMost(DEADLINE)
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(api.list(ListRequest.newBuilder()
                                        .setKind("Event")
                                        .setNamespace(ns)
                                        .build())
                                .getItemsCount())
                        .isZero());
    }

    // ---------------------------------------------------------------------------------------------
    // authentication and health

    @Test
    void callsWithoutAValidTokenAreUnauthenticated() {
        ObjectServiceBlockingStub anonymous =
                ObjectServiceGrpc.newBlockingStub(plane.channel(0)).withDeadlineAfter(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> anonymous.get(get("Pod", "x")))
                .satisfies(e -> assertCode(e, Status.Code.UNAUTHENTICATED));
        ObjectServiceBlockingStub wrong = anonymous.withCallCredentials(ControlPlane.bearer("not-the-token"));
        assertThatThrownBy(() -> wrong.get(get("Pod", "x"))).satisfies(e -> assertCode(e, Status.Code.UNAUTHENTICATED));
        HealthCheckResponse health = HealthGrpc.newBlockingStub(plane.channel(2))
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().build());
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void metricsCountRequestsByVerbKindAndCode() {
        create(pod("web", "busybox"));
        assertThatThrownBy(() -> create(pod("web", "busybox")));
        String scrape = ((io.micrometer.prometheusmetrics.PrometheusMeterRegistry)
                        plane.server(0).registry())
                .scrape();
        assertThat(scrape)
                .containsPattern("capstan_api_requests_seconds_count\\{code=\"OK\",kind=\"Pod\",verb=\"create\"} [1-9]")
                .containsPattern(
                        "capstan_api_requests_seconds_count\\{code=\"ALREADY_EXISTS\",kind=\"Pod\",verb=\"create\"} [1-9]")
                .contains("capstan_api_watchers")
                .contains("capstan_api_watch_cache_events");
    }

    // ---------------------------------------------------------------------------------------------

    private TypedObject create(TypedObject object) {
        return api.create(CreateRequest.newBuilder().setObject(object).build()).getObject();
    }

    private GetRequest get(String kind, String name) {
        return GetRequest.newBuilder()
                .setKind(kind)
                .setNamespace(ns)
                .setName(name)
                .build();
    }

    private ListResponse list(String labelSelector) {
        return api.list(ListRequest.newBuilder()
                .setKind("Pod")
                .setNamespace(ns)
                .setLabelSelector(labelSelector)
                .build());
    }

    private PatchRequest patchRequest(String kind, String name, String json) {
        return PatchRequest.newBuilder()
                .setKind(kind)
                .setNamespace(ns)
                .setName(name)
                .setMergePatch(ByteString.copyFromUtf8(json))
                .build();
    }

    private static List<String> names(ListResponse response) {
        List<String> names = new ArrayList<>();
        for (TypedObject item : response.getItemsList()) {
            names.add(io.capstan.apiserver.storage.ObjectKind.metadata(item).getName());
        }
        return names;
    }

    private static void assertCode(Throwable e, Status.Code code) {
        assertThat(e).isInstanceOf(StatusRuntimeException.class);
        assertThat(((StatusRuntimeException) e).getStatus().getCode()).isEqualTo(code);
    }

    private static TypedObject namespaceObject(String name) {
        return TypedObject.newBuilder()
                .setNamespace(Namespace.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(name)))
                .build();
    }

    private TypedObject pod(String name, String image) {
        return Manifests.readYaml("""
                apiVersion: v1
                kind: Pod
                metadata: {name: "%s", namespace: %s}
                spec:
                  containers: [{name: main, image: "%s"}]
                """.formatted(name, ns, image)).get(0);
    }

    private TypedObject labeledPod(String name, String app, String env, String nodeName) {
        TypedObject pod = pod(name, "busybox");
        Pod.Builder b = pod.getPod().toBuilder();
        b.getMetadataBuilder().putLabels("app", app);
        if (!env.isEmpty()) {
            b.getMetadataBuilder().putLabels("env", env);
        }
        b.getSpecBuilder().setNodeName(nodeName);
        return TypedObject.newBuilder().setPod(b).build();
    }

    private TypedObject deployment(String name, String image, int replicas) {
        return Manifests.readYaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: %s, namespace: %s, labels: {app: %s}}
                spec:
                  replicas: %d
                  selector: {matchLabels: {app: %s}}
                  template:
                    metadata: {labels: {app: %s}}
                    spec:
                      containers: [{name: main, image: "%s"}]
                """.formatted(name, ns, name, replicas, name, name, image))
                .get(0);
    }

    private TypedObject configMap(String name, String key, String value) {
        return TypedObject.newBuilder()
                .setConfigMap(ConfigMap.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(name).setNamespace(ns))
                        .putData(key, value))
                .build();
    }

    private static TypedObject withData(TypedObject configMap, String key, String value) {
        return TypedObject.newBuilder()
                .setConfigMap(configMap.getConfigMap().toBuilder().putData(key, value))
                .build();
    }

    private TypedObject service(String name, String type, String clusterIp, int nodePort) {
        Service.Builder svc = Service.newBuilder();
        svc.getMetadataBuilder().setName(name).setNamespace(ns);
        svc.getSpecBuilder()
                .setType(
                        type.equals("NodePort")
                                ? io.capstan.proto.api.v1.ServiceSpec.Type.TYPE_NODE_PORT
                                : io.capstan.proto.api.v1.ServiceSpec.Type.TYPE_CLUSTER_IP)
                .setClusterIp(clusterIp)
                .putSelector("app", name)
                .addPorts(ServicePort.newBuilder().setName("http").setPort(80).setNodePort(nodePort));
        return TypedObject.newBuilder().setService(svc).build();
    }

    private TypedObject event(String name) {
        Event.Builder event = Event.newBuilder()
                .setInvolvedObject(ObjectReference.newBuilder()
                        .setKind("Pod")
                        .setNamespace(ns)
                        .setName("web")
                        .setUid("uid-1"))
                .setReason("BackOff")
                .setMessage("Back-off restarting failed container")
                .setType(Event.Type.TYPE_WARNING);
        event.getMetadataBuilder().setName(name).setNamespace(ns);
        event.getSourceBuilder().setComponent("kubelet").setHost("node-1");
        return TypedObject.newBuilder().setEvent(event).build();
    }
}
