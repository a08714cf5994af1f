package io.capstan.store;

import io.capstan.proto.etcd.WatchCreateRequest;
import io.capstan.proto.etcd.WatchGrpc;
import io.capstan.proto.etcd.WatchRequest;
import io.capstan.proto.etcd.WatchResponse;
import io.capstan.proto.etcd.mvcc.Event;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One etcd Watch stream with one prefix watcher, recording every event it receives and how the stream ended. */
final class RecordingWatch implements AutoCloseable {
    private final StreamObserver<WatchRequest> requests;
    // all guarded by this
    private final List<Event> events = new ArrayList<>();
    private boolean created;
    private boolean canceled;
    private @Nullable Throwable error;
    private boolean ended;

    private RecordingWatch(Channel channel, String prefix, long startRevision) {
        this.requests = WatchGrpc.newStub(channel).watch(new StreamObserver<WatchResponse>() {
            @Override
            public void onNext(WatchResponse response) {
                synchronized (RecordingWatch.this) {
                    created |= response.getCreated();
                    canceled |= response.getCanceled();
                    events.addAll(response.getEventsList());
                }
            }

            @Override
            public void onError(Throwable t) {
                synchronized (RecordingWatch.this) {
                    error = t;
                    ended = true;
                }
            }

            @Override
            public void onCompleted() {
                synchronized (RecordingWatch.this) {
                    ended = true;
                }
            }
        });
        requests.onNext(WatchRequest.newBuilder()
                .setCreateRequest(WatchCreateRequest.newBuilder()
                        .setKey(ClusterReads.bytes(prefix))
                        .setRangeEnd(ClusterReads.prefixEnd(prefix))
                        .setStartRevision(startRevision))
                .build());
    }

    /** Watches every key under {@code prefix} from {@code startRevision} (0 = from now). */
    static RecordingWatch prefix(Channel channel, String prefix, long startRevision) {
        return new RecordingWatch(channel, prefix, startRevision);
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    synchronized List<Long> revisions() {
        return events.stream().map(e -> e.getKv().getModRevision()).toList();
    }

    /** The mod revision of the newest event received, or 0. */
    synchronized long lastRevision() {
        return events.isEmpty() ? 0 : events.get(events.size() - 1).getKv().getModRevision();
    }

    synchronized boolean isCreated() {
        return created;
    }

    synchronized boolean isCanceled() {
        return canceled;
    }

    /** Whether the stream ended: the peer went away or closed it. */
    synchronized boolean hasEnded() {
        return ended;
    }

    synchronized @Nullable Throwable error() {
        return error;
    }

    @Override
    public void close() {
        try {
            requests.onCompleted();
        } catch (IllegalStateException ignored) {
            // the call already ended
        }
    }
}
