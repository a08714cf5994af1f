package io.capstan.store.rpc;

import io.capstan.proto.etcd.ResponseHeader;
import io.capstan.proto.etcd.WatchCreateRequest;
import io.capstan.proto.etcd.WatchGrpc;
import io.capstan.proto.etcd.WatchResponse;
import io.capstan.store.kv.EtcdError;
import io.capstan.store.kv.KeyValueStore;
import io.capstan.store.watch.DuplicateWatchIdException;
import io.capstan.store.watch.WatchBatch;
import io.capstan.store.watch.WatchFilter;
import io.capstan.store.watch.WatchHub;
import io.capstan.store.watch.WatchRequest;
import io.capstan.store.watch.WatchStream;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * etcd's Watch service: one gRPC stream carries many watchers. Batches from the hub are sent only
 * while the transport is ready; when it is not, the hub turns the watcher into a victim and catches
 * it up from history later, so a slow client never holds memory or the hub.
 */
public final class WatchService extends WatchGrpc.WatchImplBase {
    private final KeyValueStore store;
    private final WatchHub hub;

    public WatchService(KeyValueStore store, WatchHub hub) {
        this.store = store;
        this.hub = hub;
    }

    @Override
    public StreamObserver<io.capstan.proto.etcd.WatchRequest> watch(StreamObserver<WatchResponse> responses) {
        ServerCallStreamObserver<WatchResponse> call = (ServerCallStreamObserver<WatchResponse>) responses;
        ClientStream stream = new ClientStream(call);
        call.setOnReadyHandler(stream::onReady);
        call.setOnCancelHandler(stream::close);
        return stream;
    }

    private final class ClientStream implements StreamObserver<io.capstan.proto.etcd.WatchRequest> {
        private final ServerCallStreamObserver<WatchResponse> call;
        private final Object sendLock = new Object();
        private final WatchStream watchers;
        // guarded by sendLock
        private boolean closed;

        ClientStream(ServerCallStreamObserver<WatchResponse> call) {
            this.call = call;
            this.watchers = hub.openStream(this::offer);
        }

        /** Called on the hub thread; never blocks. */
        private boolean offer(WatchBatch batch) {
            synchronized (sendLock) {
                if (closed) {
                    return true; // nothing more will be sent; drop quietly
                }
                boolean mustSend = batch.kind() == WatchBatch.Kind.COMPACTED;
                if (!mustSend && !call.isReady()) {
                    return false;
                }
                call.onNext(toResponse(batch));
                return true;
            }
        }

        private WatchResponse toResponse(WatchBatch batch) {
            ResponseHeader header =
                    store.header().toBuilder().setRevision(batch.revision()).build();
            WatchResponse.Builder response =
                    WatchResponse.newBuilder().setHeader(header).setWatchId(batch.watchId());
            switch (batch.kind()) {
                case EVENTS -> response.addAllEvents(batch.events());
                case PROGRESS -> {}
                case COMPACTED ->
                    response.setCanceled(true)
                            .setCompactRevision(batch.compactRevision())
                            .setCancelReason(EtcdError.COMPACTED.message());
            }
            return response.build();
        }

        void onReady() {
            watchers.signalReady();
        }

        @Override
        public void onNext(io.capstan.proto.etcd.WatchRequest request) {
            switch (request.getRequestUnionCase()) {
                case CREATE_REQUEST -> create(request.getCreateRequest());
                case CANCEL_REQUEST -> {
                    long id = request.getCancelRequest().getWatchId();
                    if (watchers.cancel(id)) {
                        send(WatchResponse.newBuilder()
                                .setHeader(store.header())
                                .setWatchId(id)
                                .setCanceled(true)
                                .build());
                    }
                }
                case PROGRESS_REQUEST -> watchers.requestProgress();
                case REQUESTUNION_NOT_SET -> {}
            }
        }

        private void create(WatchCreateRequest create) {
            Set<WatchFilter> filters = EnumSet.noneOf(WatchFilter.class);
            for (WatchCreateRequest.FilterType filter : create.getFiltersList()) {
                switch (filter) {
                    case NOPUT -> filters.add(WatchFilter.NOPUT);
                    case NODELETE -> filters.add(WatchFilter.NODELETE);
                    case UNRECOGNIZED -> {}
                }
            }
            WatchRequest request = new WatchRequest(
                    Math.max(create.getWatchId(), WatchRequest.AUTO_WATCH_ID),
                    create.getKey(),
                    create.getRangeEnd(),
                    create.getStartRevision(),
                    create.getPrevKv(),
                    filters,
                    create.getProgressNotify());
            // Holding the send lock across watch() and the "created" reply makes "created" precede
            // every batch of the new watcher.
            synchronized (sendLock) {
                if (closed) {
                    return;
                }
                WatchResponse.Builder response = WatchResponse.newBuilder().setHeader(store.header());
                try {
                    long id = watchers.watch(request);
                    response.setWatchId(id).setCreated(true);
                } catch (DuplicateWatchIdException | IllegalArgumentException | IllegalStateException e) {
                    response.setWatchId(-1).setCreated(true).setCanceled(true).setCancelReason(reason(e));
                }
                call.onNext(response.build());
            }
        }

        private String reason(RuntimeException e) {
            String message = e.getMessage();
            return message == null ? e.toString() : message;
        }

        private void send(WatchResponse response) {
            synchronized (sendLock) {
                if (!closed) {
                    call.onNext(response);
                }
            }
        }

        @Override
        public void onError(@Nullable Throwable t) {
            close();
        }

        @Override
        public void onCompleted() {
            close();
            synchronized (sendLock) {
                try {
                    call.onCompleted();
                } catch (IllegalStateException ignored) {
                    // already cancelled by the client
                }
            }
        }

        void close() {
            synchronized (sendLock) {
                closed = true;
            }
            watchers.close();
        }
    }
}
