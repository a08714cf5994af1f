package io.capstan.store.rpc;

import io.capstan.proto.etcd.CompactionRequest;
import io.capstan.proto.etcd.CompactionResponse;
import io.capstan.proto.etcd.DeleteRangeRequest;
import io.capstan.proto.etcd.DeleteRangeResponse;
import io.capstan.proto.etcd.KVGrpc;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.PutResponse;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.capstan.proto.etcd.TxnRequest;
import io.capstan.proto.etcd.TxnResponse;
import io.capstan.store.kv.KeyValueStore;
import io.grpc.stub.StreamObserver;

/** etcd's KV service over the store's Java API. */
public final class KvService extends KVGrpc.KVImplBase {
    private final KeyValueStore store;

    public KvService(KeyValueStore store) {
        this.store = store;
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> observer) {
        Unary.reply(store.range(request), observer);
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> observer) {
        Unary.reply(store.put(request), observer);
    }

    @Override
    public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> observer) {
        Unary.reply(store.deleteRange(request), observer);
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> observer) {
        Unary.reply(store.txn(request), observer);
    }

    @Override
    public void compact(CompactionRequest request, StreamObserver<CompactionResponse> observer) {
        Unary.reply(store.compact(request), observer);
    }
}
