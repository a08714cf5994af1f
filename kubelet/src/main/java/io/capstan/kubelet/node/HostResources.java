package io.capstan.kubelet.node;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/** What the host offers and how much of it is free, for capacity and the pressure conditions. */
public final class HostResources {
    /** Kubernetes' default eviction threshold memory.available < 100Mi. */
    static final long MEMORY_PRESSURE_BYTES = 100L << 20;
    /** Kubernetes' default eviction threshold nodefs.available < 10%. */
    static final double DISK_PRESSURE_FRACTION = 0.10;

    private HostResources() {}

    /** cpu (cores), memory (bytes as Ki) and pods (110, Kubernetes' default), as a Node reports. */
    public static Map<String, String> capacity() {
        Map<String, String> capacity = new LinkedHashMap<>();
        capacity.put("cpu", Integer.toString(Runtime.getRuntime().availableProcessors()));
        long memory = totalMemory();
        capacity.put("memory", (memory >> 10) + "Ki");
        capacity.put("pods", "110");
        return capacity;
    }

    static long totalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory();
    }

    /** MemAvailable from /proc/meminfo, or empty where there is none. */
    static OptionalLong availableMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    String[] parts = line.trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[1]) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return OptionalLong.empty();
    }

    /** The fraction of {@code dir}'s file system that is free, or 1 when it cannot be read. */
    static double freeDiskFraction(Path dir) {
        try {
            var store = Files.getFileStore(Files.exists(dir) ? dir : Path.of("/"));
            return store.getTotalSpace() == 0 ? 1 : (double) store.getUsableSpace() / store.getTotalSpace();
        } catch (IOException e) {
            return 1;
        }
    }
}
