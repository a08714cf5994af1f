package io.capstan.kubelet.runtime.process;

import io.capstan.kubelet.runtime.ContainerLabels;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A container as {@code create} resolved it, kept in {@code container.properties} so that a
 * restarted runtime knows it again: indexed keys keep the order of args and env.
 *
 * @param executable the absolute path of the program, found at create time
 * @param args its arguments (argv[1..])
 * @param env its whole environment
 * @param workingDirectory a directory under {@code root}
 * @param root the pod's shared root, {@code <podDirectory>/root}
 */
record ContainerSpec(
        String id,
        ContainerLabels labels,
        String image,
        Path executable,
        List<String> args,
        Map<String, String> env,
        Path workingDirectory,
        Path root,
        Instant createdAt) {

    ContainerSpec {
        args = List.copyOf(args);
        env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }

    List<String> argv() {
        List<String> argv = new ArrayList<>();
        argv.add(executable.toString());
        argv.addAll(args);
        return argv;
    }

    void write(Path file) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("id", id);
        labels.toMap().forEach((key, value) -> properties.setProperty("label." + key, value));
        properties.setProperty("image", image);
        properties.setProperty("executable", executable.toString());
        properties.setProperty("args", Integer.toString(args.size()));
        for (int i = 0; i < args.size(); i++) {
            properties.setProperty("args." + i, args.get(i));
        }
        properties.setProperty("env", Integer.toString(env.size()));
        int i = 0;
        for (Map.Entry<String, String> entry : env.entrySet()) {
            properties.setProperty("env." + i + ".name", entry.getKey());
            properties.setProperty("env." + i + ".value", entry.getValue());
            i++;
        }
        properties.setProperty("workingDirectory", workingDirectory.toString());
        properties.setProperty("root", root.toString());
        properties.setProperty("createdAt", createdAt.toString());
        StateFiles.writeProperties(file, properties);
    }

    /**
     * Reads a spec written by {@link #write}.
     *
     * @throws IOException when the file cannot be read or is not a complete spec
     */
    static ContainerSpec read(Path file) throws IOException {
        Properties properties = StateFiles.readProperties(file);
        Map<String, String> labelMap = new HashMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("label.")) {
                labelMap.put(key.substring("label.".length()), properties.getProperty(key));
            }
        }
        ContainerLabels labels = ContainerLabels.fromMap(labelMap);
        if (labels == null) {
            throw new IOException(file + ": incomplete labels " + labelMap);
        }
        try {
            List<String> args = new ArrayList<>();
            int argCount = Integer.parseInt(required(properties, "args", file));
            for (int i = 0; i < argCount; i++) {
                args.add(required(properties, "args." + i, file));
            }
            Map<String, String> env = new LinkedHashMap<>();
            int envCount = Integer.parseInt(required(properties, "env", file));
            for (int i = 0; i < envCount; i++) {
                env.put(
                        required(properties, "env." + i + ".name", file),
                        required(properties, "env." + i + ".value", file));
            }
            return new ContainerSpec(
                    required(properties, "id", file),
                    labels,
                    required(properties, "image", file),
                    Path.of(required(properties, "executable", file)),
                    args,
                    env,
                    Path.of(required(properties, "workingDirectory", file)),
                    Path.of(required(properties, "root", file)),
                    Instant.parse(required(properties, "createdAt", file)));
        } catch (RuntimeException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static String required(Properties properties, String key, Path file) throws IOException {
        String value = properties.getProperty(key);
        if (value == null) {
            throw new IOException(file + ": missing " + key);
        }
        return value;
    }
}
