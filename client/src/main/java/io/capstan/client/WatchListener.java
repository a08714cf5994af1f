package io.capstan.client;

import org.jspecify.annotations.Nullable;

/**
 * Receives one watch stream. Calls come from gRPC's threads, one at a time and in order; they must
 * return promptly (hand work to a thread of your own), or the stream's flow control slows the
 * server down for this watch.
 */
public interface WatchListener<T> {

    void onEvent(WatchEvent<T> event);

    /**
     * The stream ended; nothing follows. {@code error} is null when the server closed it without a
     * reason; otherwise {@link ExpiredException} (the resourceVersion is no longer retained: list
     * again), {@link UnavailableException} (the server went away or dropped a slow watcher: watch
     * again from the last resourceVersion seen, on any server), or another {@link ApiException}.
     * Not called after the caller closed the {@link Watch}.
     */
    void onClose(@Nullable ApiException error);
}
