package io.capstan.apiserver.registry;

import static io.capstan.apiserver.registry.PodSpecChanges.WEB;
import static io.capstan.apiserver.registry.PodSpecChanges.webWith;
import static io.capstan.apiserver.registry.ValidationAssertions.assertRejected;
import static io.capstan.apiserver.registry.ValidationAssertions.assertValid;

import io.capstan.proto.api.v1.EnvFromSource;
import io.capstan.proto.api.v1.EnvVar;
import io.capstan.proto.api.v1.EnvVarSource;
import io.capstan.proto.api.v1.ObjectFieldSelector;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.SecretEnvSource;
import io.capstan.proto.api.v1.SecretKeySelector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Pod validation of env and envFrom: names, values from ConfigMaps, Secrets and fields. */
class PodEnvValidationTest {
    @ParameterizedTest
    @ValueSource(strings = {"1ST", "A=B", "has space", "$HOME"})
    void envNamesAreVariableNames(String name) {
        assertRejected(
                webWith(c -> c.setEnv(0, c.getEnv(0).toBuilder().setName(name))),
                WEB + ".env[0].name",
                "environment variable name");
    }

    @Test
    void envNamesMayHaveDotsAndDashesAsInKubernetes() {
        assertValid(webWith(c -> c.setEnv(0, c.getEnv(0).toBuilder().setName("my.var-1"))));
        assertRejected(
                webWith(c -> c.setEnv(0, c.getEnv(0).toBuilder().clearName())), WEB + ".env[0].name", "required");
    }

    @Test
    void envValueFromIsExclusiveWithValueAndNeedsASource() {
        assertRejected(
                webWith(c -> c.setEnv(1, c.getEnv(1).toBuilder().setValue("literal"))),
                WEB + ".env[1].valueFrom",
                "must not be set when value is not empty");
        assertRejected(
                webWith(c -> c.setEnv(1, c.getEnv(1).toBuilder().setValueFrom(EnvVarSource.getDefaultInstance()))),
                WEB + ".env[1].valueFrom",
                "must specify one of configMapKeyRef, secretKeyRef or fieldRef");
    }

    @Test
    void keyRefsNeedAnObjectNameAndAValidKey() {
        assertRejected(
                webWith(c -> c.setEnv(
                        1,
                        EnvVar.newBuilder()
                                .setName("X")
                                .setValueFrom(EnvVarSource.newBuilder()
                                        .setConfigMapKeyRef(c.getEnv(1).getValueFrom().getConfigMapKeyRef().toBuilder()
                                                .clearName())))),
                WEB + ".env[1].valueFrom.configMapKeyRef.name",
                "required");
        assertRejected(
                webWith(c -> c.setEnv(
                        2,
                        EnvVar.newBuilder()
                                .setName("X")
                                .setValueFrom(EnvVarSource.newBuilder()
                                        .setSecretKeyRef(SecretKeySelector.newBuilder()
                                                .setName("s")
                                                .setKey("bad/key"))))),
                WEB + ".env[2].valueFrom.secretKeyRef.key",
                "config key");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "metadata.name",
                "metadata.namespace",
                "metadata.uid",
                "spec.nodeName",
                "status.hostIP",
                "status.podIP",
                "metadata.annotations['example.com/x']"
            })
    void fieldRefsNameASupportedField(String fieldPath) {
        assertValid(
                fieldRef(ObjectFieldSelector.newBuilder().setApiVersion("v1").setFieldPath(fieldPath)));
    }

    private static Pod fieldRef(ObjectFieldSelector.Builder selector) {
        return webWith(c -> c.setEnv(
                3,
                EnvVar.newBuilder()
                        .setName("FIELD")
                        .setValueFrom(EnvVarSource.newBuilder().setFieldRef(selector))));
    }

    @Test
    void fieldRefsOutsideTheSupportedSetAreRejected() {
        assertRejected(
                fieldRef(ObjectFieldSelector.newBuilder().setApiVersion("v1").setFieldPath("spec.containers")),
                WEB + ".env[3].valueFrom.fieldRef.fieldPath",
                "unsupported field path \"spec.containers\"");
        assertRejected(
                fieldRef(ObjectFieldSelector.newBuilder().setApiVersion("v1").setFieldPath("metadata.labels['a b']")),
                WEB + ".env[3].valueFrom.fieldRef.fieldPath",
                "key ");
        assertRejected(
                fieldRef(ObjectFieldSelector.newBuilder().setApiVersion("v2").setFieldPath("metadata.name")),
                WEB + ".env[3].valueFrom.fieldRef.apiVersion",
                "must be \"v1\"");
    }

    @Test
    void envFromNeedsOneSourceWithANameAndAValidPrefix() {
        assertValid(webWith(c -> c.addEnvFrom(EnvFromSource.newBuilder()
                .setSecretRef(SecretEnvSource.newBuilder().setName("web-secret")))));
        assertRejected(
                webWith(c -> c.addEnvFrom(EnvFromSource.newBuilder().setPrefix("X_"))),
                WEB + ".envFrom[1]",
                "must specify one of configMapRef or secretRef");
        assertRejected(
                webWith(c -> c.setEnvFrom(0, c.getEnvFrom(0).toBuilder().setPrefix("1X"))),
                WEB + ".envFrom[0].prefix",
                "environment variable name");
        assertRejected(
                webWith(c -> c.addEnvFrom(EnvFromSource.newBuilder().setSecretRef(SecretEnvSource.newBuilder()))),
                WEB + ".envFrom[1].secretRef.name",
                "required");
    }
}
