package io.capstan.cli;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.capstan.api.manifest.ManifestException;
import io.capstan.api.manifest.ManifestKind;
import io.capstan.api.manifest.Manifests;
import io.capstan.client.Kind;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.TypedObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Reads the objects that {@code -f} names: a file, every {@code .yaml}, {@code .yml} and {@code
 * .json} file of a directory (in name order, not recursive), or {@code -} for standard input. Each
 * may hold several YAML documents. Every file is read before anything is sent, so a bad manifest
 * changes nothing.
 */
final class ManifestFiles {
    private ManifestFiles() {}

    /**
     * The objects of every source, in order, each namespaced kind placed in {@code namespace}
     * unless its manifest names one.
     *
     * @param explicitNamespace true if {@code -n} was given: a manifest naming another namespace
     *     is then an error, as in kubectl
     * @throws CommandException naming the file, field path and line of the first problem
     */
    static List<TypedObject> read(
            List<String> sources, InputStream stdin, String namespace, boolean explicitNamespace) {
        if (sources.isEmpty()) {
            throw new CommandException("must specify one of -f");
        }
        List<TypedObject> objects = new ArrayList<>();
        for (String source : sources) {
            for (Path file : files(source)) {
                String name = file.toString().equals("-") ? "STDIN" : file.toString();
                String text = readText(file, stdin);
                try {
                    for (TypedObject object : Manifests.readYaml(text)) {
                        objects.add(inNamespace(object, namespace, explicitNamespace, name));
                    }
                } catch (ManifestException e) {
                    throw new CommandException(name + ": " + e.getMessage(), e);
                }
            }
        }
        if (objects.isEmpty()) {
            throw new CommandException("no objects passed to the command");
        }
        return objects;
    }

    private static List<Path> files(String source) {
        Path path = Path.of(source);
        if (source.equals("-")) {
            return List.of(path);
        }
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        try (Stream<Path> entries = Files.list(path)) {
            return entries.filter(p -> {
                        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
                        return Files.isRegularFile(p)
                                && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"));
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new CommandException("cannot list the directory " + source + ": " + e.getMessage(), e);
        }
    }

    private static String readText(Path file, InputStream stdin) {
        try {
            if (file.toString().equals("-")) {
                return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!Files.exists(file)) {
                throw new CommandException("the path \"" + file + "\" does not exist");
            }
            return Files.readString(file);
        } catch (IOException e) {
            throw new CommandException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static TypedObject inNamespace(
            TypedObject object, String namespace, boolean explicitNamespace, String source) {
        Kind<?> kind = Kind.of(object);
        if (!kind.isNamespaced()) {
            return object;
        }
        ObjectMeta meta = Kind.metadataOf(object);
        if (meta.getNamespace().isEmpty()) {
            return withNamespace(object, namespace);
        }
        if (explicitNamespace && !meta.getNamespace().equals(namespace)) {
            throw new CommandException(source + ": the namespace from the provided object \"" + meta.getNamespace()
                    + "\" does not match the namespace \"" + namespace + "\"; pass --namespace="
                    + meta.getNamespace() + " or leave it out");
        }
        return object;
    }

    static TypedObject withNamespace(TypedObject object, String namespace) {
        Message inner = ManifestKind.unwrap(object);
        @Nullable FieldDescriptor metadata = inner.getDescriptorForType().findFieldByName("metadata");
        if (metadata == null) {
            throw new IllegalStateException(inner.getDescriptorForType().getFullName() + " has no metadata");
        }
        ObjectMeta meta =
                Kind.metadataOf(object).toBuilder().setNamespace(namespace).build();
        return ManifestKind.wrap(inner.toBuilder().setField(metadata, meta).build());
    }
}
