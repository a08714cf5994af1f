package io.capstan.store.raft;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Raft-side meters of one peer, with etcd's meanings: apply and commit latency, leader changes. */
final class StoreRaftMetrics {
    private final Timer apply;
    private final Timer commit;
    private final DistributionSummary batchSize;
    private final Counter leaderChanges;
    private final Timer snapshot;
    private final DistributionSummary snapshotBytes;

    StoreRaftMetrics(MeterRegistry registry) {
        apply = Timer.builder("capstan.store.apply")
                .description("Time to apply one committed log entry")
                .publishPercentileHistogram()
                .register(registry);
        commit = Timer.builder("capstan.store.commit")
                .description("Time from proposing a batch of commands until it is committed and applied")
                .publishPercentileHistogram()
                .register(registry);
        batchSize = DistributionSummary.builder("capstan.store.proposal.batch.commands")
                .description("Commands per log entry")
                .register(registry);
        leaderChanges = Counter.builder("capstan.store.leader.changes")
                .description("Leader changes seen by this peer")
                .register(registry);
        snapshot = Timer.builder("capstan.store.snapshot.save")
                .description("Time to write one snapshot")
                .register(registry);
        snapshotBytes = DistributionSummary.builder("capstan.store.snapshot.size")
                .baseUnit("bytes")
                .register(registry);
    }

    void recordApply(int commands, long nanos) {
        apply.record(nanos, TimeUnit.NANOSECONDS);
        batchSize.record(commands);
    }

    void recordCommit(long nanos) {
        commit.record(nanos, TimeUnit.NANOSECONDS);
    }

    void leaderChanged() {
        leaderChanges.increment();
    }

    void recordSnapshot(long nanos, long bytes) {
        snapshot.record(nanos, TimeUnit.NANOSECONDS);
        snapshotBytes.record(bytes);
    }
}
