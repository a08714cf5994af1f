package io.capstan.store.raft;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How one peer takes part in the Raft group.
 *
 * @param name human-readable member name (etcd's --name)
 * @param peerAddress host:port other peers reach this one at; it names the member
 * @param dataDir where the Raft log, its metadata and snapshots live
 * @param clusterToken names the cluster; fixes the Raft group ID and the member IDs
 * @param initialPeers the first configuration (member ID to peer address); ignored after the first start
 * @param joinExisting true for a member added to a running cluster: start with no configuration
 *     and wait for the leader to add this peer
 * @param snapshotThreshold applied entries between automatic snapshots
 * @param requestTimeout how long a proposal or read barrier may take before it fails
 * @param logSegmentBytes size at which a Raft log segment is closed; only closed segments are purged
 * @param listenAddress host:port the Raft service binds: {@code peerAddress}, or a wildcard such as
 *     0.0.0.0 with the same port
 */
public record RaftSettings(
        String name,
        String peerAddress,
        Path dataDir,
        String clusterToken,
        Map<Long, String> initialPeers,
        boolean joinExisting,
        Duration electionTimeoutMin,
        Duration electionTimeoutMax,
        long snapshotThreshold,
        Duration requestTimeout,
        int maxInFlightEntries,
        int maxEntryBytes,
        long logSegmentBytes,
        String listenAddress) {

    public long memberId() {
        return MemberIds.memberId(clusterToken, peerAddress);
    }
}
