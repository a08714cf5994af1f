package io.capstan.store.kv;

import io.capstan.proto.etcd.AlarmMember;
import io.capstan.proto.etcd.HashKVResponse;
import io.capstan.proto.etcd.LeaseTimeToLiveRequest;
import io.capstan.proto.etcd.LeaseTimeToLiveResponse;
import io.capstan.proto.etcd.Member;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * What {@link ReplicatedStore} reads from this peer's applied state and lease clocks; implemented by
 * the store wiring. Reads see a consistent revision. Thread-safe.
 */
public interface LocalState {

    /** Serves a range from local state; fails with {@link EtcdException} (COMPACTED, FUTURE_REVISION). */
    RangeResponse range(RangeRequest request);

    long revision();

    /** The accounted size of the state, which the backend quota is checked against. */
    long sizeBytes();

    List<AlarmMember> alarms();

    /** IDs of every granted lease, ascending. */
    List<Long> leaseIds();

    /** True if this peer keeps the lease clocks (it is the ready leader). */
    boolean keepsLeaseClocks();

    /** Renews a lease on the leader; returns its TTL in seconds. Fails with LEASE_NOT_FOUND. */
    long keepAlive(long leaseId);

    /** TTL details from the leader's clocks; TTL -1 when the lease does not exist. */
    LeaseTimeToLiveResponse timeToLive(LeaseTimeToLiveRequest request);

    /** The smallest TTL a lease is granted with, in seconds. */
    long minLeaseTtlSeconds();

    /** Members recorded in the applied member table (added or published), by ID. */
    List<Member> members();

    /** Hash of the keyspace up to {@code revision} (0 = current), for HashKV. */
    HashKVResponse hashKv(long revision);

    /** Writes a point-in-time snapshot of the whole state (the format SnapshotFiles reads). */
    void writeSnapshot(OutputStream out) throws IOException;
}
