package io.capstan.apiserver.registry;

import com.google.protobuf.ByteString;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.Secret;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Kubernetes' ValidateConfigMap and ValidateSecret, with their update rules. */
final class ConfigValidation {
    /** Kubernetes' MaxSecretSize, which bounds ConfigMaps too: the values together. */
    static final int MAX_DATA_BYTES = 1024 * 1024;

    static final String SECRET_TYPE_OPAQUE = "Opaque";

    /** The keys each well-known Secret type must have, as Kubernetes checks them. */
    private static final Map<String, List<String>> REQUIRED_SECRET_KEYS = Map.of(
            "kubernetes.io/tls", List.of("tls.crt", "tls.key"),
            "kubernetes.io/dockerconfigjson", List.of(".dockerconfigjson"),
            "kubernetes.io/dockercfg", List.of(".dockercfg"),
            "kubernetes.io/ssh-auth", List.of("ssh-privatekey"));

    private static final String BASIC_AUTH = "kubernetes.io/basic-auth";
    private static final String SERVICE_ACCOUNT_TOKEN = "kubernetes.io/service-account-token";
    private static final String SERVICE_ACCOUNT_NAME = "kubernetes.io/service-account.name";

    private static final FieldPath DATA = FieldPath.of("data");

    private ConfigValidation() {}

    static void configMap(ConfigMap configMap, ErrorList errors) {
        long totalBytes = 0;
        for (Map.Entry<String, String> entry : new TreeMap<>(configMap.getDataMap()).entrySet()) {
            key(entry.getKey(), DATA.key(entry.getKey()), errors);
            totalBytes += entry.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        FieldPath binaryData = FieldPath.of("binaryData");
        for (Map.Entry<String, ByteString> entry : new TreeMap<>(configMap.getBinaryDataMap()).entrySet()) {
            FieldPath at = binaryData.key(entry.getKey());
            key(entry.getKey(), at, errors);
            if (configMap.containsData(entry.getKey())) {
                errors.add(at, "duplicate of a key in data");
            }
            totalBytes += entry.getValue().size();
        }
        size(totalBytes, errors);
    }

    static void secret(Secret secret, ErrorList errors) {
        long totalBytes = 0;
        for (Map.Entry<String, ByteString> entry : new TreeMap<>(secret.getDataMap()).entrySet()) {
            key(entry.getKey(), DATA.key(entry.getKey()), errors);
            totalBytes += entry.getValue().size();
        }
        // stringData is folded into data by defaulting; checked here too for an object not yet defaulted
        FieldPath stringData = FieldPath.of("stringData");
        for (Map.Entry<String, String> entry : new TreeMap<>(secret.getStringDataMap()).entrySet()) {
            key(entry.getKey(), stringData.key(entry.getKey()), errors);
            totalBytes += entry.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        size(totalBytes, errors);

        String type = secret.getType();
        if (type.isEmpty()) {
            errors.required(FieldPath.of("type"));
        }
        Set<String> keys = new TreeSet<>(secret.getDataMap().keySet());
        keys.addAll(secret.getStringDataMap().keySet());
        for (String key : REQUIRED_SECRET_KEYS.getOrDefault(type, List.of())) {
            if (!keys.contains(key)) {
                errors.add(DATA.key(key), "required for type " + type);
            }
        }
        if (type.equals(BASIC_AUTH) && !keys.contains("username") && !keys.contains("password")) {
            errors.add(DATA.key("username"), "required for type " + type + " (or data[password])");
        }
        if (type.equals(SERVICE_ACCOUNT_TOKEN)
                && secret.getMetadata()
                        .getAnnotationsOrDefault(SERVICE_ACCOUNT_NAME, "")
                        .isEmpty()) {
            errors.add(
                    FieldPath.of("metadata").child("annotations").key(SERVICE_ACCOUNT_NAME),
                    "required for type " + type);
        }
    }

    /** Once {@code immutable} is true, the data can no longer change and the flag cannot be unset. */
    static void configMapUpdate(ConfigMap updated, ConfigMap old, ErrorList errors) {
        if (old.getImmutable()) {
            frozen(updated.getImmutable(), errors);
            if (!updated.getDataMap().equals(old.getDataMap())) {
                errors.add(DATA, "field is immutable when immutable is true");
            }
            if (!updated.getBinaryDataMap().equals(old.getBinaryDataMap())) {
                errors.add(FieldPath.of("binaryData"), "field is immutable when immutable is true");
            }
        }
    }

    /** A Secret's type never changes; its data follows the ConfigMap rule for {@code immutable}. */
    static void secretUpdate(Secret updated, Secret old, ErrorList errors) {
        if (!updated.getType().equals(old.getType())) {
            errors.immutable(FieldPath.of("type"));
        }
        if (old.getImmutable()) {
            frozen(updated.getImmutable(), errors);
            if (!updated.getDataMap().equals(old.getDataMap()) || updated.getStringDataCount() > 0) {
                errors.add(DATA, "field is immutable when immutable is true");
            }
        }
    }

    private static void frozen(boolean stillImmutable, ErrorList errors) {
        if (!stillImmutable) {
            errors.add(FieldPath.of("immutable"), "field is immutable once true");
        }
    }

    private static void key(String key, FieldPath path, ErrorList errors) {
        errors.add(path, Names.configKey(key).map(problem -> "key " + problem));
    }

    private static void size(long totalBytes, ErrorList errors) {
        if (totalBytes > MAX_DATA_BYTES) {
            errors.add(DATA, "must have at most " + MAX_DATA_BYTES + " bytes in total, got " + totalBytes);
        }
    }
}
