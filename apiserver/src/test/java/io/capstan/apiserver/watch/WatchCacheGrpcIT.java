package io.capstan.apiserver.watch;

import static io.capstan.apiserver.watch.Fixtures.put;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capstan.apiserver.storage.ObjectKind;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.ObjectServiceGrpc;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.WatchEvent;
import io.capstan.proto.api.v1.WatchRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Watch over real gRPC on 127.0.0.1: flow control, cancellation and request errors as a client sees them. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WatchCacheGrpcIT {
    private static final int BUFFER = 50;
    /** Large enough that a few hundred events overrun gRPC's flow-control window. */
    private static final String PADDING = "x".repeat(10_000);

    private final FakeKvStore store = new FakeKvStore();
    private final WatchCaches caches =
            new WatchCaches(store, WatchCacheConfig.defaults().withWatcherBufferCapacity(BUFFER));
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new ObjectServiceGrpc.ObjectServiceImplBase() {
                    @Override
                    public void watch(WatchRequest request, StreamObserver<WatchEvent> responses) {
                        WatchCall.serve(caches, request, (ServerCallStreamObserver<WatchEvent>) responses);
                    }
                })
                .build()
                .start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
                .usePlaintext()
                .build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow();
        server.shutdownNow();
        caches.close();
        channel.awaitTermination(10, TimeUnit.SECONDS);
        server.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Test
    void badSelectorFailsTheCallWithInvalidArgument() {
        Iterator<WatchEvent> events = ObjectServiceGrpc.newBlockingStub(channel)
                .watch(WatchRequest.newBuilder()
                        .setKind("Pod")
                        .setLabelSelector("app==")
                        .setFieldSelector("spec.nodeName")
                        .build());

        assertThatThrownBy(events::hasNext).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).startsWith("fieldSelector: ");
        });
    }

    @Test
    void clientThatStopsReadingIsEndedWhileAReadingOneGetsEverything() {
        WatchCache cache = caches.cache(ObjectKind.POD);
        await().atMost(ofSeconds(10)).until(cache::hasSynced);
        RecordingClient reader = RecordingClient.watch(channel, Long.MAX_VALUE);
        RecordingClient stalled = RecordingClient.watch(channel, 0);
        await().atMost(ofSeconds(10)).until(() -> cache.watcherCount() == 2);

        int written = 0;
        // bursts smaller than a watcher's buffer, so only the client that stopped reading falls behind
        while (cache.watcherCount() == 2 && written < 1_000) {
            for (int i = 0; i < BUFFER / 2; i++, written++) {
                put(store, bigPod("p" + written));
            }
            int target = written;
            await().atMost(ofSeconds(20)).until(() -> reader.count() >= target);
        }

        assertThat(cache.watcherCount()).isEqualTo(1);
        assertThat(reader.types()).hasSize(written).containsOnly(WatchEvent.Type.TYPE_ADDED);
        stalled.request(Integer.MAX_VALUE);
        await().atMost(ofSeconds(20)).until(stalled::isCompleted);
        List<WatchEvent> received = stalled.events();
        assertThat(received.get(received.size() - 1).getError().getCode()).isEqualTo(8);
        assertThat(received.subList(0, received.size() - 1)).allMatch(e -> e.getType() == WatchEvent.Type.TYPE_ADDED);
        assertThat(stalled.error()).isNull();
    }

    @Test
    void cancelledCallRemovesItsWatcher() {
        WatchCache cache = caches.cache(ObjectKind.POD);
        RecordingClient client = RecordingClient.watch(channel, Long.MAX_VALUE);
        await().atMost(ofSeconds(10)).until(() -> cache.watcherCount() == 1);

        client.cancel();

        await().atMost(ofSeconds(10)).until(() -> cache.watcherCount() == 0);
    }

    private static TypedObject bigPod(String name) {
        return TypedObject.newBuilder()
                .setPod(Pod.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder()
                                .setNamespace("ns")
                                .setName(name)
                                .putAnnotations("padding", PADDING)))
                .build();
    }

    /** A watch client that reads only as many events as it has requested. */
    private static final class RecordingClient implements ClientResponseObserver<WatchRequest, WatchEvent> {
        private final long initialRequest;
        // guarded by this
        private final List<WatchEvent> events = new ArrayList<>();
        private boolean completed;
        private Throwable error;
        private ClientCallStreamObserver<WatchRequest> call;

        private RecordingClient(long initialRequest) {
            this.initialRequest = initialRequest;
        }

        static RecordingClient watch(ManagedChannel channel, long initialRequest) {
            RecordingClient client = new RecordingClient(initialRequest);
            ObjectServiceGrpc.newStub(channel)
                    .watch(WatchRequest.newBuilder().setKind("Pod").build(), client);
            return client;
        }

        @Override
        public synchronized void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
            call = requestStream;
            requestStream.disableAutoRequestWithInitial((int) Math.min(initialRequest, Integer.MAX_VALUE));
        }

        @Override
        public synchronized void onNext(WatchEvent event) {
            events.add(event);
        }

        @Override
        public synchronized void onError(Throwable t) {
            error = t;
        }

        @Override
        public synchronized void onCompleted() {
            completed = true;
        }

        synchronized void request(int count) {
            call.request(count);
        }

        synchronized void cancel() {
            call.cancel("test cancels", null);
        }

        synchronized int count() {
            return events.size();
        }

        synchronized List<WatchEvent> events() {
            return List.copyOf(events);
        }

        synchronized List<WatchEvent.Type> types() {
            return events.stream().map(WatchEvent::getType).toList();
        }

        synchronized boolean isCompleted() {
            return completed;
        }

        synchronized Throwable error() {
            return error;
        }
    }
}
