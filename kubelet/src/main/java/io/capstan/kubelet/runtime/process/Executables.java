package io.capstan.kubelet.runtime.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds a program the way execvp does: a name with a '/' is a path, any other is looked up on PATH. */
final class Executables {
    private Executables() {}

    /**
     * The executable {@code name} means, with relative paths (and empty PATH entries, which POSIX
     * reads as the current directory) taken from {@code workingDir}.
     */
    static Optional<Path> find(String name, String searchPath, Path workingDir) {
        if (name.isEmpty()) {
            return Optional.empty();
        }
        if (name.indexOf('/') >= 0) {
            return Optional.of(workingDir.resolve(name)).filter(Executables::isExecutableFile);
        }
        for (String entry : searchPath.split(":", -1)) {
            Path directory = entry.isEmpty() ? workingDir : workingDir.resolve(entry);
            Path candidate = directory.resolve(name);
            if (isExecutableFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static boolean isExecutableFile(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }
}
