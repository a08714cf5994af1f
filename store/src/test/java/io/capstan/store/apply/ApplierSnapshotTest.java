package io.capstan.store.apply;

import static io.capstan.store.apply.Commands.ALL;
import static io.capstan.store.apply.Commands.alarm;
import static io.capstan.store.apply.Commands.compact;
import static io.capstan.store.apply.Commands.delete;
import static io.capstan.store.apply.Commands.grant;
import static io.capstan.store.apply.Commands.opPut;
import static io.capstan.store.apply.Commands.put;
import static io.capstan.store.apply.Commands.revoke;
import static io.capstan.store.apply.Commands.txn;
import static io.capstan.store.apply.Commands.versionEquals;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.etcd.AlarmRequest;
import io.capstan.proto.etcd.AlarmType;
import io.capstan.proto.etcd.TxnRequest;
import io.capstan.proto.store.v1.CommandResult;
import io.capstan.proto.store.v1.SnapshotHeader;
import io.capstan.proto.store.v1.SnapshotRecord;
import io.capstan.proto.store.v1.StoreCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ApplierSnapshotTest {

    /** A seeded mix of every kind of command, some of them failing. */
    private static List<StoreCommand> workload(long seed, int size) {
        Random random = new Random(seed);
        List<StoreCommand> commands = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            String key = "k" + random.nextInt(8);
            commands.add(
                    switch (random.nextInt(7)) {
                        case 0 -> delete(key, "");
                        case 1 -> grant(1 + random.nextInt(3), 30);
                        case 2 -> revoke(1 + random.nextInt(3));
                        case 3 -> put(key, "v" + i, 1 + random.nextInt(3));
                        case 4 ->
                            txn(TxnRequest.newBuilder()
                                    .addCompare(versionEquals(key, "", random.nextInt(3)))
                                    .addSuccess(opPut(key, "t" + i))
                                    .addFailure(opPut(key + "f", "f" + i))
                                    .build());
                        case 5 -> compact(Math.max(1, i / 2));
                        default -> put(key, "v" + i);
                    });
        }
        return commands;
    }

    @Test
    void sameCommandsGiveSameResultsAndHashes() {
        Applier first = new Applier(ChangeListener.NONE, LeaseListener.NONE);
        Applier second = new Applier(ChangeListener.NONE, LeaseListener.NONE);
        for (StoreCommand command : workload(42, 300)) {
            CommandResult one = first.apply(command);
            assertThat(second.apply(command)).isEqualTo(one);
        }
        first.mvcc().compactPhysically(); // physical progress must not show in the hash

        assertThat(first.hash(0)).isEqualTo(second.hash(0));
    }

    @Test
    void restoredApplierAnswersLikeTheOriginal() throws IOException {
        Applier original = new Applier(ChangeListener.NONE, LeaseListener.NONE);
        for (StoreCommand command : workload(7, 200)) {
            original.apply(command);
        }
        original.apply(alarm(AlarmRequest.AlarmAction.ACTIVATE, 1, AlarmType.CORRUPT));
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        long revision;
        try (StoreState state = original.captureState()) {
            revision = state.revision();
            original.apply(put("after", "snapshot")); // writes continue while the snapshot is written
            original.mvcc().compactPhysically();
            state.header().writeDelimitedTo(file);
            for (var records = state.records(); records.hasNext(); ) {
                records.next().writeDelimitedTo(file);
            }
        }

        ByteArrayInputStream in = new ByteArrayInputStream(file.toByteArray());
        SnapshotHeader header = SnapshotHeader.parseDelimitedFrom(in);
        List<SnapshotRecord> records = new ArrayList<>();
        for (SnapshotRecord record = SnapshotRecord.parseDelimitedFrom(in);
                record != null;
                record = SnapshotRecord.parseDelimitedFrom(in)) {
            records.add(record);
        }
        Applier restored = Applier.restore(header, records.iterator(), ChangeListener.NONE, LeaseListener.NONE);

        long compacted = header.getCompactRevision();
        for (long rev = compacted; rev <= revision; rev++) {
            assertThat(restored.mvcc().read(rev).range(ALL, ALL))
                    .as("revision %d", rev)
                    .isEqualTo(original.mvcc().read(rev).range(ALL, ALL));
        }
        assertThat(restored.mvcc().events(ALL, ALL, compacted, revision, 0))
                .isEqualTo(original.mvcc().events(ALL, ALL, compacted, revision, 0));
        assertThat(restored.hash(revision)).isEqualTo(original.hash(revision));
        assertThat(restored.leases().ids()).isEqualTo(original.leases().ids());
        for (long id : original.leases().ids()) {
            assertThat(restored.leases().get(id)).isEqualTo(original.leases().get(id));
        }
        assertThat(restored.alarms()).isEqualTo(original.alarms());

        // and both keep going identically
        for (StoreCommand command : workload(8, 50)) {
            restored.apply(command);
        }
    }
}
