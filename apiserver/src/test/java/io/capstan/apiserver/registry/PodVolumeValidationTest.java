package io.capstan.apiserver.registry;

import static io.capstan.apiserver.registry.PodSpecChanges.WEB;
import static io.capstan.apiserver.registry.PodSpecChanges.podWith;
import static io.capstan.apiserver.registry.PodSpecChanges.webWith;
import static io.capstan.apiserver.registry.ValidationAssertions.assertRejected;
import static io.capstan.apiserver.registry.ValidationAssertions.assertValid;

import io.capstan.proto.api.v1.ConfigMapVolumeSource;
import io.capstan.proto.api.v1.EmptyDirVolumeSource;
import io.capstan.proto.api.v1.KeyToPath;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.ResourceRequirements;
import io.capstan.proto.api.v1.Volume;
import io.capstan.proto.api.v1.VolumeMount;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Pod validation of resources, volumes and volume mounts. */
class PodVolumeValidationTest {
    private static Pod resources(ResourceRequirements.Builder resources) {
        return webWith(c -> c.setResources(resources));
    }

    @Test
    void quantitiesMustParse() {
        assertRejected(
                resources(ResourceRequirements.newBuilder().putLimits("cpu", "half")),
                WEB + ".resources.limits[cpu]",
                "invalid quantity \"half\"");
        assertRejected(
                resources(ResourceRequirements.newBuilder().putRequests("memory", "1GB")),
                WEB + ".resources.requests[memory]",
                "unknown suffix \"GB\"");
    }

    @Test
    void quantitiesAreNotNegative() {
        assertRejected(
                resources(ResourceRequirements.newBuilder().putRequests("cpu", "-1")),
                WEB + ".resources.requests[cpu]",
                "must be >= 0, got -1");
    }

    @Test
    void resourceNamesAreStandardOrDomainQualified() {
        assertValid(resources(ResourceRequirements.newBuilder()
                .putLimits("ephemeral-storage", "1Gi")
                .putLimits("hugepages-2Mi", "4Mi")
                .putLimits("example.com/gpu", "1")));
        assertRejected(
                resources(ResourceRequirements.newBuilder().putLimits("gpu", "1")),
                WEB + ".resources.limits[gpu]",
                "resource name must be cpu, memory");
    }

    @Test
    void requestsDoNotExceedLimits() {
        assertValid(resources(
                ResourceRequirements.newBuilder().putRequests("cpu", "0.5").putLimits("cpu", "500m")));
        assertRejected(
                resources(ResourceRequirements.newBuilder()
                        .putRequests("cpu", "1")
                        .putLimits("cpu", "500m")),
                WEB + ".resources.requests[cpu]",
                "must be less than or equal to the cpu limit of 500m, got 1");
        assertRejected(
                resources(ResourceRequirements.newBuilder()
                        .putRequests("memory", "1Gi")
                        .putLimits("memory", "1G")),
                WEB + ".resources.requests[memory]",
                "memory limit of 1G");
    }

    private static Pod withVolume(Volume.Builder volume) {
        return podWith(spec -> spec.addVolumes(volume));
    }

    @Test
    void volumesNeedUniqueDns1123LabelNames() {
        EmptyDirVolumeSource emptyDir = EmptyDirVolumeSource.getDefaultInstance();
        assertValid(withVolume(Volume.newBuilder().setName("cache").setEmptyDir(emptyDir)));
        assertRejected(
                withVolume(Volume.newBuilder().setName("config").setEmptyDir(emptyDir)),
                "spec.volumes[3].name",
                "duplicate value \"config\"");
        assertRejected(
                withVolume(Volume.newBuilder().setName("Cache").setEmptyDir(emptyDir)),
                "spec.volumes[3].name",
                "DNS-1123 label");
        assertRejected(withVolume(Volume.newBuilder().setEmptyDir(emptyDir)), "spec.volumes[3].name", "required");
    }

    @Test
    void volumesNeedASource() {
        assertRejected(
                podWith(spec -> spec.addVolumes(Volume.newBuilder().setName("nothing"))),
                "spec.volumes[3]",
                "must specify a volume source");
    }

    @Test
    void configMapAndSecretVolumesNameTheirObject() {
        assertRejected(
                podWith(spec -> spec.setVolumes(
                        0,
                        spec.getVolumes(0).toBuilder()
                                .setConfigMap(spec.getVolumes(0).getConfigMap().toBuilder()
                                        .clearName()))),
                "spec.volumes[0].configMap.name",
                "required");
        assertRejected(
                podWith(spec -> spec.setVolumes(
                        1,
                        spec.getVolumes(1).toBuilder()
                                .setSecret(spec.getVolumes(1).getSecret().toBuilder()
                                        .clearSecretName()))),
                "spec.volumes[1].secret.secretName",
                "required");
    }

    private static Pod configMapVolume(UnaryOperator<ConfigMapVolumeSource.Builder> change) {
        return podWith(spec -> spec.setVolumes(
                0,
                spec.getVolumes(0).toBuilder()
                        .setConfigMap(change.apply(spec.getVolumes(0).getConfigMap().toBuilder()))));
    }

    @Test
    void fileModesAreBetween0And0777() {
        assertValid(configMapVolume(source -> source.setDefaultMode(0777)));
        assertRejected(
                configMapVolume(source -> source.setDefaultMode(01000)),
                "spec.volumes[0].configMap.defaultMode",
                "between 0 and 0777");
        assertRejected(
                configMapVolume(source ->
                        source.setItems(0, source.getItems(0).toBuilder().setMode(-1))),
                "spec.volumes[0].configMap.items[0].mode",
                "between 0 and 0777");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/app.conf", "../app.conf", "conf/../../app.conf"})
    void itemPathsAreRelativeWithoutDotDot(String path) {
        assertRejected(
                configMapVolume(source ->
                        source.setItems(0, KeyToPath.newBuilder().setKey("k").setPath(path))),
                "spec.volumes[0].configMap.items[0].path",
                "relative path");
    }

    @Test
    void itemsNeedAKeyAndAPath() {
        assertRejected(
                configMapVolume(
                        source -> source.setItems(0, KeyToPath.newBuilder().setPath("p"))),
                "spec.volumes[0].configMap.items[0].key",
                "required");
        assertRejected(
                configMapVolume(
                        source -> source.setItems(0, KeyToPath.newBuilder().setKey("k"))),
                "spec.volumes[0].configMap.items[0].path",
                "required");
    }

    @Test
    void emptyDirSizeLimitIsANonNegativeQuantity() {
        assertRejected(
                podWith(spec -> spec.setVolumes(
                        2,
                        spec.getVolumes(2).toBuilder()
                                .setEmptyDir(EmptyDirVolumeSource.newBuilder().setSizeLimit("lots")))),
                "spec.volumes[2].emptyDir.sizeLimit",
                "invalid quantity");
        assertRejected(
                podWith(spec -> spec.setVolumes(
                        2,
                        spec.getVolumes(2).toBuilder()
                                .setEmptyDir(EmptyDirVolumeSource.newBuilder().setSizeLimit("-1Gi")))),
                "spec.volumes[2].emptyDir.sizeLimit",
                "must be >= 0");
    }

    @Test
    void volumeMountsNameAVolumeOfThePod() {
        assertRejected(
                webWith(c ->
                        c.setVolumeMounts(0, c.getVolumeMounts(0).toBuilder().setName("missing"))),
                WEB + ".volumeMounts[0].name",
                "no volume named \"missing\"");
        assertRejected(
                webWith(c ->
                        c.setVolumeMounts(0, c.getVolumeMounts(0).toBuilder().clearName())),
                WEB + ".volumeMounts[0].name",
                "required");
    }

    @Test
    void mountPathsAreAbsoluteUniqueAndWithoutColons() {
        assertRejected(
                webWith(c ->
                        c.setVolumeMounts(0, c.getVolumeMounts(0).toBuilder().setMountPath("etc/web"))),
                WEB + ".volumeMounts[0].mountPath",
                "absolute path");
        assertRejected(
                webWith(c ->
                        c.setVolumeMounts(0, c.getVolumeMounts(0).toBuilder().setMountPath("/etc:web"))),
                WEB + ".volumeMounts[0].mountPath",
                "without ':'");
        assertRejected(
                webWith(c -> c.addVolumeMounts(
                        VolumeMount.newBuilder().setName("tls").setMountPath("/tmp"))),
                WEB + ".volumeMounts[3].mountPath",
                "duplicate value \"/tmp\"");
        assertRejected(
                webWith(c ->
                        c.setVolumeMounts(0, c.getVolumeMounts(0).toBuilder().clearMountPath())),
                WEB + ".volumeMounts[0].mountPath",
                "required");
    }

    @Test
    void subPathsAreRelative() {
        assertRejected(
                webWith(c ->
                        c.setVolumeMounts(1, c.getVolumeMounts(1).toBuilder().setSubPath("../etc"))),
                WEB + ".volumeMounts[1].subPath",
                "relative path");
    }
}
