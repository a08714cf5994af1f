package io.capstan.apiserver.watch;

import static io.capstan.apiserver.watch.Fixtures.pod;
import static io.capstan.apiserver.watch.Fixtures.put;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.apiserver.storage.ObjectKind;
import io.capstan.proto.api.v1.WatchRequest;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The gRPC side of a watch, over a fake call. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WatchCallTest {
    private final FakeKvStore store = new FakeKvStore();
    private final WatchCaches caches = new WatchCaches(store, WatchCacheConfig.defaults());

    @AfterEach
    void close() {
        caches.close();
    }

    static Stream<Arguments> invalidRequests() {
        WatchRequest pods = WatchRequest.newBuilder().setKind("Pod").build();
        return Stream.of(
                Arguments.of(pods.toBuilder().setKind("Pods").build(), "kind: unknown kind \"Pods\""),
                Arguments.of(pods.toBuilder().setLabelSelector("app in (web").build(), "labelSelector: at position 11"),
                Arguments.of(
                        pods.toBuilder().setFieldSelector("spec.replicas=1").build(), "fieldSelector: field"),
                Arguments.of(pods.toBuilder().setResourceVersion("abc").build(), "resourceVersion: must be"),
                Arguments.of(pods.toBuilder().setResourceVersion("-5").build(), "resourceVersion: must be"),
                Arguments.of(
                        pods.toBuilder().setSendInitialEvents(true).build(),
                        "sendInitialEvents: requires allowBookmarks"),
                Arguments.of(
                        WatchRequest.newBuilder()
                                .setKind("Node")
                                .setNamespace("ns")
                                .build(),
                        "namespace: Node is cluster-scoped"));
    }

    @ParameterizedTest
    @MethodSource("invalidRequests")
    void invalidRequestFailsWithInvalidArgumentNamingTheField(WatchRequest request, String messageStart) {
        FakeServerCall call = new FakeServerCall();

        WatchCall.serve(caches, request, call);

        assertThat(call.error()).isNotNull();
        assertThat(call.error().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(call.error().getDescription()).startsWith(messageStart);
        assertThat(call.events()).isEmpty();
    }

    @Test
    void sendsOnlyWhileTheCallIsReady() {
        FakeServerCall call = new FakeServerCall();
        WatchCall.serve(caches, WatchRequest.newBuilder().setKind("Pod").build(), call);
        WatchCache cache = caches.cache(ObjectKind.POD);
        await().atMost(ofSeconds(10)).until(() -> cache.watcherCount() == 1);
        long first = put(store, pod("ns", "a", Map.of()));
        await().atMost(ofSeconds(10)).until(() -> call.events().size() == 1);

        call.ready(false);
        List<String> expected = new ArrayList<>(List.of("ADDED ns/a@" + first));
        for (int i = 0; i < 3; i++) {
            expected.add("ADDED ns/p" + i + "@" + put(store, pod("ns", "p" + i, Map.of())));
        }
        // a second watcher that is ready shows that the events went out meanwhile
        FakeServerCall witness = new FakeServerCall();
        WatchCall.serve(
                caches,
                WatchRequest.newBuilder()
                        .setKind("Pod")
                        .setResourceVersion(Long.toString(first))
                        .build(),
                witness);
        await().atMost(ofSeconds(10)).until(() -> witness.events().size() == 3);
        assertThat(call.summary()).containsExactly("ADDED ns/a@" + first);

        call.becomeReady();

        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(call.summary()).isEqualTo(expected));
    }

    @Test
    void cancelledCallRemovesTheWatcher() {
        FakeServerCall call = new FakeServerCall();
        WatchCall.serve(
                caches,
                WatchRequest.newBuilder().setKind("Pod").setAllowBookmarks(true).build(),
                call);
        WatchCache cache = caches.cache(ObjectKind.POD);
        await().atMost(ofSeconds(10)).until(() -> cache.watcherCount() == 1);

        call.cancel();

        assertThat(cache.watcherCount()).isZero();
        put(store, pod("ns", "a", Map.of()));
        assertThat(call.events()).isEmpty();
        assertThat(call.isCompleted()).isFalse();
    }

    @Test
    void endedWatchSendsItsErrorThenCompletes() {
        long created = put(store, pod("ns", "a", Map.of()));
        WatchCache cache = caches.cache(ObjectKind.POD);
        await().atMost(ofSeconds(10)).until(cache::hasSynced);
        FakeServerCall call = new FakeServerCall();

        WatchCall.serve(
                caches,
                WatchRequest.newBuilder()
                        .setKind("Pod")
                        .setResourceVersion(Long.toString(created - 1))
                        .build(),
                call);

        await().atMost(ofSeconds(10)).until(call::isCompleted);
        assertThat(call.summary()).containsExactly("ERROR 11");
        assertThat(call.error()).isNull();
        assertThat(call.callsAfterEnd()).isZero();
    }

    @Test
    void initialEventsThroughTheCall() {
        long created = put(store, pod("ns", "a", Map.of("app", "web")));
        put(store, pod("ns", "b", Map.of("app", "db")));
        FakeServerCall call = new FakeServerCall();

        WatchCall.serve(
                caches,
                WatchRequest.newBuilder()
                        .setKind("Pod")
                        .setLabelSelector("app=web")
                        .setSendInitialEvents(true)
                        .setAllowBookmarks(true)
                        .build(),
                call);

        long revision = store.revision();
        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(call.summary())
                        .containsExactly("ADDED ns/a@" + created, "BOOKMARK @" + revision + " end"));
    }
}
