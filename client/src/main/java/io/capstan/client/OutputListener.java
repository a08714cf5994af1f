package io.capstan.client;

/**
 * Receives a container's log or an exec'd command's output. Calls come from gRPC's threads, one at
 * a time and in order. A listener that takes its time slows the stream down all the way to the
 * container (flow control), which is what a terminal printing the output wants; nothing is dropped.
 */
@FunctionalInterface
public interface OutputListener {
    enum Stream {
        STDOUT,
        STDERR
    }

    /**
     * Bytes written to {@code stream}. Chunks are not aligned to lines or to UTF-8 characters. A
     * log's chunks all come as STDOUT or STDERR as the container wrote them, interleaved.
     */
    void onOutput(Stream stream, byte[] data);
}
