package io.capstan.store.raft;

import io.capstan.proto.store.v1.SnapshotHeader;
import io.capstan.proto.store.v1.SnapshotRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.util.MD5FileUtil;

/**
 * Places a snapshot file where a stopped peer's state machine will load it on its next start, as
 * the snapshot of the given log position. Used for disaster recovery: a fresh single-peer group is
 * started once (so Ratis writes its configuration), stopped, and seeded with the snapshot at its
 * last applied entry; on restart the state comes from the snapshot and the log continues after it.
 */
public final class SnapshotSeed {
    private SnapshotSeed() {}

    public static Path seed(
            Path stateMachineDir, long term, long index, SnapshotHeader header, Iterator<SnapshotRecord> records)
            throws IOException {
        Path target = stateMachineDir.resolve(SimpleStateMachineStorage.getSnapshotFileName(term, index));
        SnapshotHeader placed =
                header.toBuilder().setAppliedTerm(term).setAppliedIndex(index).build();
        SnapshotFiles.writeFile(target, placed, new AppliedState.FrozenState() {
            @Override
            public SnapshotHeader.Builder header() {
                return placed.toBuilder();
            }

            @Override
            public void writeRecords(AppliedState.RecordSink sink) throws IOException {
                while (records.hasNext()) {
                    sink.accept(records.next());
                }
            }

            @Override
            public void close() {}
        });
        MD5FileUtil.computeAndSaveMd5ForFile(target.toFile());
        return target;
    }
}
