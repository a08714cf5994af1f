package io.capstan.client.informer;

import io.capstan.client.ApiException;
import io.capstan.client.ObjectList;
import io.capstan.client.Watch;
import io.capstan.client.WatchEvent;
import io.capstan.client.WatchListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ListWatch} a test drives: it answers lists with what the test queued, records each
 * watch's resourceVersion, and lets the test send events to the open watch and end it.
 */
final class FakeListWatch<T> implements ListWatch<T> {
    private final Deque<Object> lists = new ArrayDeque<>();
    private final List<String> watchedFrom = new ArrayList<>();
    private @Nullable WatchListener<T> listener;
    private int listCalls;
    private int closedWatches;

    /** The next list answers with these items at {@code resourceVersion}. */
    synchronized void willList(String resourceVersion, List<T> items) {
        lists.add(new ObjectList<>(items, resourceVersion, ""));
    }

    /** The next list fails with {@code error}. */
    synchronized void willFailList(ApiException error) {
        lists.add(error);
    }

    @Override
    public synchronized ObjectList<T> list() {
        listCalls++;
        Object next = lists.poll();
        if (next == null) {
            throw new IllegalStateException("the test queued no answer for list call " + listCalls);
        }
        if (next instanceof ApiException e) {
            throw e;
        }
        @SuppressWarnings("unchecked")
        ObjectList<T> list = (ObjectList<T>) next;
        return list;
    }

    @Override
    public synchronized Watch watch(String resourceVersion, WatchListener<T> watchListener) {
        watchedFrom.add(resourceVersion);
        listener = watchListener;
        return () -> {
            synchronized (FakeListWatch.this) {
                closedWatches++;
            }
        };
    }

    void send(WatchEvent.Type type, T object, String resourceVersion) {
        openListener().onEvent(new WatchEvent<>(type, object, resourceVersion, false));
    }

    /** Ends the open watch as the server would. */
    void end(@Nullable ApiException error) {
        WatchListener<T> open = openListener();
        synchronized (this) {
            listener = null;
        }
        open.onClose(error);
    }

    synchronized List<String> watchedFrom() {
        return List.copyOf(watchedFrom);
    }

    synchronized int listCalls() {
        return listCalls;
    }

    synchronized int closedWatches() {
        return closedWatches;
    }

    /** The listener of the open watch. */
    synchronized WatchListener<T> openListener() {
        if (listener == null) {
            throw new IllegalStateException("no watch is open");
        }
        return listener;
    }
}
