package io.capstan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capstan.api.manifest.Manifests;
import io.capstan.apiserver.service.ControlPlane;
import io.capstan.client.Kind;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectClient;
import io.capstan.client.TestControlPlane;
import io.capstan.proto.api.v1.TypedObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The verbs against an in-process control plane, run as a user would, with stdout and stderr captured. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CapstanIT {
    private static final String MANIFEST = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: app}
            data: {greeting: hello}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, labels: {app: web}}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: main, image: nginx}]
            """;

    private TestControlPlane cluster;
    private ObjectClient client;
    private String ns;

    @TempDir
    Path dir;

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
    }

    record Result(int exitCode, String out, String err) {}

    private Result capstan(String... args) {
        return capstanWithInput("", args);
    }

    private Result capstanWithInput(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Capstan.execute(withServer(args), input(stdin), new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    private String[] withServer(String... args) {
        List<String> all =
                new ArrayList<>(List.of("--server", cluster.plane().apiAddress(0), "--token", ControlPlane.TOKEN));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    private static InputStream input(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private Path file(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void applyCreatesThenLeavesUnchangedThenConfigures() throws Exception {
        Path manifest = file("app.yaml", MANIFEST);

        Result first = capstan("apply", "-f", manifest.toString(), "-n", ns);
        assertThat(first).isEqualTo(new Result(0, "configmap/app created\ndeployment/web created\n", ""));

        Result again = capstan("apply", "-f", manifest.toString(), "-n", ns);
        assertThat(again).isEqualTo(new Result(0, "configmap/app unchanged\ndeployment/web unchanged\n", ""));

        Files.writeString(manifest, MANIFEST.replace("greeting: hello", "greeting: hi"));
        Result edited = capstan("apply", "-f", manifest.toString(), "-n", ns);
        assertThat(edited).isEqualTo(new Result(0, "configmap/app configured\ndeployment/web unchanged\n", ""));
        assertThat(client.configMaps().get(ns, "app").getDataMap()).containsEntry("greeting", "hi");
    }

    @Test
    void applyReadsADirectoryAndStandardInput() throws Exception {
        Path manifests = Files.createDirectory(dir.resolve("manifests"));
        Files.writeString(manifests.resolve("b.yml"), MANIFEST.split("---")[1]);
        Files.writeString(manifests.resolve("a.yaml"), MANIFEST.split("---")[0]);
        Files.writeString(manifests.resolve("notes.txt"), "not a manifest");

        assertThat(capstan("apply", "-f", manifests.toString(), "-n", ns))
                .isEqualTo(new Result(0, "configmap/app created\ndeployment/web created\n", ""));
        assertThat(capstanWithInput(MANIFEST.replace("name: app", "name: other"), "apply", "-f", "-", "-n", ns))
                .isEqualTo(new Result(0, "configmap/other created\ndeployment/web unchanged\n", ""));
    }

    @Test
    void createRefusesAnObjectThatExists() throws Exception {
        Path manifest = file("cm.yaml", MANIFEST.split("---")[0]);
        assertThat(capstan("create", "-f", manifest.toString(), "-n", ns))
                .isEqualTo(new Result(0, "configmap/app created\n", ""));
        assertThat(capstan("create", "-f", manifest.toString(), "-n", ns))
                .isEqualTo(new Result(1, "", "error: configmaps \"app\" already exists\n"));
    }

    @Test
    void getPrintsEachOutputFormat() throws Exception {
        assertThat(capstan("apply", "-f", file("app.yaml", MANIFEST).toString(), "-n", ns)
                        .exitCode())
                .isZero();

        Result table = capstan("get", "deployments", "-n", ns);
        assertThat(table.exitCode()).isZero();
        assertThat(table.out())
                .matches(
                        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    0/2     0            0           \\d+s\n");

        Result wide = capstan("get", "deploy", "web", "-n", ns, "-o", "wide");
        assertThat(wide.out().lines().toList()).hasSize(2);
        assertThat(wide.out()).contains("CONTAINERS   IMAGES   SELECTOR").contains("main         nginx    app=web");

        assertThat(capstan("get", "cm", "-n", ns, "-o", "name")).isEqualTo(new Result(0, "configmap/app\n", ""));

        Result yaml = capstan("get", "deployment/web", "-n", ns, "-o", "yaml");
        TypedObject fromYaml = Manifests.readYaml(yaml.out()).get(0);
        assertThat(fromYaml).isEqualTo(client.get("Deployment", ns, "web"));

        Result json = capstan("get", "deployment", "web", "-n", ns, "-o", "json");
        assertThat(Manifests.readJson(json.out())).isEqualTo(fromYaml);

        Result jsonList = capstan("get", "cm", "-n", ns, "-o", "json");
        assertThat(Manifests.readYaml(jsonList.out()))
                .extracting(o -> Kind.metadataOf(o).getName())
                .containsExactly("app");

        Result all = capstan("get", "cm", "-A", "--field-selector", "metadata.namespace=" + ns);
        assertThat(all.out()).matches("NAMESPACE\\s+NAME   DATA   AGE\n" + ns + "\\s+app    1      \\d+s\n");

        Result selected = capstan("get", "deploy", "-n", ns, "-l", "app=other");
        assertThat(selected).isEqualTo(new Result(0, "", "No resources found in " + ns + " namespace.\n"));

        Result twoTypes = capstan("get", "deploy,cm", "-n", ns);
        assertThat(twoTypes.out())
                .matches("NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    0/2     0            0           \\d+s\n"
                        + "\nNAME   DATA   AGE\napp    1      \\d+s\n");
        assertThat(capstan("get", "cm,deploy", "-n", ns, "-o", "name").out())
                .isEqualTo("configmap/app\ndeployment/web\n");

        Result namespaces = capstan("get", "ns", ns);
        assertThat(namespaces.out()).matches("NAME\\s+STATUS   AGE\n" + ns + "\\s+Active   \\d+s\n");
    }

    @Test
    void getOfAMissingObjectIsOneErrorLine() {
        assertThat(capstan("get", "deploy", "nope", "-n", ns))
                .isEqualTo(new Result(1, "", "error: deployments.apps \"nope\" not found\n"));
    }

    @Test
    void globalFlagsAlsoWorkAfterTheVerb() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Capstan.execute(
                new String[] {"get", "ns", ns, "--server", cluster.plane().apiAddress(0), "--token", ControlPlane.TOKEN
                },
                input(""),
                new PrintWriter(out),
                new PrintWriter(err));
        assertThat(code).isZero();
        assertThat(out.toString()).contains(ns);
    }

    @Test
    void describeShowsKeyFieldsAndEvents() throws Exception {
        capstan("apply", "-f", file("app.yaml", MANIFEST).toString(), "-n", ns);
        client.create(Manifests.readYaml("""
                        apiVersion: v1
                        kind: Event
                        metadata: {name: web.1, namespace: %s}
                        involvedObject: {kind: Deployment, name: web, namespace: %s}
                        reason: ScalingReplicaSet
                        message: Scaled up replica set web-1 to 2
                        source: {component: deployment-controller}
                        type: Normal
                        count: 1
                        """.formatted(ns, ns)).get(0));

        Result described = capstan("describe", "deployment", "web", "-n", ns);
        assertThat(described.exitCode()).isZero();
        assertThat(described.out())
                .startsWith("Name:                web\n")
                .contains("Namespace:           " + ns + "\n")
                .contains("Labels:              app=web\n")
                .contains("Replicas:            2 desired | 0 updated | 0 total | 0 available | 0 unavailable\n")
                .contains("Pod Template:\n  main:\n    Image:  nginx\n")
                .contains("Events:\n  Type     Reason              Age")
                .containsPattern(
                        "Normal   ScalingReplicaSet   \\S+\\s+deployment-controller   Scaled up replica set web-1 to 2");

        Result configMap = capstan("describe", "cm/app", "-n", ns);
        assertThat(configMap.out()).contains("Data:").contains("greeting").endsWith("Events:  <none>\n");
    }

    @Test
    void scaleSetsReplicasByMergePatch() throws Exception {
        capstan("apply", "-f", file("app.yaml", MANIFEST).toString(), "-n", ns);

        assertThat(capstan("scale", "deployment", "web", "--replicas", "5", "-n", ns))
                .isEqualTo(new Result(0, "deployment/web scaled\n", ""));
        assertThat(client.deployments().get(ns, "web").getSpec().getReplicas()).isEqualTo(5);

        assertThat(capstan("scale", "deploy/nope", "--replicas", "1", "-n", ns))
                .isEqualTo(new Result(1, "", "error: deployments.apps \"nope\" not found\n"));
        assertThat(capstan("scale", "cm", "app", "--replicas", "1", "-n", ns).err())
                .isEqualTo("error: cannot scale configmaps: only deployments and replicasets have replicas\n");
    }

    @Test
    void deleteByNameAndByManifest() throws Exception {
        Path manifest = file("app.yaml", MANIFEST);
        capstan("apply", "-f", manifest.toString(), "-n", ns);

        assertThat(capstan("delete", "deployment", "web", "-n", ns, "--grace-period", "0"))
                .isEqualTo(new Result(0, "deployment/web deleted\n", ""));
        assertThatThrownBy(() -> client.deployments().get(ns, "web")).isInstanceOf(NotFoundException.class);

        Result byFile = capstan("delete", "-f", manifest.toString(), "-n", ns);
        assertThat(byFile)
                .isEqualTo(new Result(1, "configmap/app deleted\n", "error: deployments.apps \"web\" not found\n"));
        assertThatThrownBy(() -> client.configMaps().get(ns, "app")).isInstanceOf(NotFoundException.class);

        assertThat(capstan("delete", "cm", "app", "-n", ns, "--cascade", "sideways")
                        .err())
                .isEqualTo("error: invalid --cascade \"sideways\": must be background, foreground or orphan\n");
    }

    @Test
    void aBadManifestNamesFilePathAndLineAndChangesNothing() throws Exception {
        Path manifest = file("bad.yaml", MANIFEST.replace("replicas: 2", "replicas: two"));

        Result result = capstan("apply", "-f", manifest.toString(), "-n", ns);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err())
                .isEqualTo("error: " + manifest
                        + ": spec.replicas: must be an integer, got \"two\" (document 2, line 10)\n");
        assertThatThrownBy(() -> client.configMaps().get(ns, "app")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void anInvalidObjectGetsTheServersFieldPathMessage() throws Exception {
        Path manifest = file("neg.yaml", MANIFEST.split("---")[1].replace("replicas: 2", "replicas: -1"));

        Result result = capstan("apply", "-f", manifest.toString(), "-n", ns);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("error: deployments.apps \"web\" is invalid: spec.replicas: ");
        assertThat(result.err().lines().toList()).hasSize(1);
    }

    @Test
    void watchPrintsRowsAsChangesArrive() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger exitCode = new AtomicInteger(-1);
        Thread watcher = new Thread(() -> exitCode.set(Capstan.execute(
                withServer("get", "cm", "-n", ns, "-w"), input(""), new PrintWriter(out), new PrintWriter(err))));
        watcher.start();
        try {
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(err.toString()).contains("No resources found"));
            // the watch opens after the list is printed; creates until one shows are each a row
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                String name = "cm-" + (System.nanoTime() % 100000);
                capstan(
                        "apply",
                        "-n",
                        ns,
                        "-f",
                        file(name + ".yaml", MANIFEST.split("---")[0].replace("app", name))
                                .toString());
                assertThat(out.toString()).contains("NAME").contains("cm-");
            });
            assertThat(out.toString()).startsWith("NAME").containsPattern("NAME\\s+DATA   AGE\n");
        } finally {
            watcher.interrupt();
            watcher.join(Duration.ofSeconds(20).toMillis());
        }
        assertThat(watcher.isAlive()).isFalse();
        assertThat(exitCode.get()).isZero();
    }
}
