package io.capstan.apiserver.watch;

import io.capstan.proto.api.v1.WatchEvent;

/**
 * Where one watcher's events go: a gRPC stream in the server ({@link WatchCall}), a recording in
 * tests. Calls for one watcher never overlap and come from the cache's sender threads.
 */
public interface WatchSink {

    /**
     * Whether {@link #send} may be called now without piling up in the transport. While false, the
     * watcher waits for {@link CacheWatcher#signalReady()}.
     */
    boolean isReady();

    /** One event. May throw if the receiver is gone; the watcher then ends without further calls. */
    void send(WatchEvent event);

    /** The stream ends (after an ERROR event, or because the cache closed). No call follows. */
    void close();
}
