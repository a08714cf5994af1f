package io.capstan.store.rpc;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Completes a unary call from a future or a synchronous answer, mapping failures once. */
final class Unary {
    private Unary() {}

    static <T> void reply(CompletableFuture<T> future, StreamObserver<T> observer) {
        future.whenComplete((value, error) -> {
            if (error != null) {
                observer.onError(EtcdErrors.toStatus(error));
            } else {
                observer.onNext(value);
                observer.onCompleted();
            }
        });
    }

    static <T> void reply(Supplier<T> answer, StreamObserver<T> observer) {
        T value;
        try {
            value = answer.get();
        } catch (RuntimeException e) {
            observer.onError(EtcdErrors.toStatus(e));
            return;
        }
        observer.onNext(value);
        observer.onCompleted();
    }
}
