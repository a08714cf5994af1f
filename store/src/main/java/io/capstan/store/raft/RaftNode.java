package io.capstan.store.raft;

import io.capstan.proto.store.v1.CommandResult;
import io.capstan.proto.store.v1.StoreCommand;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer of the store's Raft group: the Ratis server with its state machine, and the client
 * this peer uses to propose commands and to run read barriers. The only door to Ratis for the
 * rest of the store.
 *
 * <p>Thread-safe once started.
 */
public final class RaftNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RaftNode.class);

    /** A member of the current Raft configuration. */
    public record Peer(long memberId, String peerAddress) {}

    /** Raft progress of this peer, for status calls. */
    public record Status(long leaderMemberId, long term, long commitIndex, long appliedIndex, boolean isLeader) {}

    private final RaftSettings settings;
    private final RaftGroup group;
    private final RaftPeerId selfId;
    private final StoreStateMachine stateMachine;
    private final RaftServer server;
    private final RaftClient client;
    private final Proposer proposer;
    private final ReadBarrier readBarrier;

    public RaftNode(RaftSettings settings, AppliedState state, LeadershipListener leadership, MeterRegistry registry)
            throws IOException {
        this.settings = settings;
        this.selfId = MemberIds.peerId(settings.memberId());
        RaftGroupId groupId = RaftGroupId.valueOf(MemberIds.groupUuid(settings.clusterToken()));
        List<RaftPeer> peers = new ArrayList<>();
        settings.initialPeers().forEach((id, address) -> peers.add(raftPeer(id, address)));
        this.group = RaftGroup.valueOf(groupId, peers);

        StoreRaftMetrics metrics = new StoreRaftMetrics(registry);
        this.stateMachine = new StoreStateMachine(settings.name(), state, leadership, metrics);

        Files.createDirectories(settings.dataDir());
        boolean fresh = isEmpty(settings.dataDir());
        RaftGroup startGroup = settings.joinExisting() && fresh ? RaftGroup.valueOf(groupId) : group;
        this.server = RaftServer.newBuilder()
                .setServerId(selfId)
                .setGroup(startGroup)
                .setProperties(serverProperties(settings))
                .setStateMachine(stateMachine)
                .setOption(fresh ? RaftStorage.StartupOption.FORMAT : RaftStorage.StartupOption.RECOVER)
                .build();

        RaftProperties clientProperties = new RaftProperties();
        RaftConfigKeys.Rpc.setType(clientProperties, SupportedRpcType.GRPC);
        org.apache.ratis.client.RaftClientConfigKeys.Rpc.setRequestTimeout(
                clientProperties, TimeDuration.valueOf(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS));
        this.client = RaftClient.newBuilder()
                .setClientId(ClientId.randomId())
                .setRaftGroup(group)
                .setLeaderId(null)
                .setProperties(clientProperties)
                .setRetryPolicy(RetryPolicies.retryForeverWithSleep(TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
                .build();
        this.proposer = new Proposer(
                client, settings.maxInFlightEntries(), settings.maxEntryBytes(), settings.requestTimeout(), metrics);
        this.readBarrier = new ReadBarrier(client, selfId, settings.requestTimeout());
    }

    private static RaftPeer raftPeer(long memberId, String address) {
        return RaftPeer.newBuilder()
                .setId(MemberIds.peerId(memberId))
                .setAddress(address)
                .build();
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static RaftProperties serverProperties(RaftSettings settings) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        RaftServerConfigKeys.setStorageDir(p, List.of(settings.dataDir().toFile()));
        int colon = settings.listenAddress().lastIndexOf(':');
        GrpcConfigKeys.Server.setHost(p, settings.listenAddress().substring(0, colon));
        GrpcConfigKeys.Server.setPort(
                p, Integer.parseInt(settings.listenAddress().substring(colon + 1)));
        RaftServerConfigKeys.Rpc.setTimeoutMin(
                p, TimeDuration.valueOf(settings.electionTimeoutMin().toMillis(), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(
                p, TimeDuration.valueOf(settings.electionTimeoutMax().toMillis(), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(
                p, TimeDuration.valueOf(settings.electionTimeoutMin().toMillis(), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(
                p, TimeDuration.valueOf(settings.electionTimeoutMax().toMillis(), TimeUnit.MILLISECONDS));
        // An acknowledged write is on disk on a majority: never acknowledge before the fsync.
        RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, false);
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(settings.logSegmentBytes()));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, settings.snapshotThreshold());
        RaftServerConfigKeys.Snapshot.setCreationGap(p, Math.min(1024, settings.snapshotThreshold()));
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        // Purging up to the snapshot keeps the disk bounded; a follower behind the purge gets the
        // snapshot installed instead of the log it missed.
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(1024, settings.snapshotThreshold()));
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf("64MB"));
        return p;
    }

    public void start() throws IOException {
        server.start();
        log.info(
                "{}: Raft peer {} started at {} in group {}",
                settings.name(),
                selfId,
                settings.peerAddress(),
                group.getGroupId().getUuid());
    }

    public long memberId() {
        return settings.memberId();
    }

    /** Proposes one command; completes with its result once it is committed and applied here or on the leader. */
    public CompletableFuture<CommandResult> propose(StoreCommand command) {
        return proposer.propose(command);
    }

    /** Completes once this peer has applied every entry committed before the call. */
    public CompletableFuture<Void> linearizableBarrier() {
        return readBarrier.await();
    }

    private RaftServer.Division division() throws IOException {
        return server.getDivision(group.getGroupId());
    }

    public Status status() {
        try {
            RaftServer.Division division = division();
            var info = division.getInfo();
            RaftPeerId leader = info.getLeaderId();
            return new Status(
                    leader == null ? 0 : MemberIds.memberId(leader),
                    info.getCurrentTerm(),
                    division.getRaftLog().getLastCommittedIndex(),
                    info.getLastAppliedIndex(),
                    info.isLeader());
        } catch (IOException e) {
            return new Status(0, 0, 0, 0, false);
        }
    }

    public boolean isLeader() {
        return status().isLeader();
    }

    /** The voting members of the current configuration. */
    public List<Peer> peers() {
        try {
            Collection<RaftPeer> current = division().getRaftConf().getCurrentPeers();
            List<Peer> result = new ArrayList<>();
            for (RaftPeer peer : current) {
                result.add(new Peer(MemberIds.memberId(peer.getId()), peer.getAddress()));
            }
            return result;
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Changes the voting configuration (blocking; joint consensus). */
    public void setPeers(List<Peer> peers) throws IOException {
        List<RaftPeer> raftPeers = new ArrayList<>();
        for (Peer peer : peers) {
            raftPeers.add(raftPeer(peer.memberId(), peer.peerAddress()));
        }
        RaftClientReply reply = client.admin().setConfiguration(raftPeers);
        if (!reply.isSuccess()) {
            throw new IOException("configuration change failed: " + reply.getException());
        }
    }

    public void transferLeadership(long memberId, long timeoutMillis) throws IOException {
        RaftClientReply reply = client.admin().transferLeadership(MemberIds.peerId(memberId), timeoutMillis);
        if (!reply.isSuccess()) {
            throw new IOException("leadership transfer failed: " + reply.getException());
        }
    }

    /** The term and index of the last entry this peer has applied (state machine and Raft entries alike). */
    public long[] lastAppliedTermIndex() {
        var applied = stateMachine.getLastAppliedTermIndex();
        return new long[] {applied.getTerm(), applied.getIndex()};
    }

    /** Where the state machine keeps its snapshots (named snapshot.TERM_INDEX, each with an .md5 beside it). */
    public Path stateMachineDir() throws IOException {
        return division().getRaftStorage().getStorageDir().getStateMachineDir().toPath();
    }

    /** The newest snapshot file completely on disk, or null when none has been taken yet. */
    public @Nullable Path latestSnapshotFile() {
        SingleFileSnapshotInfo info = stateMachine.latestSnapshot();
        return info == null ? null : info.getFile().getPath();
    }

    @Override
    public void close() throws IOException {
        proposer.close();
        try {
            client.close();
        } finally {
            server.close();
        }
    }
}
