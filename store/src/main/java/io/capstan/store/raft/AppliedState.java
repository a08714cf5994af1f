package io.capstan.store.raft;

import io.capstan.proto.store.v1.CommandResult;
import io.capstan.proto.store.v1.SnapshotHeader;
import io.capstan.proto.store.v1.SnapshotRecord;
import io.capstan.proto.store.v1.StoreCommand;
import java.io.IOException;
import java.util.Iterator;

/**
 * The replicated state as the Raft state machine sees it. Implemented by the store's wiring over
 * the applier. All methods except {@link FrozenState#writeRecords} are called on the single
 * apply thread.
 */
public interface AppliedState {

    /** Applies one committed command. Deterministic; a domain failure is a result, not a throw. */
    CommandResult apply(StoreCommand command);

    /**
     * Freezes the state as of now, cheaply, so that it can be written out on another thread while
     * commands keep being applied.
     */
    FrozenState freeze();

    /** Replaces the whole state with a snapshot's content. */
    void restore(SnapshotHeader header, Iterator<SnapshotRecord> records) throws IOException;

    /** The state at one instant, to be written off the apply thread. */
    interface FrozenState extends AutoCloseable {
        /** Header fields owned by the state (revision, compact revision, leases, alarms, members). */
        SnapshotHeader.Builder header();

        /** Streams the records of the frozen revision, in revision order. */
        void writeRecords(RecordSink sink) throws IOException;

        /** Releases what the frozen view holds (for example a lock against physical compaction). */
        @Override
        void close();
    }

    @FunctionalInterface
    interface RecordSink {
        void accept(SnapshotRecord record) throws IOException;
    }
}
