package io.capstan.store.mvcc;

import io.capstan.proto.etcd.mvcc.Event;
import java.util.List;

/**
 * What one write transaction did: the store revision after it (unchanged when it changed
 * nothing) and its events in order, each with {@code prev_kv} filled when the key existed.
 */
public record TxnResult(long revision, List<Event> events) {

    public TxnResult {
        events = List.copyOf(events);
    }

    public boolean hasChanges() {
        return !events.isEmpty();
    }
}
