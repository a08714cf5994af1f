package io.capstan.store.watch;

import io.capstan.proto.etcd.mvcc.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link WatchSink} that records every accepted batch in order. A test can make it refuse everything, or only
 * event batches, to play a slow consumer.
 */
final class RecordingSink implements WatchSink {

    // all guarded by this
    private final List<WatchBatch> accepted = new ArrayList<>();
    private boolean refuseAll;
    private boolean refuseEvents;
    private int refusals;

    @Override
    public synchronized boolean offer(WatchBatch batch) {
        if (refuseAll || (refuseEvents && batch.kind() == WatchBatch.Kind.EVENTS)) {
            refusals++;
            return false;
        }
        accepted.add(batch);
        return true;
    }

    synchronized void refuseAll(boolean refuse) {
        refuseAll = refuse;
    }

    synchronized void refuseEvents(boolean refuse) {
        refuseEvents = refuse;
    }

    synchronized int refusals() {
        return refusals;
    }

    synchronized List<WatchBatch> batches() {
        return List.copyOf(accepted);
    }

    synchronized List<WatchBatch> batches(long watchId, WatchBatch.Kind kind) {
        return accepted.stream()
                .filter(b -> b.watchId() == watchId && b.kind() == kind)
                .toList();
    }

    /** The events delivered to one watcher, in delivery order. */
    synchronized List<Event> events(long watchId) {
        return batches(watchId, WatchBatch.Kind.EVENTS).stream()
                .flatMap(b -> b.events().stream())
                .toList();
    }

    List<Long> revisions(long watchId) {
        return events(watchId).stream().map(e -> e.getKv().getModRevision()).toList();
    }

    List<String> keys(long watchId) {
        return events(watchId).stream()
                .map(e -> e.getKv().getKey().toStringUtf8())
                .toList();
    }
}
