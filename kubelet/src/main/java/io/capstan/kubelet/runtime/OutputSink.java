package io.capstan.kubelet.runtime;

/**
 * Receives a stream of output: log lines or an exec'd command's stdout and stderr. Called from one
 * thread at a time, in order; {@link #close} once at the end (after the last chunk), with the
 * error that ended the stream early if any.
 */
public interface OutputSink {
    enum Stream {
        STDOUT,
        STDERR
    }

    void write(Stream stream, byte[] bytes);

    default void close(@org.jspecify.annotations.Nullable Throwable error) {}
}
