package io.capstan.kubelet.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.kubelet.KubeletHarness;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodVolumesTest {
    private final Map<String, ConfigMap> maps = new ConcurrentHashMap<>();
    private final ConfigSource config = new ConfigSource() {
        @Override
        public Optional<ConfigMap> configMap(String namespace, String name) {
            return Optional.ofNullable(maps.get(name));
        }

        @Override
        public Optional<Secret> secret(String namespace, String name) {
            return Optional.empty();
        }
    };

    private static final Pod POD = KubeletHarness.pod("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: default}
            spec:
              containers: [{name: web, image: demo}]
              volumes:
              - name: scratch
                emptyDir: {}
              - name: settings
                configMap: {name: settings}
              - name: picked
                configMap:
                  name: settings
                  items: [{key: a, path: nested/a.txt, mode: 0600}]
            """);

    private void settings(String a, String b) {
        maps.put(
                "settings",
                ConfigMap.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName("settings"))
                        .putData("a", a)
                        .putData("b", b)
                        .build());
    }

    @Test
    void projectsKeysAsFilesAndSwapsThemAtomicallyWhenTheSourceChanges(@TempDir Path podDir) throws Exception {
        settings("one", "two");
        Map<String, Path> dirs = PodVolumes.prepare(POD, podDir, config);
        assertThat(dirs.get("scratch")).isEmptyDirectory();
        Path settings = dirs.get("settings");
        assertThat(Files.readString(settings.resolve("a"))).isEqualTo("one");
        assertThat(Files.readString(settings.resolve("b"))).isEqualTo("two");
        assertThat(Files.isSymbolicLink(settings.resolve("a"))).isTrue();
        Path picked = dirs.get("picked");
        assertThat(Files.readString(picked.resolve("nested/a.txt"))).isEqualTo("one");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(picked.resolve("nested/a.txt"))))
                .isEqualTo("rw-------");
        assertThat(picked.resolve("b")).doesNotExist();
        Path before = settings.resolve("..data").toRealPath();

        PodVolumes.prepare(POD, podDir, config);
        assertThat(settings.resolve("..data").toRealPath())
                .as("unchanged content is not rewritten")
                .isEqualTo(before);

        settings("uno", "two");
        PodVolumes.prepare(POD, podDir, config);
        assertThat(Files.readString(settings.resolve("a"))).isEqualTo("uno");
        assertThat(before).as("the old projection is removed").doesNotExist();
        try (var entries = Files.list(settings)) {
            assertThat(entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("..")))
                    .hasSize(2); // ..data and the one directory it points at
        }
    }

    @Test
    void aMissingConfigMapIsAConfigErrorAndAKeyRemovedLaterDisappears(@TempDir Path podDir) throws Exception {
        assertThatThrownBy(() -> PodVolumes.prepare(POD, podDir, config))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configmap \"settings\" not found");
        settings("one", "two");
        PodVolumes.prepare(POD, podDir, config);
        maps.put(
                "settings",
                ConfigMap.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName("settings"))
                        .putData("a", "one")
                        .build());
        PodVolumes.prepare(POD, podDir, config);
        assertThat(podDir.resolve("volumes/settings/b")).doesNotExist();
        assertThat(podDir.resolve("volumes/settings/a")).hasContent("one");
    }
}
