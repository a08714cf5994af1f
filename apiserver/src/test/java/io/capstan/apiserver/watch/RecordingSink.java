package io.capstan.apiserver.watch;

import io.capstan.proto.api.v1.WatchEvent;
import java.util.ArrayList;
import java.util.List;

/** A watch sink that records what it is sent; it is ready unless a test says otherwise. */
final class RecordingSink implements WatchSink {
    // guarded by this
    private final List<WatchEvent> events = new ArrayList<>();
    private boolean ready = true;
    private boolean closed;
    private int sentAfterClose;

    @Override
    public synchronized boolean isReady() {
        return ready;
    }

    @Override
    public synchronized void send(WatchEvent event) {
        if (closed) {
            sentAfterClose++;
        }
        events.add(event);
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    synchronized void ready(boolean ready) {
        this.ready = ready;
    }

    synchronized List<WatchEvent> events() {
        return List.copyOf(events);
    }

    synchronized int count() {
        return events.size();
    }

    synchronized boolean isClosed() {
        return closed;
    }

    synchronized int sentAfterClose() {
        return sentAfterClose;
    }

    /** Each event as "TYPE name@resourceVersion", bookmarks as "BOOKMARK @rv", errors as "ERROR code". */
    synchronized List<String> summary() {
        List<String> out = new ArrayList<>();
        for (WatchEvent event : events) {
            out.add(Fixtures.describe(event));
        }
        return out;
    }
}
