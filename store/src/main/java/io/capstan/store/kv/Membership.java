package io.capstan.store.kv;

import io.capstan.proto.etcd.Member;
import io.capstan.proto.etcd.MemberAddRequest;
import io.capstan.proto.etcd.MemberAddResponse;
import io.capstan.proto.etcd.MemberListResponse;
import io.capstan.proto.etcd.MemberRemoveResponse;
import io.capstan.proto.store.v1.CommandResult;
import io.capstan.proto.store.v1.MemberAdd;
import io.capstan.proto.store.v1.MemberPublish;
import io.capstan.proto.store.v1.MemberRemove;
import io.capstan.proto.store.v1.StoreCommand;
import io.capstan.store.raft.MemberIds;
import io.capstan.store.raft.RaftNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's member API over Ratis reconfiguration. The Raft configuration says who votes; the
 * applied member table adds names and client URLs (published by each member when it starts) and
 * members that were added but have not started yet. As in etcd, adding a member answers at once:
 * the member is recorded, and the leader adds its peer to the Raft configuration as soon as that
 * peer answers on its peer address ({@link #reconcile()}).
 */
public final class Membership {
    private static final Logger log = LoggerFactory.getLogger(Membership.class);

    private final RaftNode node;
    private final LocalState local;
    private final ReplicatedStore store;
    private final String clusterToken;
    private final Executor blocking;

    public Membership(RaftNode node, LocalState local, ReplicatedStore store, String clusterToken, Executor blocking) {
        this.node = node;
        this.local = local;
        this.store = store;
        this.clusterToken = clusterToken;
        this.blocking = blocking;
    }

    /** Every member: voting peers first, then members recorded but not yet part of the Raft group. */
    public List<Member> list() {
        Map<Long, Member> recorded = new TreeMap<>(Long::compareUnsigned);
        for (Member member : local.members()) {
            recorded.put(member.getID(), member);
        }
        List<Member> members = new ArrayList<>();
        for (RaftNode.Peer peer : node.peers()) {
            Member known = recorded.remove(peer.memberId());
            members.add(
                    known != null
                            ? known
                            : Member.newBuilder()
                                    .setID(peer.memberId())
                                    .addPeerURLs("http://" + peer.peerAddress())
                                    .build());
        }
        members.addAll(recorded.values());
        return members;
    }

    public MemberListResponse listResponse() {
        return MemberListResponse.newBuilder()
                .setHeader(store.header())
                .addAllMembers(list())
                .build();
    }

    public CompletableFuture<MemberAddResponse> add(MemberAddRequest request) {
        if (request.getPeerURLsCount() == 0) {
            return CompletableFuture.failedFuture(new EtcdException(EtcdError.MEMBER_BAD_URLS, "no peer URL given"));
        }
        if (request.getIsLearner()) {
            return CompletableFuture.failedFuture(
                    new EtcdException(EtcdError.NOT_CAPABLE, "learner members are not supported"));
        }
        long id;
        try {
            id = MemberIds.memberId(clusterToken, request.getPeerURLs(0));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new EtcdException(EtcdError.MEMBER_BAD_URLS, e.getMessage()));
        }
        for (Member member : list()) {
            if (member.getID() == id) {
                return CompletableFuture.failedFuture(new EtcdException(EtcdError.PEER_URL_EXISTS));
            }
        }
        StoreCommand command = StoreCommand.newBuilder()
                .setMemberAdd(MemberAdd.newBuilder().setId(id).addAllPeerUrls(request.getPeerURLsList()))
                .build();
        return store.proposeChecked(command).thenApply(result -> {
            Member added = Member.newBuilder()
                    .setID(id)
                    .addAllPeerURLs(request.getPeerURLsList())
                    .build();
            log.info(
                    "member {} recorded with peer URLs {}; it joins once its peer answers",
                    Long.toHexString(id),
                    request.getPeerURLsList());
            return MemberAddResponse.newBuilder()
                    .setHeader(store.header())
                    .setMember(added)
                    .addAllMembers(list())
                    .build();
        });
    }

    public CompletableFuture<MemberRemoveResponse> remove(long id) {
        return CompletableFuture.supplyAsync(
                        () -> {
                            List<RaftNode.Peer> peers = node.peers();
                            List<RaftNode.Peer> remaining = new ArrayList<>();
                            boolean voting = false;
                            for (RaftNode.Peer peer : peers) {
                                if (peer.memberId() == id) {
                                    voting = true;
                                } else {
                                    remaining.add(peer);
                                }
                            }
                            boolean recorded = local.members().stream().anyMatch(m -> m.getID() == id);
                            if (!voting && !recorded) {
                                throw new EtcdException(EtcdError.MEMBER_NOT_FOUND);
                            }
                            if (voting) {
                                try {
                                    node.setPeers(remaining);
                                } catch (IOException e) {
                                    throw new EtcdException(EtcdError.TIMEOUT, e.getMessage(), 0, e);
                                }
                            }
                            return recorded;
                        },
                        blocking)
                .thenCompose(recorded -> recorded
                        ? store.proposeChecked(StoreCommand.newBuilder()
                                        .setMemberRemove(
                                                MemberRemove.newBuilder().setId(id))
                                        .build())
                                .thenApply(r -> (Void) null)
                        : CompletableFuture.<Void>completedFuture(null))
                .thenApply(ignored -> MemberRemoveResponse.newBuilder()
                        .setHeader(store.header())
                        .addAllMembers(list())
                        .build());
    }

    /** Announces this member's name and URLs, as etcd's publish does after start. */
    public CompletableFuture<CommandResult> publish(String name, List<String> peerUrls, List<String> clientUrls) {
        return store.proposeChecked(StoreCommand.newBuilder()
                .setMemberPublish(MemberPublish.newBuilder()
                        .setId(node.memberId())
                        .setName(name)
                        .addAllPeerUrls(peerUrls)
                        .addAllClientUrls(clientUrls))
                .build());
    }

    /**
     * On the leader, adds to the Raft configuration each recorded member that is not yet part of
     * it and whose peer address accepts connections. Blocking; call it from a background thread.
     */
    public void reconcile() {
        if (!node.isLeader()) {
            return;
        }
        List<RaftNode.Peer> peers = node.peers();
        for (Member member : local.members()) {
            boolean voting = peers.stream().anyMatch(p -> p.memberId() == member.getID());
            if (voting || member.getPeerURLsCount() == 0) {
                continue;
            }
            String address = MemberIds.peerAddress(member.getPeerURLs(0));
            if (!answers(address)) {
                continue;
            }
            List<RaftNode.Peer> next = new ArrayList<>(peers);
            next.add(new RaftNode.Peer(member.getID(), address));
            try {
                node.setPeers(next);
                log.info("member {} at {} joined the Raft group", Long.toHexString(member.getID()), address);
            } catch (IOException e) {
                log.warn(
                        "adding member {} at {} to the Raft group failed, will retry",
                        Long.toHexString(member.getID()),
                        address,
                        e);
            }
            return; // one configuration change at a time
        }
    }

    private static boolean answers(String address) {
        int colon = address.lastIndexOf(':');
        try (Socket socket = new Socket()) {
            socket.connect(
                    new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
                    500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
