package io.capstan.store.rpc;

import io.capstan.proto.etcd.ClusterGrpc;
import io.capstan.proto.etcd.MemberAddRequest;
import io.capstan.proto.etcd.MemberAddResponse;
import io.capstan.proto.etcd.MemberListRequest;
import io.capstan.proto.etcd.MemberListResponse;
import io.capstan.proto.etcd.MemberPromoteRequest;
import io.capstan.proto.etcd.MemberPromoteResponse;
import io.capstan.proto.etcd.MemberRemoveRequest;
import io.capstan.proto.etcd.MemberRemoveResponse;
import io.capstan.proto.etcd.MemberUpdateRequest;
import io.capstan.proto.etcd.MemberUpdateResponse;
import io.capstan.store.kv.EtcdError;
import io.capstan.store.kv.EtcdException;
import io.capstan.store.kv.Membership;
import io.grpc.stub.StreamObserver;

/** etcd's Cluster service: member list, add and remove over Ratis reconfiguration. */
public final class ClusterService extends ClusterGrpc.ClusterImplBase {
    private final Membership membership;

    public ClusterService(Membership membership) {
        this.membership = membership;
    }

    @Override
    public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> observer) {
        Unary.reply(membership::listResponse, observer);
    }

    @Override
    public void memberAdd(MemberAddRequest request, StreamObserver<MemberAddResponse> observer) {
        Unary.reply(membership.add(request), observer);
    }

    @Override
    public void memberRemove(MemberRemoveRequest request, StreamObserver<MemberRemoveResponse> observer) {
        Unary.reply(membership.remove(request.getID()), observer);
    }

    @Override
    public void memberUpdate(MemberUpdateRequest request, StreamObserver<MemberUpdateResponse> observer) {
        observer.onError(EtcdErrors.toStatus(new EtcdException(
                EtcdError.NOT_CAPABLE, "a member's peer URLs decide its ID here; remove it and add it anew")));
    }

    @Override
    public void memberPromote(MemberPromoteRequest request, StreamObserver<MemberPromoteResponse> observer) {
        observer.onError(EtcdErrors.toStatus(new EtcdException(EtcdError.NOT_CAPABLE, "learners are not supported")));
    }
}
