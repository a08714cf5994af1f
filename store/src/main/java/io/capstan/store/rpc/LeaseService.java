package io.capstan.store.rpc;

import io.capstan.proto.etcd.LeaseGrantRequest;
import io.capstan.proto.etcd.LeaseGrantResponse;
import io.capstan.proto.etcd.LeaseGrpc;
import io.capstan.proto.etcd.LeaseKeepAliveRequest;
import io.capstan.proto.etcd.LeaseKeepAliveResponse;
import io.capstan.proto.etcd.LeaseLeasesRequest;
import io.capstan.proto.etcd.LeaseLeasesResponse;
import io.capstan.proto.etcd.LeaseRevokeRequest;
import io.capstan.proto.etcd.LeaseRevokeResponse;
import io.capstan.proto.etcd.LeaseTimeToLiveRequest;
import io.capstan.proto.etcd.LeaseTimeToLiveResponse;
import io.capstan.store.kv.EtcdError;
import io.capstan.store.kv.EtcdException;
import io.capstan.store.kv.KeyValueStore;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * etcd's Lease service. Grant and revoke go through Raft from any peer; keep-alive and
 * time-to-live need the leader's clocks, so a follower relays them to the leader.
 */
public final class LeaseService extends LeaseGrpc.LeaseImplBase {
    private final KeyValueStore store;
    private final LeaderChannels leader;

    public LeaseService(KeyValueStore store, LeaderChannels leader) {
        this.store = store;
        this.leader = leader;
    }

    @Override
    public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> observer) {
        Unary.reply(store.leaseGrant(request), observer);
    }

    @Override
    public void leaseRevoke(LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> observer) {
        Unary.reply(store.leaseRevoke(request), observer);
    }

    @Override
    public void leaseLeases(LeaseLeasesRequest request, StreamObserver<LeaseLeasesResponse> observer) {
        Unary.reply(store::leaseLeases, observer);
    }

    @Override
    public void leaseTimeToLive(LeaseTimeToLiveRequest request, StreamObserver<LeaseTimeToLiveResponse> observer) {
        try {
            observer.onNext(store.leaseTimeToLive(request));
            observer.onCompleted();
        } catch (EtcdException e) {
            if (e.error() != EtcdError.NOT_LEADER) {
                observer.onError(EtcdErrors.toStatus(e));
                return;
            }
            ManagedChannel channel = leader.leader();
            if (channel == null) {
                observer.onError(EtcdErrors.toStatus(new EtcdException(EtcdError.NO_LEADER)));
                return;
            }
            LeaseGrpc.newStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS).leaseTimeToLive(request, observer);
        }
    }

    @Override
    public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> responses) {
        return new KeepAliveStream(responses);
    }

    /** One client keep-alive stream; requests this peer cannot answer go to the leader on a relay stream. */
    private final class KeepAliveStream implements StreamObserver<LeaseKeepAliveRequest> {
        private final StreamObserver<LeaseKeepAliveResponse> responses;
        // guarded by this
        private @Nullable StreamObserver<LeaseKeepAliveRequest> relay;
        // guarded by this
        private boolean done;

        KeepAliveStream(StreamObserver<LeaseKeepAliveResponse> responses) {
            this.responses = responses;
        }

        @Override
        public void onNext(LeaseKeepAliveRequest request) {
            try {
                LeaseKeepAliveResponse response = store.leaseKeepAlive(request.getID());
                send(response);
            } catch (EtcdException e) {
                switch (e.error()) {
                    // etcd answers a keep-alive of an unknown lease with TTL 0 and keeps the stream open.
                    case LEASE_NOT_FOUND ->
                        send(LeaseKeepAliveResponse.newBuilder()
                                .setHeader(store.header())
                                .setID(request.getID())
                                .setTTL(0)
                                .build());
                    case NOT_LEADER -> relay(request);
                    default -> fail(EtcdErrors.toStatus(e));
                }
            }
        }

        private void relay(LeaseKeepAliveRequest request) {
            StreamObserver<LeaseKeepAliveRequest> target;
            synchronized (this) {
                if (done) {
                    return;
                }
                if (relay == null) {
                    ManagedChannel channel = leader.leader();
                    if (channel == null) {
                        target = null;
                    } else {
                        relay = LeaseGrpc.newStub(channel).leaseKeepAlive(new StreamObserver<>() {
                            @Override
                            public void onNext(LeaseKeepAliveResponse value) {
                                send(value);
                            }

                            @Override
                            public void onError(Throwable t) {
                                // The leader moved or went away: open a new relay on the next request.
                                synchronized (KeepAliveStream.this) {
                                    relay = null;
                                }
                            }

                            @Override
                            public void onCompleted() {
                                synchronized (KeepAliveStream.this) {
                                    relay = null;
                                }
                            }
                        });
                        target = relay;
                    }
                } else {
                    target = relay;
                }
            }
            if (target == null) {
                // The leader (or its address) is not known yet, as during an election: leave this
                // renewal unanswered rather than end the stream; the client renews again within TTL/3.
                return;
            }
            target.onNext(request);
        }

        private synchronized void send(LeaseKeepAliveResponse response) {
            if (!done) {
                responses.onNext(response);
            }
        }

        private void fail(RuntimeException status) {
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                closeRelay();
            }
            responses.onError(status);
        }

        // guarded by this
        private void closeRelay() {
            if (relay != null) {
                relay.onCompleted();
                relay = null;
            }
        }

        @Override
        public void onError(Throwable t) {
            synchronized (this) {
                done = true;
                if (relay != null) {
                    relay.onError(
                            Status.CANCELLED.withDescription("client went away").asRuntimeException());
                    relay = null;
                }
            }
        }

        @Override
        public void onCompleted() {
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                closeRelay();
            }
            responses.onCompleted();
        }
    }
}
