package io.capstan.apiserver.registry;

import static io.capstan.apiserver.registry.ValidationAssertions.assertRejected;
import static io.capstan.apiserver.registry.ValidationAssertions.assertValid;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.OwnerReference;
import io.capstan.proto.api.v1.Service;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MetadataValidationTest {

    private static ConfigMap configMapWith(UnaryOperator<ObjectMeta.Builder> change) {
        ConfigMap configMap = Fixtures.configMap();
        return configMap.toBuilder()
                .setMetadata(change.apply(configMap.getMetadata().toBuilder()))
                .build();
    }

    @Test
    void nameIsRequiredUnlessGenerateNameIsGiven() {
        assertRejected(configMapWith(meta -> meta.clearName()), "metadata.name", "required");
        assertValid(configMapWith(meta -> meta.clearName().setGenerateName("web-")));
    }

    @Test
    void generateNameIsAPrefixOfAValidName() {
        assertRejected(
                configMapWith(meta -> meta.clearName().setGenerateName("Web_")),
                "metadata.generateName",
                "DNS-1123 subdomain");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Web", "web_config", "-web", "web-", "web..config", "a/b"})
    void mostKindsNeedADns1123SubdomainName(String name) {
        assertRejected(configMapWith(meta -> meta.setName(name)), "metadata.name", "DNS-1123 subdomain");
    }

    @Test
    void aSubdomainMayHaveDotsAndUpTo253Characters() {
        assertValid(configMapWith(meta -> meta.setName("web.config-1")));
        assertValid(configMapWith(meta -> meta.setName("a".repeat(63) + "." + "b".repeat(63))));
        assertRejected(configMapWith(meta -> meta.setName("a".repeat(254))), "metadata.name", "DNS-1123 subdomain");
    }

    @Test
    void namespaceNamesAreDns1123Labels() {
        Namespace namespace = Fixtures.namespace();

        assertRejected(
                namespace.toBuilder()
                        .setMetadata(namespace.getMetadata().toBuilder().setName("team.a"))
                        .build(),
                "metadata.name",
                "DNS-1123 label");
        assertValid(namespace.toBuilder()
                .setMetadata(namespace.getMetadata().toBuilder().setName("1team"))
                .build());
    }

    @Test
    void serviceNamesAreDns1035LabelsStartingWithALetter() {
        Service service = Fixtures.service();

        assertRejected(
                service.toBuilder()
                        .setMetadata(service.getMetadata().toBuilder().setName("1web"))
                        .build(),
                "metadata.name",
                "DNS-1035 label");
        assertRejected(
                service.toBuilder()
                        .setMetadata(service.getMetadata().toBuilder().setName("web.api"))
                        .build(),
                "metadata.name",
                "DNS-1035 label");
    }

    @Test
    void namespacedKindsNeedAValidNamespace() {
        assertRejected(configMapWith(ObjectMeta.Builder::clearNamespace), "metadata.namespace", "required");
        assertRejected(configMapWith(meta -> meta.setNamespace("Team_A")), "metadata.namespace", "DNS-1123 label");
    }

    @Test
    void clusterScopedKindsHaveNoNamespace() {
        Node node = Fixtures.node();

        assertRejected(
                node.toBuilder()
                        .setMetadata(node.getMetadata().toBuilder().setNamespace("default"))
                        .build(),
                "metadata.namespace",
                "must be empty: Node is cluster-scoped");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "app",
                "App.Name_1",
                "example.com/tier",
                "kubernetes.io/hostname",
                "a.b.c/d-e",
            })
    void labelKeysAreNamesWithAnOptionalDnsPrefix(String key) {
        assertValid(configMapWith(meta -> meta.putLabels(key, "x")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-app", "app-", "a/b/c", "/app", "Example.com/app", "example.com/", "app name", ""})
    void badLabelKeysAreRejectedAtTheirEntry(String key) {
        assertRejected(configMapWith(meta -> meta.putLabels(key, "x")), "metadata.labels[" + key + "]", "key ");
    }

    @Test
    void labelKeyNamesHaveAtMost63Characters() {
        String key = "example.com/" + "a".repeat(64);

        assertRejected(configMapWith(meta -> meta.putLabels(key, "x")), "metadata.labels[" + key + "]", "63");
        assertValid(configMapWith(meta -> meta.putLabels("example.com/" + "a".repeat(63), "x")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "v1", "1.2.3", "my_value", "A-b.c_D"})
    void labelValuesMayBeEmptyOrShortNames(String value) {
        assertValid(configMapWith(meta -> meta.putLabels("app", value)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-v1", "v1.", "has space", "a/b", "é"})
    void badLabelValuesAreRejected(String value) {
        assertRejected(configMapWith(meta -> meta.putLabels("app", value)), "metadata.labels[app]", "label value");
    }

    @Test
    void labelValuesHaveAtMost63Characters() {
        assertValid(configMapWith(meta -> meta.putLabels("app", "a".repeat(63))));
        assertRejected(
                configMapWith(meta -> meta.putLabels("app", "a".repeat(64))), "metadata.labels[app]", "label value");
    }

    @Test
    void annotationKeysAreQualifiedNames() {
        assertRejected(
                configMapWith(meta -> meta.putAnnotations("bad key", "x")), "metadata.annotations[bad key]", "key ");
        assertValid(configMapWith(meta -> meta.putAnnotations("Example.Com/Note", "x")));
    }

    @Test
    void annotationsTogetherHaveAtMost256KiB() {
        int limit = 256 * 1024;

        assertValid(configMapWith(meta -> meta.clearAnnotations().putAnnotations("note", "x".repeat(limit - 4))));
        assertRejected(
                configMapWith(meta -> meta.clearAnnotations().putAnnotations("note", "x".repeat(limit - 3))),
                "metadata.annotations",
                "must have at most 262144 bytes in total, got 262145");
    }

    private static OwnerReference.Builder owner(String name) {
        return OwnerReference.newBuilder()
                .setApiVersion("apps/v1")
                .setKind("ReplicaSet")
                .setName(name)
                .setUid("uid-" + name);
    }

    @Test
    void ownerReferencesNeedApiVersionKindNameAndUid() {
        assertValid(configMapWith(meta -> meta.addOwnerReferences(owner("a"))));
        assertRejected(
                configMapWith(meta -> meta.addOwnerReferences(owner("a").clearApiVersion())),
                "metadata.ownerReferences[0].apiVersion",
                "required");
        assertRejected(
                configMapWith(meta -> meta.addOwnerReferences(owner("a"))
                        .addOwnerReferences(owner("b").clearKind())),
                "metadata.ownerReferences[1].kind",
                "required");
        assertRejected(
                configMapWith(meta -> meta.addOwnerReferences(owner("a").clearName())),
                "metadata.ownerReferences[0].name",
                "required");
        assertRejected(
                configMapWith(meta -> meta.addOwnerReferences(owner("a").clearUid())),
                "metadata.ownerReferences[0].uid",
                "required");
    }

    @Test
    void atMostOneOwnerReferenceIsTheController() {
        assertValid(configMapWith(
                meta -> meta.addOwnerReferences(owner("a").setController(true)).addOwnerReferences(owner("b"))));
        assertRejected(
                configMapWith(meta -> meta.addOwnerReferences(owner("a").setController(true))
                        .addOwnerReferences(owner("b").setController(true))),
                "metadata.ownerReferences[1].controller",
                "only one reference can have controller true, metadata.ownerReferences[0].controller already has");
    }

    @Test
    void finalizersAreQualifiedNames() {
        assertValid(configMapWith(meta -> meta.addFinalizers("kubernetes").addFinalizers("example.com/cleanup")));
        assertRejected(
                configMapWith(meta -> meta.addFinalizers("kubernetes").addFinalizers("example.com/a/b")),
                "metadata.finalizers[1]",
                "DNS subdomain prefix");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        List<FieldError> errors = ValidationAssertions.createErrors(
                configMapWith(meta -> meta.setName("Bad").clearNamespace().putLabels("app", "-x")));

        assertThat(errors)
                .extracting(FieldError::path)
                .containsExactly("metadata.name", "metadata.namespace", "metadata.labels[app]");
    }
}
