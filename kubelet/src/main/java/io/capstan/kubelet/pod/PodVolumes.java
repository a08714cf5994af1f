package io.capstan.kubelet.pod;

import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.KeyToPath;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.Secret;
import io.capstan.proto.api.v1.Volume;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A pod's volumes on the node, under {@code <podDir>/volumes/<name>}: emptyDir as an empty
 * directory; configMap and secret as one file per key, projected the way Kubernetes' atomic writer
 * does so a reader never sees a half-updated set: the files live in a fresh hidden directory,
 * {@code ..data} is a symlink to it, swapped by a rename, and each key is a symlink through {@code
 * ..data}. {@link #prepare} is idempotent and rewrites a projection only when its content changed,
 * so it doubles as the refresh when a ConfigMap or Secret changes.
 */
final class PodVolumes {
    private static final String DATA = "..data";
    private static final int DEFAULT_MODE = 0644;

    private PodVolumes() {}

    /** Makes every volume of {@code pod} exist and be current; returns each volume's directory. */
    static Map<String, Path> prepare(Pod pod, Path podDir, ConfigSource config) throws ConfigException, IOException {
        Map<String, Path> dirs = new LinkedHashMap<>();
        String namespace = pod.getMetadata().getNamespace();
        for (Volume volume : pod.getSpec().getVolumesList()) {
            Path dir = podDir.resolve("volumes").resolve(volume.getName());
            Files.createDirectories(dir);
            switch (volume.getSourceCase()) {
                case CONFIG_MAP -> {
                    var source = volume.getConfigMap();
                    Optional<ConfigMap> map = config.configMap(namespace, source.getName());
                    if (map.isEmpty() && !source.getOptional()) {
                        throw new ConfigException("configmap \"" + source.getName() + "\" not found");
                    }
                    Map<String, String> data =
                            map.map(Environment::configMapData).orElse(Map.of());
                    project(
                            dir,
                            select(data, source.getItemsList(), source.getName(), "ConfigMap", source.getOptional()),
                            source.hasDefaultMode() ? source.getDefaultMode() : DEFAULT_MODE,
                            source.getItemsList());
                }
                case SECRET -> {
                    var source = volume.getSecret();
                    Optional<Secret> secret = config.secret(namespace, source.getSecretName());
                    if (secret.isEmpty() && !source.getOptional()) {
                        throw new ConfigException("secret \"" + source.getSecretName() + "\" not found");
                    }
                    Map<String, String> data =
                            secret.map(Environment::secretData).orElse(Map.of());
                    project(
                            dir,
                            select(data, source.getItemsList(), source.getSecretName(), "Secret", source.getOptional()),
                            source.hasDefaultMode() ? source.getDefaultMode() : DEFAULT_MODE,
                            source.getItemsList());
                }
                default -> {
                    // emptyDir (and a volume without a source, defaulted to emptyDir): the directory itself
                }
            }
            dirs.put(volume.getName(), dir);
        }
        return dirs;
    }

    /** Path within the volume → content, from all keys or the listed items. */
    private static Map<String, String> select(
            Map<String, String> data, List<KeyToPath> items, String source, String kind, boolean optional)
            throws ConfigException {
        if (items.isEmpty()) {
            return data;
        }
        Map<String, String> files = new LinkedHashMap<>();
        for (KeyToPath item : items) {
            String value = data.get(item.getKey());
            if (value == null) {
                if (optional) {
                    continue;
                }
                throw new ConfigException("configmap references non-existent config key: " + item.getKey() + " (" + kind
                        + " " + source + ")");
            }
            files.put(item.getPath(), value);
        }
        return files;
    }

    private static void project(Path dir, Map<String, String> files, int defaultMode, List<KeyToPath> items)
            throws IOException {
        Path data = dir.resolve(DATA);
        if (Files.exists(data) && current(data, files)) {
            return;
        }
        Path fresh = Files.createTempDirectory(dir, "..");
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path target = fresh.resolve(file.getKey()).normalize();
            if (!target.startsWith(fresh)) {
                throw new IOException("volume path escapes the volume: " + file.getKey());
            }
            Files.createDirectories(Objects.requireNonNull(target.getParent()));
            Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
            int mode = items.stream()
                    .filter(i -> i.getPath().equals(file.getKey()) && i.hasMode())
                    .map(KeyToPath::getMode)
                    .findFirst()
                    .orElse(defaultMode);
            Files.setPosixFilePermissions(target, permissions(mode));
        }
        Files.setPosixFilePermissions(fresh, permissions(0755));
        Path old = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
        Path link = dir.resolve("..data_tmp");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, fresh.getFileName());
        Files.move(link, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        for (String top : topLevelNames(files)) {
            Path entry = dir.resolve(top);
            if (!Files.exists(entry, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.createSymbolicLink(entry, Path.of(DATA, top));
                } catch (FileAlreadyExistsException raced) {
                    // another refresh made it
                }
            }
        }
        removeStale(dir, files);
        if (old != null && !old.equals(fresh)) {
            deleteTree(old);
        }
    }

    private static boolean current(Path data, Map<String, String> files) throws IOException {
        Path real = data.toRealPath();
        try (Stream<Path> walk = Files.walk(real)) {
            long count = walk.filter(Files::isRegularFile).count();
            if (count != files.size()) {
                return false;
            }
        }
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = real.resolve(file.getKey());
            if (!Files.isRegularFile(path) || !Files.readString(path).equals(file.getValue())) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> topLevelNames(Map<String, String> files) {
        Set<String> names = new java.util.TreeSet<>();
        for (String path : files.keySet()) {
            names.add(Path.of(path).getName(0).toString());
        }
        return names;
    }

    private static void removeStale(Path dir, Map<String, String> files) throws IOException {
        Set<String> wanted = topLevelNames(files);
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.startsWith("..") && !wanted.contains(name) && Files.isSymbolicLink(entry)) {
                    Files.delete(entry);
                }
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder bits = new StringBuilder();
        String letters = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            bits.append((mode & (1 << (8 - i))) != 0 ? letters.charAt(i) : '-');
        }
        return PosixFilePermissions.fromString(bits.toString());
    }
}
