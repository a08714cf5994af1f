package io.capstan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.manifest.Manifests;
import io.capstan.apiserver.service.ControlPlane;
import io.capstan.client.ObjectClient;
import io.capstan.controllers.common.WorkloadCluster;
import io.capstan.proto.api.v1.Deployment;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
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

/**
 * The rollout verbs against a control plane with the ReplicaSet and Deployment controllers running
 * and a fake kubelet that makes pods ready.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class RolloutIT {
    private WorkloadCluster cluster;
    private ObjectClient client;
    private String ns;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        cluster = WorkloadCluster.start(root);
        client = cluster.client();
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void namespace(TestInfo test) {
        ns = cluster.newNamespace(test.getTestMethod().orElseThrow().getName());
    }

    record Result(int exitCode, String out, String err) {}

    private Result capstan(String... args) {
        List<String> all = new ArrayList<>(
                List.of("--server", String.join(",", client.config().endpoints()), "--token", ControlPlane.TOKEN));
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

    private void createWeb(String image, int progressDeadlineSeconds) {
        client.create(Manifests.readYaml("""
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata: {name: web, namespace: %s}
                        spec:
                          replicas: 2
                          progressDeadlineSeconds: %d
                          selector: {matchLabels: {app: web}}
                          template:
                            metadata: {labels: {app: web}}
                            spec:
                              containers: [{name: main, image: "%s"}]
                        """.formatted(ns, progressDeadlineSeconds, image))
                .get(0));
    }

    private String image() {
        Deployment web = client.deployments().get(ns, "web");
        return web.getSpec().getTemplate().getSpec().getContainers(0).getImage();
    }

    private Result statusUntilDone() {
        Result status = capstan("rollout", "status", "deployment/web", "-n", ns, "--timeout", "60s");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out()).endsWith("deployment \"web\" successfully rolled out\n");
        return status;
    }

    @Test
    void statusFollowsARolloutAndUndoGoesBackARevision() {
        cluster.kubelet().readyAfter(ns, Duration.ofMillis(300));
        createWeb("web:1", 600);

        Result first = statusUntilDone();
        assertThat(first.out()).contains("Waiting for deployment \"web\" rollout to finish: ");

        assertThat(capstan("set", "image", "deploy/web", "main=web:2", "-n", ns).exitCode())
                .isZero();
        statusUntilDone();
        assertThat(capstan("rollout", "history", "deployment/web", "-n", ns))
                .isEqualTo(new Result(
                        0, "deployment/web\nREVISION   CHANGE-CAUSE\n1          <none>\n2          <none>\n", ""));

        assertThat(capstan("rollout", "undo", "deployment/web", "-n", ns))
                .isEqualTo(new Result(0, "deployment/web rolled back\n", ""));
        assertThat(image()).isEqualTo("web:1");
        statusUntilDone();
        assertThat(capstan("rollout", "history", "deployment", "web", "-n", ns).out())
                .isEqualTo("deployment/web\nREVISION   CHANGE-CAUSE\n2          <none>\n3          <none>\n");
        assertThat(capstan("rollout", "history", "deployment/web", "--revision", "3", "-n", ns)
                        .out())
                .startsWith("deployment/web with revision #3\n")
                .contains("Image:  web:1");

        assertThat(capstan("rollout", "undo", "deployment/web", "--to-revision", "3", "-n", ns))
                .isEqualTo(new Result(
                        0, "deployment/web skipped rollback (current template already matches revision 3)\n", ""));
        assertThat(capstan("rollout", "undo", "deployment/web", "--to-revision", "9", "-n", ns))
                .isEqualTo(new Result(1, "", "error: unable to find specified revision 9 in history\n"));
    }

    @Test
    void pauseHoldsTemplateChangesAndRestartRollsEveryPod() {
        createWeb("web:1", 600);
        statusUntilDone();

        assertThat(capstan("rollout", "pause", "deployment/web", "-n", ns))
                .isEqualTo(new Result(0, "deployment/web paused\n", ""));
        assertThat(capstan("rollout", "pause", "deployment/web", "-n", ns))
                .isEqualTo(new Result(1, "", "error: deployments.apps \"web\" is already paused\n"));
        assertThat(capstan("rollout", "restart", "deployment/web", "-n", ns).err())
                .startsWith("error: can't restart paused deployments.apps \"web\"");
        assertThat(capstan("rollout", "undo", "deployment/web", "-n", ns).err())
                .startsWith("error: you cannot rollback a paused deployment");

        assertThat(capstan("rollout", "resume", "deployment/web", "-n", ns))
                .isEqualTo(new Result(0, "deployment/web resumed\n", ""));
        assertThat(capstan("rollout", "resume", "deployment/web", "-n", ns).err())
                .isEqualTo("error: deployments.apps \"web\" is not paused\n");

        assertThat(capstan("rollout", "restart", "deployment/web", "-n", ns))
                .isEqualTo(new Result(0, "deployment/web restarted\n", ""));
        assertThat(client.deployments()
                        .get(ns, "web")
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotationsMap())
                .containsKey(RolloutSpecChanges.RESTARTED_AT);
        statusUntilDone();
        assertThat(capstan("rollout", "history", "deployment/web", "-n", ns).out())
                .endsWith("1          <none>\n2          <none>\n");
    }

    @Test
    void statusFailsOnceTheProgressDeadlinePasses() {
        cluster.kubelet().neverReady(ns);
        createWeb("web:1", 1);

        Result status = capstan("rollout", "status", "deployment/web", "-n", ns, "--timeout", "60s");

        assertThat(status.exitCode()).isEqualTo(1);
        assertThat(status.err()).isEqualTo("error: deployment \"web\" exceeded its progress deadline\n");
    }

    @Test
    void statusGivesUpAtItsTimeout() {
        cluster.kubelet().neverReady(ns);
        createWeb("web:1", 600);

        Result status = capstan("rollout", "status", "deploy/web", "-n", ns, "--timeout", "2s");

        assertThat(status.exitCode()).isEqualTo(1);
        assertThat(status.err())
                .isEqualTo("error: timed out after 2s waiting for the rollout of deployment/web to finish\n");
        assertThat(capstan("rollout", "status", "configmap/web", "-n", ns).err())
                .isEqualTo("error: rollout status is not supported for configmaps: only for deployments\n");
    }
}
