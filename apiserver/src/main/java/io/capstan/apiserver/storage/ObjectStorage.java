package io.capstan.apiserver.storage;

import com.google.protobuf.ByteString;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.etcd.Compare;
import io.capstan.proto.etcd.DeleteRangeRequest;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.capstan.proto.etcd.RequestOp;
import io.capstan.proto.etcd.TxnRequest;
import io.capstan.proto.etcd.TxnResponse;
import io.capstan.proto.etcd.mvcc.KeyValue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Objects in the store, laid out and written as kube-apiserver's etcd3 storage does. An object of
 * a namespaced kind lives at {@code /registry/<plural>/<namespace>/<name>}, one of a
 * cluster-scoped kind (Namespace, Node) at {@code /registry/<plural>/<name>}; the value is the
 * kind's own protobuf message (a Pod's bytes, not a {@link TypedObject}), stored with an empty
 * resourceVersion. An object's resourceVersion is its key's {@code mod_revision} in decimal, filled
 * in on every read and write.
 *
 * <p><b>Guarantees.</b> Every call is one store request, so a write applies whole or not at all.
 * Writes are optimistic: create succeeds only if the key has never been created (or was deleted),
 * update and delete only if the resourceVersion precondition still equals the key's
 * {@code mod_revision}. A list is one consistent snapshot across its pages: the first page reads at
 * the newest revision and every later page reads at that same revision, carried in the continue
 * token, so objects written meanwhile do not appear and none is seen twice.
 *
 * <p><b>Does not</b> validate objects beyond what the key needs (name and namespace), set uid,
 * generation or timestamps, check that a namespace exists, or retry: a conflict is the caller's
 * to resolve by re-reading.
 *
 * <p><b>Failures.</b> Futures fail with {@link AlreadyExistsException} (create),
 * {@link NotFoundException} and {@link ConflictException} (update, delete), {@link
 * CompactedException} when a continue token's revision has been compacted (the API answers
 * "expired" and the client relists), and otherwise the {@link KvStoreException} of the store. A
 * malformed name, namespace, resourceVersion or continue token throws {@link
 * IllegalArgumentException} directly, with the field in the message.
 *
 * <p><b>Threads.</b> Thread-safe and stateless beyond the store; futures complete on the store's
 * threads.
 */
public final class ObjectStorage {
    private final KvStore kv;

    public ObjectStorage(KvStore kv) {
        this.kv = Objects.requireNonNull(kv, "kv");
    }

    /** One page of a list. */
    public record ListPage(List<TypedObject> items, String resourceVersion, Optional<String> continueToken) {
        public ListPage {
            items = List.copyOf(items);
        }
    }

    /** Creates {@code object}; the result carries the resourceVersion of the create. */
    public CompletableFuture<TypedObject> create(TypedObject object) {
        return create(object, TxnGuard.NONE);
    }

    /**
     * Creates {@code object} in one transaction with {@code guard}'s compares and ops; fails with
     * {@link GuardFailedException} if the name was free but a guard compare did not hold.
     */
    public CompletableFuture<TypedObject> create(TypedObject object, TxnGuard guard) {
        ObjectKind kind = ObjectKind.of(object);
        ObjectMeta meta = ObjectKind.metadata(object);
        ByteString key = utf8(kind.key(meta.getNamespace(), meta.getName()));
        TxnRequest txn = TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder()
                        .setKey(key)
                        .setTarget(Compare.CompareTarget.CREATE)
                        .setResult(Compare.CompareResult.EQUAL)
                        .setCreateRevision(0))
                .addAllCompare(guard.compares())
                .addSuccess(put(key, kind, object, guard.lease()))
                .addAllSuccess(guard.ops())
                .addFailure(rangeOp(key))
                .build();
        return kv.txn(txn).thenApply(response -> {
            if (!response.getSucceeded()) {
                if (response.getResponses(0).getResponseRange().getKvsCount() == 0) {
                    throw new GuardFailedException(kind, meta.getNamespace(), meta.getName());
                }
                throw new AlreadyExistsException(kind, meta.getNamespace(), meta.getName());
            }
            return ObjectKind.withResourceVersion(
                    object, Long.toString(response.getHeader().getRevision()));
        });
    }

    /** The object, with its current resourceVersion, or empty if there is none. */
    public CompletableFuture<Optional<TypedObject>> get(ObjectKind kind, String namespace, String name) {
        ByteString key = utf8(kind.key(namespace, name));
        return kv.range(RangeRequest.newBuilder().setKey(key).build())
                .thenApply(
                        response -> response.getKvsList().stream().findFirst().map(kv -> decode(kind, kv)));
    }

    /**
     * Replaces the stored object with {@code object} if its {@code metadata.resource_version} is
     * still current; an empty resourceVersion replaces whatever is stored, as Kubernetes allows
     * for an unconditional update. The result carries the new resourceVersion.
     */
    public CompletableFuture<TypedObject> update(TypedObject object) {
        return update(object, TxnGuard.NONE);
    }

    /** {@link #update(TypedObject)} in one transaction with {@code guard}; see {@link #create(TypedObject, TxnGuard)}. */
    public CompletableFuture<TypedObject> update(TypedObject object, TxnGuard guard) {
        ObjectKind kind = ObjectKind.of(object);
        ObjectMeta meta = ObjectKind.metadata(object);
        ByteString key = utf8(kind.key(meta.getNamespace(), meta.getName()));
        String expected = meta.getResourceVersion();
        TxnRequest txn = TxnRequest.newBuilder()
                .addCompare(modRevisionPrecondition(key, expected))
                .addAllCompare(guard.compares())
                .addSuccess(put(key, kind, object, guard.lease()))
                .addAllSuccess(guard.ops())
                .addFailure(rangeOp(key))
                .build();
        return kv.txn(txn).thenApply(response -> {
            if (!response.getSucceeded()) {
                throw failedPrecondition(kind, meta.getNamespace(), meta.getName(), expected, response);
            }
            return ObjectKind.withResourceVersion(
                    object, Long.toString(response.getHeader().getRevision()));
        });
    }

    /**
     * Deletes the object if it exists and, when {@code resourceVersion} is present, still has that
     * resourceVersion. The result is the object as it was, with the resourceVersion of the delete
     * (the revision a watch reports the deletion at), as kube-apiserver returns it.
     */
    public CompletableFuture<TypedObject> delete(
            ObjectKind kind, String namespace, String name, Optional<String> resourceVersion) {
        return delete(kind, namespace, name, resourceVersion, TxnGuard.NONE);
    }

    /** {@link #delete(ObjectKind, String, String, Optional)} in one transaction with {@code guard}'s ops. */
    public CompletableFuture<TypedObject> delete(
            ObjectKind kind, String namespace, String name, Optional<String> resourceVersion, TxnGuard guard) {
        ByteString key = utf8(kind.key(namespace, name));
        String expected = resourceVersion.orElse("");
        TxnRequest txn = TxnRequest.newBuilder()
                .addCompare(modRevisionPrecondition(key, expected))
                .addAllCompare(guard.compares())
                .addSuccess(RequestOp.newBuilder()
                        .setRequestDeleteRange(
                                DeleteRangeRequest.newBuilder().setKey(key).setPrevKv(true)))
                .addAllSuccess(guard.ops())
                .addFailure(rangeOp(key))
                .build();
        return kv.txn(txn).thenApply(response -> {
            if (!response.getSucceeded()) {
                throw failedPrecondition(kind, namespace, name, expected, response);
            }
            List<KeyValue> prevKvs =
                    response.getResponses(0).getResponseDeleteRange().getPrevKvsList();
            if (prevKvs.isEmpty()) {
                // The compare saw the key, so the delete removed it; only a store that drops prev_kv lands here.
                throw new KvStoreException("delete of " + key.toStringUtf8() + " returned no previous value", null);
            }
            return ObjectKind.withResourceVersion(
                    kind.parse(prevKvs.get(0).getValue()),
                    Long.toString(response.getHeader().getRevision()));
        });
    }

    /**
     * Lists objects of {@code kind} in {@code namespace} ("" for all namespaces, and always "" for a
     * cluster-scoped kind) in key order, at most {@code limit} of them (0 for all). Pass the
     * previous page's continue token as {@code continueToken} ("" for the first page) to read the
     * next page at the first page's revision; fails with {@link CompactedException} if that
     * revision has been compacted since.
     */
    public CompletableFuture<ListPage> list(ObjectKind kind, String namespace, long limit, String continueToken) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit: must be >= 0, got " + limit);
        }
        String prefix = kind.prefix(namespace);
        ByteString rangeEnd = prefixEnd(utf8(prefix));
        ByteString start;
        long revision;
        if (continueToken.isEmpty()) {
            start = utf8(prefix);
            revision = 0;
        } else {
            ContinuePoint point = ContinuePoint.decode(continueToken);
            if (!point.nextKey().startsWith(prefix)) {
                throw new IllegalArgumentException("continue: token is for another list");
            }
            start = utf8(point.nextKey());
            revision = point.revision();
        }
        RangeRequest request = RangeRequest.newBuilder()
                .setKey(start)
                .setRangeEnd(rangeEnd)
                .setLimit(limit)
                .setRevision(revision)
                .build();
        return kv.range(request).thenApply(response -> toPage(kind, response, revision));
    }

    private static ListPage toPage(ObjectKind kind, RangeResponse response, long pinnedRevision) {
        long listRevision =
                pinnedRevision != 0 ? pinnedRevision : response.getHeader().getRevision();
        List<TypedObject> items = new ArrayList<>(response.getKvsCount());
        for (KeyValue kv : response.getKvsList()) {
            items.add(decode(kind, kv));
        }
        Optional<String> continueToken = Optional.empty();
        if (response.getMore() && response.getKvsCount() > 0) {
            // The smallest key after the last one returned, as kube-apiserver continues.
            String lastKey =
                    response.getKvs(response.getKvsCount() - 1).getKey().toStringUtf8();
            continueToken = Optional.of(new ContinuePoint(listRevision, lastKey + "\0").encode());
        }
        return new ListPage(items, Long.toString(listRevision), continueToken);
    }

    /** Where the next page of a list starts, and the revision the whole list is read at. */
    record ContinuePoint(long revision, String nextKey) {
        String encode() {
            byte[] key = nextKey.getBytes(StandardCharsets.UTF_8);
            ByteBuffer buffer = ByteBuffer.allocate(Long.BYTES + key.length);
            buffer.putLong(revision).put(key);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
        }

        static ContinuePoint decode(String token) {
            byte[] bytes;
            try {
                bytes = Base64.getUrlDecoder().decode(token);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("continue: malformed token", e);
            }
            if (bytes.length <= Long.BYTES) {
                throw new IllegalArgumentException("continue: malformed token");
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            long revision = buffer.getLong();
            if (revision <= 0) {
                throw new IllegalArgumentException("continue: malformed token");
            }
            String nextKey = new String(bytes, Long.BYTES, bytes.length - Long.BYTES, StandardCharsets.UTF_8);
            return new ContinuePoint(revision, nextKey);
        }
    }

    static String displayName(String namespace, String name) {
        return namespace.isEmpty() ? name : namespace + "/" + name;
    }

    private static TypedObject decode(ObjectKind kind, KeyValue kv) {
        return ObjectKind.withResourceVersion(kind.parse(kv.getValue()), Long.toString(kv.getModRevision()));
    }

    private static RequestOp put(ByteString key, ObjectKind kind, TypedObject object, long lease) {
        // The revision is the store's to keep; a stored copy of it would only go stale.
        TypedObject stored = ObjectKind.withResourceVersion(object, "");
        return RequestOp.newBuilder()
                .setRequestPut(PutRequest.newBuilder()
                        .setKey(key)
                        .setValue(kind.toBytes(stored))
                        .setLease(lease))
                .build();
    }

    private static RequestOp rangeOp(ByteString key) {
        return RequestOp.newBuilder()
                .setRequestRange(RangeRequest.newBuilder().setKey(key))
                .build();
    }

    /** mod_revision == resourceVersion, or for an empty one just "the key exists". */
    private static Compare modRevisionPrecondition(ByteString key, String resourceVersion) {
        Compare.Builder compare = Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.MOD);
        if (resourceVersion.isEmpty()) {
            return compare.setResult(Compare.CompareResult.GREATER)
                    .setModRevision(0)
                    .build();
        }
        return compare.setResult(Compare.CompareResult.EQUAL)
                .setModRevision(parseResourceVersion(resourceVersion))
                .build();
    }

    private static RuntimeException failedPrecondition(
            ObjectKind kind, String namespace, String name, String expected, TxnResponse response) {
        List<KeyValue> current = response.getResponses(0).getResponseRange().getKvsList();
        if (current.isEmpty()) {
            return new NotFoundException(kind, namespace, name);
        }
        long currentRevision = current.get(0).getModRevision();
        if (expected.isEmpty() || Long.toString(currentRevision).equals(expected)) {
            return new GuardFailedException(kind, namespace, name);
        }
        return new ConflictException(
                kind, namespace, name, expected, Long.toString(current.get(0).getModRevision()));
    }

    private static long parseResourceVersion(String resourceVersion) {
        try {
            long revision = Long.parseLong(resourceVersion);
            if (revision > 0) {
                return revision;
            }
        } catch (NumberFormatException e) {
            // reported below with the field name
        }
        throw new IllegalArgumentException(
                "metadata.resourceVersion: must be a positive decimal revision, got \"" + resourceVersion + "\"");
    }

    private static ByteString prefixEnd(ByteString prefix) {
        byte[] end = prefix.toByteArray();
        // Every prefix ends in '/', so incrementing the last byte cannot overflow.
        end[end.length - 1]++;
        return ByteString.copyFrom(end);
    }

    private static ByteString utf8(String s) {
        return ByteString.copyFromUtf8(s);
    }
}
