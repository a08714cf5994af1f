package io.capstan.kubelet.runtime;

/** A log read in progress; {@link #close} stops a follow (idempotent). */
public interface LogStream extends AutoCloseable {
    @Override
    void close();
}
