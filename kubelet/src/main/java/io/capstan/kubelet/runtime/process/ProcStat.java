package io.capstan.kubelet.runtime.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The fields of {@code /proc/<pid>/stat} this runtime needs: state, process group and start time.
 * The start time (clock ticks since boot) is what tells our process from a later one that reused
 * its pid.
 */
record ProcStat(long pid, char state, long pgrp, long startTicks) {
    private static final Path PROC = Path.of("/proc");

    /** The process now running as {@code pid}, or empty when there is none. */
    static Optional<ProcStat> read(long pid) {
        try {
            byte[] bytes = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("stat"));
            return Optional.ofNullable(parse(new String(bytes, StandardCharsets.ISO_8859_1)));
        } catch (IOException e) {
            return Optional.empty(); // gone, or never existed
        }
    }

    /**
     * Parses one stat line, or returns null when it is not one. The command name (field 2) is in
     * parentheses and may itself hold spaces and parentheses, so fields are counted from the last
     * ')'.
     */
    static @org.jspecify.annotations.Nullable ProcStat parse(String line) {
        int open = line.indexOf(" (");
        int close = line.lastIndexOf(')');
        if (open <= 0 || close < open || close + 2 > line.length()) {
            return null;
        }
        String[] fields = line.substring(close + 2).trim().split(" ", -1);
        // fields[0] is field 3 (state), fields[2] field 5 (pgrp), fields[19] field 22 (starttime)
        if (fields.length < 20 || fields[0].isEmpty()) {
            return null;
        }
        try {
            return new ProcStat(
                    Long.parseLong(line.substring(0, open)),
                    fields[0].charAt(0),
                    Long.parseLong(fields[2]),
                    Long.parseLong(fields[19]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Whether it has exited: a zombie waits only for its parent (or never, under a careless init). */
    boolean isDead() {
        return state == 'Z' || state == 'X' || state == 'x';
    }

    /**
     * Whether {@code pid} is alive and still the process that started at {@code startTicks} (0 when
     * unknown: then any live process with that pid counts).
     */
    static boolean isAlive(long pid, long startTicks) {
        return read(pid)
                .filter(s -> !s.isDead() && (startTicks == 0 || s.startTicks() == startTicks))
                .isPresent();
    }

    /** The start time of the process now running as {@code pid}, or 0 when there is none. */
    static long startTicksOf(long pid) {
        return read(pid).map(ProcStat::startTicks).orElse(0L);
    }

    /** The live (not zombie) members of process group {@code pgid}. */
    static List<ProcStat> groupMembers(long pgid) {
        List<ProcStat> members = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(name);
                } catch (NumberFormatException e) {
                    continue;
                }
                read(pid).filter(s -> s.pgrp() == pgid && !s.isDead()).ifPresent(members::add);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list /proc", e);
        }
        return members;
    }
}
