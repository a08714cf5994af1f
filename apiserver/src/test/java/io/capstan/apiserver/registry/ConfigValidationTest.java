package io.capstan.apiserver.registry;

import static io.capstan.apiserver.registry.ValidationAssertions.assertRejected;
import static io.capstan.apiserver.registry.ValidationAssertions.assertValid;

import com.google.protobuf.ByteString;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ConfigMap and Secret content: keys, size, and the keys a Secret's type needs. */
class ConfigValidationTest {
    private static final int ONE_MIB = 1024 * 1024;

    private static ConfigMap.Builder configMap() {
        return Fixtures.configMap().toBuilder();
    }

    private static Secret.Builder opaqueSecret() {
        return Fixtures.secret().toBuilder().setType("Opaque");
    }

    @ParameterizedTest
    @ValueSource(strings = {"app.conf", "APP_NAME", "-x", ".hidden", "a..b"})
    void keysAreLettersDigitsDashesUnderscoresAndDots(String key) {
        assertValid(configMap().putData(key, "v").build());
    }

    @ParameterizedTest
    @ValueSource(strings = {".", "..", "..data", "a/b", "a b", "é"})
    void otherDataKeysAreRejected(String key) {
        assertRejected(configMap().putData(key, "v").build(), "data[" + key + "]", "key must be a config key");
    }

    @Test
    void keysHaveAtMost253Characters() {
        assertValid(configMap().putData("a".repeat(253), "v").build());
        String key = "a".repeat(254);
        assertRejected(configMap().putData(key, "v").build(), "data[" + key + "]", "config key");
    }

    @Test
    void binaryDataKeysFollowTheSameRulesAndDoNotRepeatDataKeys() {
        assertRejected(configMap().putBinaryData("a/b", ByteString.EMPTY).build(), "binaryData[a/b]", "config key");
        assertRejected(
                configMap().putBinaryData("greeting", ByteString.EMPTY).build(),
                "binaryData[greeting]",
                "duplicate of a key in data");
    }

    @Test
    void configMapDataHasAtMostOneMebibyte() {
        ConfigMap.Builder atLimit = configMap().clearData().clearBinaryData().putData("big", "x".repeat(ONE_MIB));
        assertValid(atLimit.build());
        assertRejected(
                atLimit.putBinaryData("one-more", ByteString.copyFromUtf8("x")).build(),
                "data",
                "must have at most 1048576 bytes in total, got 1048577");
    }

    @Test
    void secretDataKeysAndSizeAreCheckedLikeConfigMaps() {
        assertRejected(opaqueSecret().putData("a b", ByteString.EMPTY).build(), "data[a b]", "config key");
        assertRejected(
                opaqueSecret()
                        .clearData()
                        .putData("big", ByteString.copyFrom(new byte[ONE_MIB + 1]))
                        .build(),
                "data",
                "must have at most 1048576 bytes");
    }

    @Test
    void stringDataNotYetFoldedIsCheckedToo() {
        assertRejected(opaqueSecret().putStringData("a/b", "v").build(), "stringData[a/b]", "config key");
    }

    @Test
    void secretTypeIsRequiredAfterDefaulting() {
        assertRejected(opaqueSecret().clearType().build(), "type", "required");
    }

    @Test
    void tlsSecretsHaveACertificateAndAKey() {
        assertValid(Fixtures.secret());
        assertRejected(
                Fixtures.secret().toBuilder().removeData("tls.key").build(),
                "data[tls.key]",
                "required for type kubernetes.io/tls");
    }

    @Test
    void wellKnownTypesNeedTheirKeys() {
        assertRejected(
                opaqueSecret().setType("kubernetes.io/dockerconfigjson").build(),
                "data[.dockerconfigjson]",
                "required");
        assertRejected(opaqueSecret().setType("kubernetes.io/ssh-auth").build(), "data[ssh-privatekey]", "required");
        assertRejected(
                opaqueSecret().setType("kubernetes.io/basic-auth").build(), "data[username]", "or data[password]");
        assertValid(opaqueSecret()
                .setType("kubernetes.io/basic-auth")
                .putData("password", ByteString.copyFromUtf8("s3cret"))
                .build());
        assertRejected(
                opaqueSecret().setType("kubernetes.io/service-account-token").build(),
                "metadata.annotations[kubernetes.io/service-account.name]",
                "required");
    }

    @Test
    void otherTypesAreFreeForm() {
        assertValid(opaqueSecret().setType("example.com/custom").clearData().build());
    }
}
