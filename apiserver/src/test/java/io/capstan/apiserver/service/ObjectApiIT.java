package io.capstan.apiserver.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.manifest.Manifests;
import io.capstan.proto.api.v1.ApplyRequest;
import io.capstan.proto.api.v1.ApplyResponse;
import io.capstan.proto.api.v1.DeleteRequest;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.ListRequest;
import io.capstan.proto.api.v1.ListResponse;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.UpdateRequest;
import io.capstan.proto.api.v1.UpdateStatusRequest;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The object API's verbs end to end over gRPC: create, get and update with their conflicts, apply and
 * merge patch, list with selectors and pages.
 */
class ObjectApiIT extends ObjectApiTestBase {
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
}
