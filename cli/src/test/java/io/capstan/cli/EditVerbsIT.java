package io.capstan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.manifest.Manifests;
import io.capstan.apiserver.service.ControlPlane;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectClient;
import io.capstan.client.TestControlPlane;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.TypedObject;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** patch, label, annotate, set image, cordon, uncordon, drain and get nodes -o wide against a control plane. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EditVerbsIT {
    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: %s, labels: {app: web}}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: main, image: nginx:1}, {name: side, image: envoy:1}]
            """;

    private TestControlPlane cluster;
    private ObjectClient client;
    private String ns;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        cluster = TestControlPlane.start(1, root);
        client = cluster.client();
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void createNamespace(TestInfo test) {
        ns = cluster.createNamespace(test);
        client.create(Manifests.readYaml(DEPLOYMENT.formatted(ns)).get(0));
    }

    record Result(int exitCode, String out, String err) {}

    private Result capstan(String... args) {
        List<String> all =
                new ArrayList<>(List.of("--server", cluster.plane().apiAddress(0), "--token", ControlPlane.TOKEN));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Capstan.execute(
                all.toArray(String[]::new),
                new ByteArrayInputStream(new byte[0]),
                new PrintWriter(out),
                new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void patchTakesJsonOrYamlAndSaysWhenNothingChanged() {
        assertThat(capstan("patch", "deployment", "web", "-n", ns, "-p", "{\"spec\":{\"replicas\":3}}"))
                .isEqualTo(new Result(0, "deployment/web patched\n", ""));
        assertThat(capstan("patch", "deploy/web", "-n", ns, "-p", "spec: {minReadySeconds: 5}"))
                .isEqualTo(new Result(0, "deployment/web patched\n", ""));
        assertThat(capstan("patch", "deploy/web", "-n", ns, "-p", "spec: {minReadySeconds: 5}"))
                .isEqualTo(new Result(0, "deployment/web patched (no change)\n", ""));

        var spec = client.deployments().get(ns, "web").getSpec();
        assertThat(spec.getReplicas()).isEqualTo(3);
        assertThat(spec.getMinReadySeconds()).isEqualTo(5);
    }

    @Test
    void aBadPatchIsOneErrorLine() {
        Result invalid = capstan("patch", "deploy", "web", "-n", ns, "-p", "{\"spec\":{\"replicas\":-1}}");
        assertThat(invalid.exitCode()).isEqualTo(1);
        assertThat(invalid.err()).startsWith("error: deployments.apps \"web\" is invalid: spec.replicas: ");
        assertThat(invalid.err().lines()).hasSize(1);

        assertThat(capstan("patch", "deploy", "web", "-n", ns, "-p", "{}", "--type", "json"))
                .isEqualTo(new Result(1, "", "error: --type: only \"merge\" is supported, got \"json\"\n"));
        assertThat(capstan("patch", "deploy", "nope", "-n", ns, "-p", "{}"))
                .isEqualTo(new Result(1, "", "error: deployments.apps \"nope\" not found\n"));
    }

    @Test
    void labelChangesAValueOnlyWithOverwriteAndRemovesWithADash() {
        assertThat(capstan("label", "deployment", "web", "tier=front", "-n", ns))
                .isEqualTo(new Result(0, "deployment/web labeled\n", ""));
        assertThat(capstan("label", "deployment/web", "tier=back", "-n", ns))
                .isEqualTo(new Result(
                        1,
                        "",
                        "error: deployment/web: 'tier' already has a value (front), and --overwrite is false\n"));
        assertThat(capstan("label", "deployment/web", "tier=back", "--overwrite", "-n", ns))
                .isEqualTo(new Result(0, "deployment/web labeled\n", ""));
        assertThat(client.deployments().get(ns, "web").getMetadata().getLabelsMap())
                .containsEntry("tier", "back")
                .containsEntry("app", "web");

        assertThat(capstan("label", "deployment/web", "tier-", "-n", ns))
                .isEqualTo(new Result(0, "deployment/web unlabeled\n", ""));
        assertThat(capstan("label", "deployment/web", "tier-", "-n", ns))
                .isEqualTo(new Result(0, "deployment/web not labeled\n", "warning: label \"tier\" not found.\n"));
        assertThat(client.deployments().get(ns, "web").getMetadata().getLabelsMap())
                .doesNotContainKey("tier");
    }

    @Test
    void annotateSetsAndRemovesAnnotations() {
        assertThat(capstan("annotate", "deploy", "web", "note=first rollout", "owner=ops", "-n", ns))
                .isEqualTo(new Result(0, "deployment/web annotated\n", ""));
        assertThat(capstan("annotate", "deploy", "web", "note=again", "-n", ns).exitCode())
                .isEqualTo(1);
        assertThat(capstan("annotate", "deploy", "web", "note-", "-n", ns))
                .isEqualTo(new Result(0, "deployment/web unannotated\n", ""));
        assertThat(client.deployments().get(ns, "web").getMetadata().getAnnotationsMap())
                .containsEntry("owner", "ops")
                .doesNotContainKey("note");
    }

    @Test
    void setImageUpdatesNamedContainers() {
        assertThat(capstan("set", "image", "deployment/web", "side=envoy:2", "-n", ns))
                .isEqualTo(new Result(0, "deployment/web image updated\n", ""));
        assertThat(client.deployments()
                        .get(ns, "web")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainersList())
                .extracting(c -> c.getName() + "=" + c.getImage())
                .containsExactly("main=nginx:1", "side=envoy:2");

        assertThat(capstan("set", "image", "deployment/web", "side=envoy:2", "-n", ns))
                .isEqualTo(new Result(0, "deployment/web image unchanged\n", ""));
        assertThat(capstan("set", "image", "deployment", "web", "nope=x", "-n", ns))
                .isEqualTo(new Result(1, "", "error: deployment/web: unable to find container named \"nope\"\n"));
        assertThat(capstan("set", "image", "cm/x", "a=b", "-n", ns).err())
                .isEqualTo("error: cannot set images of configmaps: only deployments, replicasets and pods have"
                        + " containers\n");
    }

    private String node(String allocatableCpu, String allocatableMemory) {
        String name = "node-" + ns;
        Node.Builder node = Node.newBuilder();
        node.getMetadataBuilder().setName(name);
        Node created = client.nodes().create(node.build());
        client.nodes()
                .updateStatus(created.toBuilder()
                        .setStatus(created.getStatus().toBuilder()
                                .putAllocatable("cpu", allocatableCpu)
                                .putAllocatable("memory", allocatableMemory))
                        .build());
        return name;
    }

    private Pod pod(String name, String node, boolean owned, String cpu) {
        String owner = owned
                ? ", ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-1, uid: u-1, controller: true}]"
                : "";
        TypedObject pod =
                Manifests.readYaml("""
                        apiVersion: v1
                        kind: Pod
                        metadata: {name: %s, namespace: %s%s}
                        spec:
                          nodeName: %s
                          containers: [{name: a, image: x, resources: {requests: {cpu: %s, memory: 256Mi}}}]
                        """.formatted(name, ns, owner, node, cpu)).get(0);
        return client.create(pod).getPod();
    }

    @Test
    void cordonAndUncordonSetUnschedulable() {
        String node = node("2", "4Gi");

        assertThat(capstan("cordon", node)).isEqualTo(new Result(0, "node/" + node + " cordoned\n", ""));
        assertThat(client.nodes().get("", node).getSpec().getUnschedulable()).isTrue();
        assertThat(capstan("cordon", node)).isEqualTo(new Result(0, "node/" + node + " already cordoned\n", ""));
        assertThat(capstan("uncordon", node)).isEqualTo(new Result(0, "node/" + node + " uncordoned\n", ""));
        assertThat(client.nodes().get("", node).getSpec().getUnschedulable()).isFalse();
        assertThat(capstan("cordon", "no-such-node"))
                .isEqualTo(new Result(1, "", "error: nodes \"no-such-node\" not found\n"));
    }

    @Test
    void drainRefusesUnownedPodsWithoutForceThenDeletesEveryPod() {
        String node = node("2", "4Gi");
        pod("owned", node, true, "100m");
        pod("bare", node, false, "100m");

        Result refused = capstan("drain", node);
        assertThat(refused)
                .isEqualTo(new Result(
                        1,
                        "node/" + node + " cordoned\n",
                        "error: cannot drain node \"" + node + "\": cannot delete Pods that declare no controller"
                                + " (use --force to override): " + ns + "/bare\n"));
        assertThat(client.pods().get(ns, "owned")).isNotNull();

        Result drained = capstan("drain", node, "--force", "--grace-period", "0", "--timeout", "30s");
        assertThat(drained.exitCode()).isZero();
        assertThat(drained.err()).isEqualTo("warning: deleting Pods that declare no controller: " + ns + "/bare\n");
        assertThat(drained.out())
                .startsWith("node/" + node + " already cordoned\n")
                .contains("evicting pod " + ns + "/owned\n", "pod/owned evicted\n", "pod/bare evicted\n")
                .endsWith("node/" + node + " drained\n");
        assertThatThrownBy(() -> client.pods().get(ns, "owned")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client.pods().get(ns, "bare")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void drainGivesUpAtTheTimeoutWhilePodsTerminate() {
        String node = node("2", "4Gi");
        pod("slow", node, true, "100m");

        // no kubelet confirms the graceful deletion, so the pod stays Terminating
        Result result = capstan("drain", node, "--timeout", "1s");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("evicting pod " + ns + "/slow\n").doesNotContain("drained");
        assertThat(result.err())
                .isEqualTo("error: timed out after 1s waiting for the pods of node \"" + node + "\" to be deleted: "
                        + ns + "/slow\n");
        assertThat(client.pods().get(ns, "slow").getMetadata().hasDeletionTimestamp())
                .isTrue();
    }

    @Test
    void wideNodeListShowsWhatItsPodsRequest() {
        String node = node("2", "4Gi");
        pod("a", node, true, "500m");
        pod("b", node, true, "250m");

        Result wide = capstan("get", "nodes", node, "-o", "wide");

        assertThat(wide.exitCode()).isZero();
        assertThat(wide.out().lines().toList().get(0)).contains("CPU(REQ)", "MEMORY(REQ)");
        assertThat(wide.out().lines().toList().get(1)).contains("750m/2 (37%)", "512Mi/4Gi (12%)");
    }
}
