package io.capstan.store.apply;

import io.capstan.proto.etcd.mvcc.Event;
import java.util.List;

/**
 * Hears about every applied write transaction that changed something, once, in revision order,
 * on the apply thread. Implementations (the watch hub) must return quickly and must not throw.
 */
@FunctionalInterface
public interface ChangeListener {
    ChangeListener NONE = (revision, events) -> {};

    /** {@code events} are the transaction's changes in order, all at main revision {@code revision}. */
    void onApplied(long revision, List<Event> events);
}
