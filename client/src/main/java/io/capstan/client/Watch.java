package io.capstan.client;

/** An open watch stream. */
public interface Watch extends AutoCloseable {

    /** Cancels the stream; the listener gets no further calls. Idempotent. */
    @Override
    void close();
}
