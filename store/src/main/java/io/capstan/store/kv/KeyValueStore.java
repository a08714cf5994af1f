package io.capstan.store.kv;

import io.capstan.proto.etcd.AlarmRequest;
import io.capstan.proto.etcd.AlarmResponse;
import io.capstan.proto.etcd.CompactionRequest;
import io.capstan.proto.etcd.CompactionResponse;
import io.capstan.proto.etcd.DeleteRangeRequest;
import io.capstan.proto.etcd.DeleteRangeResponse;
import io.capstan.proto.etcd.LeaseGrantRequest;
import io.capstan.proto.etcd.LeaseGrantResponse;
import io.capstan.proto.etcd.LeaseKeepAliveResponse;
import io.capstan.proto.etcd.LeaseLeasesResponse;
import io.capstan.proto.etcd.LeaseRevokeRequest;
import io.capstan.proto.etcd.LeaseRevokeResponse;
import io.capstan.proto.etcd.LeaseTimeToLiveRequest;
import io.capstan.proto.etcd.LeaseTimeToLiveResponse;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.PutResponse;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.capstan.proto.etcd.ResponseHeader;
import io.capstan.proto.etcd.TxnRequest;
import io.capstan.proto.etcd.TxnResponse;
import java.util.concurrent.CompletableFuture;

/**
 * The store's own Java interface, in the shapes of the etcd v3 API (the gRPC services are a thin
 * layer over it, and the API server embeds it). Every method validates its input the way etcd
 * does and fails the future with {@link EtcdException} when etcd would answer with an error; in
 * that case nothing was written. Writes complete once committed on a majority and applied on the
 * peer that answers. Thread-safe.
 */
public interface KeyValueStore {

    /** Linearizable unless {@code serializable} is set, in which case it reads this peer's state. */
    CompletableFuture<RangeResponse> range(RangeRequest request);

    CompletableFuture<PutResponse> put(PutRequest request);

    CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request);

    CompletableFuture<TxnResponse> txn(TxnRequest request);

    CompletableFuture<CompactionResponse> compact(CompactionRequest request);

    CompletableFuture<LeaseGrantResponse> leaseGrant(LeaseGrantRequest request);

    CompletableFuture<LeaseRevokeResponse> leaseRevoke(LeaseRevokeRequest request);

    /**
     * Renews a lease. Only the leader keeps lease clocks; on another peer this fails with
     * {@link EtcdError#NOT_LEADER} and the caller forwards to the leader.
     */
    LeaseKeepAliveResponse leaseKeepAlive(long leaseId);

    /** Remaining TTL as the leader sees it; like keep-alive, only answered by the leader. */
    LeaseTimeToLiveResponse leaseTimeToLive(LeaseTimeToLiveRequest request);

    LeaseLeasesResponse leaseLeases();

    CompletableFuture<AlarmResponse> alarm(AlarmRequest request);

    /** A response header stamped with this peer's identity, term and current revision. */
    ResponseHeader header();
}
