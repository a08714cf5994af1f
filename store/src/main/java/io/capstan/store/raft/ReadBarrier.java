package io.capstan.store.raft;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftPeerId;
import org.jspecify.annotations.Nullable;

/**
 * Linearizable reads, served on any peer: a reader waits for a Raft ReadIndex round that started
 * after it arrived; once that round answers, this peer has applied everything committed before
 * the read began, and the read runs on local state. Concurrent readers share one round (etcd's
 * linearizable read loop does the same), so a burst of reads costs one round trip to the leader.
 *
 * <p>Thread-safe.
 */
final class ReadBarrier {
    private final RaftClient client;
    private final RaftPeerId self;
    private final Duration timeout;

    // guarded by this: readers waiting for a round that has not been sent yet
    private @Nullable CompletableFuture<Void> next;
    // guarded by this
    private boolean roundInFlight;

    ReadBarrier(RaftClient client, RaftPeerId self, Duration timeout) {
        this.client = client;
        this.self = self;
        this.timeout = timeout;
    }

    CompletableFuture<Void> await() {
        CompletableFuture<Void> waiter;
        boolean start = false;
        synchronized (this) {
            if (next == null) {
                next = new CompletableFuture<>();
            }
            waiter = next;
            if (!roundInFlight) {
                roundInFlight = true;
                next = null;
                start = true;
            }
        }
        if (start) {
            startRound(waiter);
        }
        return waiter;
    }

    private void startRound(CompletableFuture<Void> round) {
        client.async()
                .sendReadOnlyUnordered(Message.EMPTY, self)
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((reply, error) -> {
                    if (error != null) {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null
                                ? error.getCause()
                                : error;
                        boolean timedOut = cause instanceof TimeoutException;
                        round.completeExceptionally(new ProposalFailedException(
                                timedOut ? "request timed out" : "read index failed: " + cause.getMessage(),
                                timedOut,
                                cause));
                    } else if (!reply.isSuccess()) {
                        Throwable cause = reply.getException();
                        round.completeExceptionally(new ProposalFailedException(
                                "read index failed: " + (cause == null ? "unsuccessful reply" : cause.getMessage()),
                                false,
                                cause == null ? new IllegalStateException() : cause));
                    } else {
                        round.complete(null);
                    }
                    CompletableFuture<Void> following;
                    synchronized (this) {
                        following = next;
                        next = null;
                        roundInFlight = following != null;
                    }
                    if (following != null) {
                        startRound(following);
                    }
                });
    }
}
