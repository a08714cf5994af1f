package io.capstan.kubelet.runtime.process;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock that lets one process runtime at a time use a node's containers in a state directory:
 * a file lock on {@code <stateDirectory>/locks/<node>.lock}, held until {@link #release}. The OS
 * drops it when the holding JVM dies, so a crashed kubelet does not keep its successor out.
 */
final class NodeLock {
    private final FileChannel channel;
    private final FileLock lock;

    private NodeLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code node} in {@code state}.
     *
     * @throws IOException when the lock file cannot be made or opened
     * @throws IllegalStateException when another runtime, in this JVM or another, holds it
     */
    static NodeLock take(Path state, String node) throws IOException {
        Path locks = Files.createDirectories(state.resolve("locks"));
        FileChannel channel =
                FileChannel.open(locks.resolve(node + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock taken;
        try {
            taken = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            taken = null;
        }
        if (taken == null) {
            channel.close();
            throw new IllegalStateException(
                    "another process runtime of node " + node + " is using " + state + " (lock " + locks + ")");
        }
        return new NodeLock(channel, taken);
    }

    void release() throws IOException {
        lock.release();
        channel.close();
    }
}
