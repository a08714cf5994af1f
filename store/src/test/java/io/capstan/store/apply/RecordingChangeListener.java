package io.capstan.store.apply;

import io.capstan.proto.etcd.mvcc.Event;
import java.util.ArrayList;
import java.util.List;

/** Records every applied change batch. */
final class RecordingChangeListener implements ChangeListener {
    record Batch(long revision, List<Event> events) {}

    final List<Batch> batches = new ArrayList<>();

    @Override
    public void onApplied(long revision, List<Event> events) {
        batches.add(new Batch(revision, List.copyOf(events)));
    }
}
