package io.capstan.kubelet.runtime.process;

import io.capstan.kubelet.runtime.ContainerConfig;
import io.capstan.kubelet.runtime.ContainerException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The directory tree a pod's processes share, {@code <podDirectory>/root}: it stands for the
 * container filesystem root. Each volume appears at its mount path as a symbolic link to the
 * volume's directory ({@code root/etc/config -> /var/lib/capstan/pods/<uid>/volumes/config}), and
 * a container's working directory {@code /app} is {@code root/app}.
 */
final class PodRoot {
    static final String DIRECTORY = "root";

    private PodRoot() {}

    static Path of(ContainerConfig config) {
        return config.podDirectory().toAbsolutePath().normalize().resolve(DIRECTORY);
    }

    /**
     * Creates the root, the links of the config's mounts and its working directory, and returns
     * the working directory. Links another container of the pod made already are kept when they
     * point at the same volume.
     *
     * @throws ContainerException (CreateContainerError) for a mount path or working directory
     *     outside the root, or a mount path already taken by something else
     */
    static Path prepare(ContainerConfig config) throws ContainerException {
        Path root = of(config);
        try {
            Files.createDirectories(root);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < config.mounts().size(); i++) {
                order.add(i);
            }
            // parents before children, so /data/cache lands inside the volume linked at /data
            order.sort(Comparator.comparingInt(
                    i -> config.mounts().get(i).containerPath().length()));
            for (int i : order) {
                link(root, config.mounts().get(i), "mounts[" + i + "].containerPath");
            }
            Path workingDir = config.workingDir().isEmpty() ? root : inside(root, config.workingDir(), "workingDir");
            Files.createDirectories(workingDir);
            return workingDir;
        } catch (IOException e) {
            throw new ContainerException(
                    "CreateContainerError", "cannot prepare the pod's directory " + root + ": " + e.getMessage(), e);
        }
    }

    private static void link(Path root, ContainerConfig.Mount mount, String field)
            throws ContainerException, IOException {
        Path link = inside(root, mount.containerPath(), field);
        if (link.equals(root)) {
            throw new ContainerException(
                    "CreateContainerError", field + ": cannot mount a volume at / in the process runtime");
        }
        Path target = mount.hostPath().toAbsolutePath().normalize();
        Files.createDirectories(link.getParent());
        try {
            Files.createSymbolicLink(link, target);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isSymbolicLink(link) || !Files.readSymbolicLink(link).equals(target)) {
                throw new ContainerException(
                        "CreateContainerError",
                        field + ": " + mount.containerPath() + " is already taken in the pod's root by "
                                + (Files.isSymbolicLink(link)
                                        ? "a link to " + Files.readSymbolicLink(link)
                                        : Files.isDirectory(link, LinkOption.NOFOLLOW_LINKS)
                                                ? "a directory"
                                                : "a file"),
                        e);
            }
        }
    }

    /** {@code containerPath} ("/etc/config") as a path under {@code root}; never outside it. */
    static Path inside(Path root, String containerPath, String field) throws ContainerException {
        if (containerPath.indexOf('\0') >= 0) {
            throw new ContainerException("CreateContainerError", field + ": must not contain NUL");
        }
        Path relative = Path.of(containerPath.startsWith("/") ? containerPath.substring(1) : containerPath);
        Path resolved = root.resolve(relative).normalize();
        if (!resolved.startsWith(root)) {
            throw new ContainerException(
                    "CreateContainerError", field + ": " + containerPath + " leaves the pod's root");
        }
        return resolved;
    }
}
