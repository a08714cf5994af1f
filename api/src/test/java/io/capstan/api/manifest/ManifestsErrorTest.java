package io.capstan.api.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.TypedObject;
import org.junit.jupiter.api.Test;

class ManifestsErrorTest {

    private static ManifestException readingYaml(String yaml) {
        return catchThrowableOfType(ManifestException.class, () -> Manifests.readYaml(yaml));
    }

    private static ManifestException readingJson(String json) {
        return catchThrowableOfType(ManifestException.class, () -> Manifests.readJson(json));
    }

    private static String pod(String spec) {
        return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n" + spec.stripIndent();
    }

    @Test
    void unknownFieldNamesItsPathDocumentAndLine() {
        ManifestException e = readingYaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: web
                        image: nginx
                        imagePullPolicyy: Always
                """);

        assertThat(e.path()).isEqualTo("spec.template.spec.containers[0].imagePullPolicyy");
        assertThat(e.reason()).isEqualTo("unknown field");
        assertThat(e.document()).hasValue(1);
        assertThat(e.line()).hasValue(11);
        assertThat(e)
                .hasMessage("spec.template.spec.containers[0].imagePullPolicyy: unknown field (document 1, line 11)");
    }

    @Test
    void protoFieldNamesAreNotManifestNames() {
        ManifestException e = readingYaml(pod("""
                  node_name: n1
                """));

        assertThat(e.path()).isEqualTo("spec.node_name");
        assertThat(e.reason()).isEqualTo("unknown field");
    }

    @Test
    void wrongTypeNamesTheValue() {
        ManifestException e = readingYaml("""
                apiVersion: apps/v1
                kind: Deployment
                spec:
                  replicas: three
                """);

        assertThat(e).hasMessage("spec.replicas: must be an integer, got \"three\" (document 1, line 4)");
    }

    @Test
    void int32RefusesNumericStringsAndOutOfRangeNumbers() {
        assertThat(readingJson(
                        "{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\", \"spec\": {\"replicas\": \"3\"}}"))
                .hasMessage("spec.replicas: must be an integer, got \"3\" (line 1)");
        assertThat(
                        readingJson(
                                "{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\", \"spec\": {\"replicas\": 3000000000}}"))
                .hasMessageStartingWith(
                        "spec.replicas: must be an integer from -2147483648 to 2147483647, got 3000000000");
        assertThat(readingJson("{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\", \"spec\": {\"replicas\": 1.5}}")
                        .path())
                .isEqualTo("spec.replicas");
    }

    @Test
    void numberForAStringFieldIsRefusedOutsideQuantities() {
        ManifestException env = readingYaml(pod("""
                  containers:
                  - name: web
                    env:
                    - name: PORT
                      value: 8080
                """));
        ManifestException label = readingYaml("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: shop
                  labels:
                    version: 2
                """);
        ManifestException bool = readingYaml("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: yes
                """);

        assertThat(env).hasMessage("spec.containers[0].env[0].value: must be a string, got 8080 (document 1, line 10)");
        assertThat(label).hasMessage("metadata.labels[version]: must be a string, got 2 (document 1, line 6)");
        assertThat(bool.path()).isEqualTo("metadata.name");
        assertThat(bool.reason()).isEqualTo("must be a string, got true");
    }

    @Test
    void booleansAreYamlBooleansOnly() {
        ManifestException e = readingYaml(pod("""
                  containers:
                  - name: web
                    volumeMounts:
                    - name: data
                      readOnly: "true"
                """));

        assertThat(e.path()).isEqualTo("spec.containers[0].volumeMounts[0].readOnly");
        assertThat(e.reason()).isEqualTo("must be a boolean, got \"true\"");
    }

    @Test
    void wrongApiVersionNamesTheExpectedOne() {
        ManifestException e = readingYaml("""
                apiVersion: v1
                kind: Deployment
                metadata:
                  name: web
                """);

        assertThat(e.path()).isEqualTo("apiVersion");
        assertThat(e)
                .hasMessage("apiVersion: must be \"apps/v1\" for kind Deployment, got \"v1\" (document 1, line 1)");
    }

    @Test
    void missingApiVersionIsRequired() {
        ManifestException e = readingYaml("kind: Lease\nmetadata:\n  name: leader\n");

        assertThat(e.path()).isEqualTo("apiVersion");
        assertThat(e.reason()).isEqualTo("required: \"coordination.k8s.io/v1\" for kind Lease");
    }

    @Test
    void missingKindIsRequired() {
        ManifestException e = readingYaml("apiVersion: v1\nmetadata:\n  name: web\n");

        assertThat(e.path()).isEqualTo("kind");
        assertThat(e.reason()).isEqualTo("required");
        assertThat(e.document()).hasValue(1);
    }

    @Test
    void unknownKindListsTheKnownOnes() {
        ManifestException e = readingYaml("apiVersion: v1\nkind: deployment\n");

        assertThat(e.path()).isEqualTo("kind");
        assertThat(e.reason())
                .isEqualTo("unknown kind \"deployment\"; known kinds are Namespace, Node, Pod, ReplicaSet, Deployment, "
                        + "Service, Endpoints, ConfigMap, Secret, Lease, Event, Ingress, AlertRoute");
    }

    @Test
    void badEnumSpellingListsTheSpellings() {
        ManifestException e = readingYaml("""
                apiVersion: apps/v1
                kind: Deployment
                spec:
                  template:
                    spec:
                      containers:
                      - name: web
                        imagePullPolicy: ifNotPresent
                """);

        assertThat(e)
                .hasMessage("spec.template.spec.containers[0].imagePullPolicy: "
                        + "must be one of \"Always\", \"IfNotPresent\", \"Never\", got \"ifNotPresent\" "
                        + "(document 1, line 8)");
    }

    @Test
    void protoEnumNamesAndUnspecifiedAreNotSpellings() {
        for (String spelling :
                new String[] {"PULL_POLICY_IF_NOT_PRESENT", "Unspecified", "PULL_POLICY_UNSPECIFIED", "2"}) {
            ManifestException e = readingYaml(pod("""
                      containers:
                      - name: web
                        imagePullPolicy: %s
                    """.formatted(spelling)));

            assertThat(e.path()).as(spelling).isEqualTo("spec.containers[0].imagePullPolicy");
        }
    }

    @Test
    void mapValuesOfTheWrongTypeNameTheirKey() {
        ManifestException e = readingYaml(pod("""
                  nodeSelector:
                    disk: [ssd]
                """));

        assertThat(e.path()).isEqualTo("spec.nodeSelector[disk]");
        assertThat(e.reason()).isEqualTo("must be a string, got a list");
    }

    @Test
    void shapesAreChecked() {
        assertThat(readingYaml(pod("  containers:\n    name: web\n")).reason())
                .isEqualTo("must be a list, got an object");
        assertThat(readingYaml(pod("  containers:\n  - web\n")).path()).isEqualTo("spec.containers[0]");
        assertThat(readingYaml(pod("  containers:\n  -\n")).reason()).isEqualTo("must not be null");
        assertThat(readingYaml(pod("  nodeSelector: ssd\n")).reason()).isEqualTo("must be a map, got \"ssd\"");
        assertThat(readingYaml("- apiVersion: v1\n").reason()).isEqualTo("must be an object, got a list");
    }

    @Test
    void oneofMembersExcludeEachOther() {
        ManifestException e = readingYaml(pod("""
                  containers:
                  - name: web
                    readinessProbe:
                      httpGet:
                        port: 80
                      tcpSocket:
                        port: 80
                """));

        assertThat(e.path()).isEqualTo("spec.containers[0].readinessProbe.tcpSocket");
        assertThat(e.reason()).isEqualTo("only one of exec, httpGet, tcpSocket may be set, and httpGet is");
    }

    @Test
    void intOrStringIsANumberOrAString() {
        ManifestException e = readingYaml(pod("""
                  containers:
                  - name: web
                    livenessProbe:
                      tcpSocket:
                        port: true
                """));

        assertThat(e.path()).isEqualTo("spec.containers[0].livenessProbe.tcpSocket.port");
        assertThat(e.reason()).isEqualTo("must be an integer or a string, got true");
    }

    @Test
    void timestampsMustBeRfc3339() {
        ManifestException e = readingYaml("""
                apiVersion: v1
                kind: Event
                firstTimestamp: "2026-01-02 03:04:05"
                """);

        assertThat(e.path()).isEqualTo("firstTimestamp");
        assertThat(e.reason())
                .isEqualTo("must be an RFC 3339 time such as \"2026-01-02T03:04:05Z\", got \"2026-01-02 03:04:05\"");
    }

    @Test
    void secretValuesAreNeverQuoted() {
        ManifestException badBase64 = readingYaml("""
                apiVersion: v1
                kind: Secret
                data:
                  password: hunter2!
                """);
        ManifestException number = readingYaml("""
                apiVersion: v1
                kind: Secret
                stringData:
                  pin: 123456
                """);

        assertThat(badBase64.path()).isEqualTo("data[password]");
        assertThat(badBase64).hasMessageNotContaining("hunter2");
        assertThat(number).hasMessage("stringData[pin]: must be a string, got a number (document 1, line 4)");
    }

    @Test
    void errorsInLaterDocumentsNameTheDocumentAndTheLineInTheStream() {
        ManifestException e = readingYaml("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: a
                ---
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: b
                  namespace: a
                data:
                  key: value
                  count: 3
                """);

        assertThat(e.document()).hasValue(3);
        assertThat(e.line()).hasValue(14);
        assertThat(e.path()).isEqualTo("data[count]");
    }

    @Test
    void listItemsAreNamedByIndex() {
        ManifestException e = readingYaml("""
                apiVersion: v1
                kind: List
                items:
                - apiVersion: v1
                  kind: Namespace
                - apiVersion: v1
                  kind: Namespace
                  spec:
                    finalizer: [kubernetes]
                """);

        assertThat(e).hasMessage("items[1].spec.finalizer: unknown field (document 1, line 9)");
    }

    @Test
    void syntaxErrorsNameTheDocumentAndLine() {
        ManifestException e = readingYaml("""
                apiVersion: v1
                kind: Namespace
                ---
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: [unclosed
                """);

        assertThat(e.path()).isEmpty();
        assertThat(e.reason()).startsWith("invalid YAML: ");
        assertThat(e.document()).hasValue(2);
        assertThat(e.line()).isPresent();
    }

    @Test
    void duplicateKeysAndAliasesAreRefused() {
        ManifestException duplicate = readingYaml("apiVersion: v1\nkind: Namespace\nkind: Pod\n");
        ManifestException alias = readingYaml("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: &n shop
                  labels:
                    name: *n
                """);

        assertThat(duplicate).hasMessage("kind: duplicate key (document 1, line 3)");
        assertThat(alias.line()).hasValue(6);
        assertThat(alias.reason()).contains("aliases");
    }

    @Test
    void jsonErrorsNameTheLineButNoDocument() {
        ManifestException unknown = readingJson("""
                {
                  "apiVersion": "v1",
                  "kind": "Pod",
                  "spec": {
                    "nodeName": "n1",
                    "hostNetwork": true
                  }
                }
                """);
        ManifestException syntax = readingJson("{\"apiVersion\": \"v1\",\n\"kind\": Pod}");
        ManifestException twoValues = readingJson("{\"apiVersion\": \"v1\", \"kind\": \"Namespace\"} {}");

        assertThat(unknown).hasMessage("spec.hostNetwork: unknown field (line 6)");
        assertThat(unknown.document()).isEmpty();
        assertThat(syntax.reason()).startsWith("invalid JSON: ");
        assertThat(syntax.line()).hasValue(2);
        assertThat(twoValues.reason()).isEqualTo("more than one JSON value in the text");
    }

    @Test
    void treesGiveThePathWithoutLocation() {
        ObjectNode manifest = JsonNodeFactory.instance.objectNode();
        manifest.put("apiVersion", "v1");
        manifest.put("kind", "Pod");
        manifest.putObject("spec").putArray("containers").addObject().put("ports", "http");

        ManifestException e = catchThrowableOfType(ManifestException.class, () -> Manifests.fromTree(manifest));

        assertThat(e).hasMessage("spec.containers[0].ports: must be a list, got \"http\"");
        assertThat(e.line()).isEmpty();
        assertThat(e.document()).isEmpty();
    }

    @Test
    void aListIsNotOneObject() {
        ObjectNode list = JsonNodeFactory.instance.objectNode();
        list.put("apiVersion", "v1");
        list.put("kind", "List");
        list.putArray("items");

        ManifestException e = catchThrowableOfType(ManifestException.class, () -> Manifests.fromTree(list));

        assertThat(e.path()).isEqualTo("kind");
    }

    @Test
    void anEnumNumberTheProtoDoesNotDeclareCannotBeWritten() {
        TypedObject pod = ManifestKind.wrap(Pod.newBuilder()
                .setStatus(PodStatus.newBuilder().setPhaseValue(99))
                .build());

        assertThatThrownBy(() -> Manifests.toTree(pod))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("status.phase: ");
    }
}
