package io.capstan.apiserver.watch;

import io.capstan.apiserver.storage.KvStore;
import io.capstan.apiserver.storage.KvStoreException;
import io.capstan.apiserver.storage.WatchListener;
import io.capstan.apiserver.watch.CacheState.Change;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.capstan.proto.etcd.WatchCreateRequest;
import io.capstan.proto.etcd.mvcc.Event;
import io.capstan.proto.etcd.mvcc.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store calls of one {@link WatchCache}, as client-go's ListWatch: list its kind's key prefix,
 * watch the prefix from a revision, and decode what comes back into {@link CachedObject}s and
 * {@link Change}s. A value that does not decode is logged and skipped: nothing a retry fixes, and
 * the object stays invisible until it is written again.
 *
 * <p>Holds no state of the cache and takes no lock; thread-safe.
 */
final class KindListWatch {
    private static final Logger log = LoggerFactory.getLogger(KindListWatch.class);

    private final KindCodec codec;
    private final KvStore kv;

    KindListWatch(KindCodec codec, KvStore kv) {
        this.codec = codec;
        this.kv = kv;
    }

    /** Lists every key of the kind at the store's current revision. */
    CompletableFuture<RangeResponse> list() {
        String prefix = codec.prefix();
        RangeRequest request = RangeRequest.newBuilder()
                .setKey(KindCodec.utf8(prefix))
                .setRangeEnd(KindCodec.prefixEnd(prefix))
                .build();
        return kv.range(request);
    }

    /** Watches every key of the kind from {@code fromRevision}, with the store's progress notifications. */
    KvStore.Watch watch(long fromRevision, WatchListener listener) {
        String prefix = codec.prefix();
        WatchCreateRequest request = WatchCreateRequest.newBuilder()
                .setKey(KindCodec.utf8(prefix))
                .setRangeEnd(KindCodec.prefixEnd(prefix))
                .setStartRevision(fromRevision)
                .setProgressNotify(true)
                .build();
        return kv.watch(request, listener);
    }

    /** The listed objects that decode, in the list's order. */
    List<CachedObject> objects(RangeResponse response) {
        List<CachedObject> listed = new ArrayList<>(response.getKvsCount());
        for (KeyValue kv : response.getKvsList()) {
            CachedObject object = decode(kv);
            if (object != null) {
                listed.add(object);
            }
        }
        return listed;
    }

    /** One change per store event, in order; a put whose value does not decode has no object. */
    List<Change> changes(List<Event> events) {
        List<Change> changes = new ArrayList<>(events.size());
        for (Event event : events) {
            KeyValue kv = event.getKv();
            boolean delete = event.getType() == Event.EventType.DELETE;
            CachedObject object = delete ? null : decode(kv);
            changes.add(new Change(kv.getKey().toStringUtf8(), kv.getModRevision(), delete, object));
        }
        return changes;
    }

    private @Nullable CachedObject decode(KeyValue kv) {
        try {
            return codec.decode(kv.getKey().toStringUtf8(), kv.getValue(), kv.getModRevision());
        } catch (KvStoreException e) {
            // nothing a retry fixes; the object stays invisible until it is written again
            log.error(
                    "Watch cache skips an undecodable value kind={}",
                    codec.kind().kindName(),
                    e);
            return null;
        }
    }
}
