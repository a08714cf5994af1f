package io.capstan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's 1-minute load average, recorded with each result because the runs share the cores. */
final class LoadAverage {
    private static final Path PROC_LOADAVG = Path.of("/proc/loadavg");

    private LoadAverage() {}

    /** The first field of /proc/loadavg; NaN (printed as null) where there is none. */
    static double oneMinute() {
        try {
            String text = Files.readString(PROC_LOADAVG).trim();
            int space = text.indexOf(' ');
            return Double.parseDouble(space < 0 ? text : text.substring(0, space));
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
    }
}
