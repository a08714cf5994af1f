package io.capstan.kubelet.runtime.process;

import io.capstan.kubelet.runtime.ContainerConfig;
import io.capstan.kubelet.runtime.ContainerException;
import io.capstan.kubelet.runtime.ContainerLabels;
import io.capstan.kubelet.runtime.PortEnvironment;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
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

    /** The spec's file in the container's directory. */
    static final String FILE = "container.properties";

    ContainerSpec {
        args = List.copyOf(args);
        env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }

    /**
     * Resolves what {@code config} runs, as the container {@code id}:
     *
     * <ul>
     *   <li><b>Program</b>: {@code command + args}, or the image name as the program with {@code
     *       args} when the command is empty. A name without '/' is looked up on the container's PATH,
     *       a relative path from its working directory.
     *   <li><b>Environment</b>, and nothing of the kubelet's beyond PATH: {@code PATH} ({@code
     *       kubeletPath}), {@code HOME=<pod root>}, then the config's env (which may replace both),
     *       then {@link PortEnvironment}'s {@code PORT}, {@code PORT_<containerPort>}, {@code
     *       PORT_<NAME>} (these win over the config: they are what the endpoints point at), then
     *       {@value ProcessRuntime#POD_ROOT_ENV}{@code =<pod root>}. LANG and the rest are not
     *       passed: a container runs in the POSIX locale unless its env says otherwise, as in most
     *       images.
     *   <li><b>Filesystem</b>: the pod root and working directory that {@link PodRoot#prepare}
     *       makes, with the config's mounts linked in.
     * </ul>
     *
     * <p>{@code createdAt} is read from {@code clock} once all of that has succeeded.
     *
     * @throws ContainerException (CreateContainerError) for an env entry that cannot be passed, a
     *     mount or working directory PodRoot refuses, or when there is no such executable
     */
    static ContainerSpec resolve(String id, ContainerConfig config, String kubeletPath, InstantSource clock)
            throws ContainerException {
        for (Map.Entry<String, String> entry : config.env().entrySet()) {
            String name = entry.getKey();
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                throw new ContainerException("CreateContainerError", "env[" + name + "]: not a valid variable name");
            }
            if (entry.getValue().indexOf('\0') >= 0) {
                throw new ContainerException("CreateContainerError", "env[" + name + "]: value contains NUL");
            }
        }
        Path root = PodRoot.of(config);
        Path workingDirectory = PodRoot.prepare(config);
        Map<String, String> env = environment(config, root, kubeletPath);
        boolean fromImage = config.command().isEmpty();
        String program = fromImage ? config.image() : config.command().get(0);
        List<String> args = new ArrayList<>();
        if (!fromImage) {
            args.addAll(config.command().subList(1, config.command().size()));
        }
        args.addAll(config.args());
        String searchPath = env.getOrDefault("PATH", "");
        Path executable = Executables.find(program, searchPath, workingDirectory)
                .orElseThrow(() -> new ContainerException(
                        "CreateContainerError", notFound(fromImage ? "image" : "command[0]", program, searchPath)));
        return new ContainerSpec(
                id,
                config.labels(),
                config.image(),
                executable.toAbsolutePath(),
                args,
                env,
                workingDirectory,
                root,
                clock.instant());
    }

    private static Map<String, String> environment(ContainerConfig config, Path root, String kubeletPath) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", kubeletPath);
        env.put("HOME", root.toString());
        env.putAll(config.env());
        env.putAll(PortEnvironment.of(config.ports()));
        env.put(ProcessRuntime.POD_ROOT_ENV, root.toString());
        return env;
    }

    private static String notFound(String field, String program, String searchPath) {
        if (program.isEmpty()) {
            return field + ": empty, nothing to run";
        }
        if (program.indexOf('/') >= 0) {
            return field + " " + program + ": executable not found (no such executable file)";
        }
        String hint = field.equals("image")
                ? " (the process runtime runs the image name as the program when the command is empty)"
                : "";
        return field + " " + program + ": executable not found on PATH " + searchPath + hint;
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
