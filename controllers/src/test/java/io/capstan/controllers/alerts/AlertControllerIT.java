package io.capstan.controllers.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.client.ListOptions;
import io.capstan.client.ObjectClient;
import io.capstan.client.TestControlPlane;
import io.capstan.client.events.ProtoTimes;
import io.capstan.client.informer.Informer;
import io.capstan.controllers.alerts.WebhookReceiver.Mode;
import io.capstan.proto.api.v1.AlertMatch;
import io.capstan.proto.api.v1.AlertRoute;
import io.capstan.proto.api.v1.AlertRouteSpec;
import io.capstan.proto.api.v1.AlertRouteStatus;
import io.capstan.proto.api.v1.AlertWebhook;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.HttpHeader;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.ObjectReference;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AlertRoute controller against an in-process control plane and webhook receivers on
 * 127.0.0.1. The test records the Events itself; each test has a namespace of its own and routes
 * that match only it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AlertControllerIT {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final AlertConfig FAST = new AlertConfig(Duration.ofMillis(50), Duration.ofMillis(400));

    private TestControlPlane cluster;
    private ObjectClient api;
    private String ns;
    private Instant base;
    private final List<WebhookReceiver> receivers = new ArrayList<>();
    private final List<Running> running = new ArrayList<>();
    private final List<String> routes = new ArrayList<>();

    private record Running(Informer<AlertRoute> routes, Informer<Event> events, AlertController controller) {
        void close() {
            controller.close();
            routes.close();
            events.close();
        }
    }

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        cluster = TestControlPlane.start(1, root);
        api = cluster.client();
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void namespace(TestInfo test) {
        ns = "al-" + Integer.toHexString(test.getDisplayName().hashCode());
        api.namespaces()
                .create(Namespace.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(ns))
                        .build());
        base = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusSeconds(1);
    }

    @AfterEach
    void cleanUp() {
        for (Running r : running) {
            r.close();
        }
        running.clear();
        for (String route : routes) {
            api.alertRoutes().delete("", route);
        }
        routes.clear();
        for (WebhookReceiver receiver : receivers) {
            receiver.close();
        }
        receivers.clear();
    }

    private Running startController() {
        Informer<AlertRoute> routeInformer = Informer.create(api.alertRoutes(), ListOptions.all(), Duration.ZERO);
        Informer<Event> eventInformer = Informer.create(api.events(), ListOptions.all(), Duration.ZERO);
        AlertController controller =
                new AlertController(routeInformer, eventInformer, api.alertRoutes(), FAST, InstantSource.system());
        routeInformer.start();
        eventInformer.start();
        controller.start();
        Running r = new Running(routeInformer, eventInformer, controller);
        running.add(r);
        return r;
    }

    private WebhookReceiver receiver() throws Exception {
        WebhookReceiver receiver = new WebhookReceiver(0);
        receivers.add(receiver);
        return receiver;
    }

    private AlertRoute route(String name, WebhookReceiver receiver, AlertMatch.Builder match, int windowSeconds) {
        String full = ns + "-" + name;
        routes.add(full);
        AlertRoute created = api.alertRoutes()
                .create(AlertRoute.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(full))
                        .setSpec(AlertRouteSpec.newBuilder()
                                .setWebhook(AlertWebhook.newBuilder()
                                        .setUrl(receiver.url())
                                        .addHeaders(HttpHeader.newBuilder()
                                                .setName("Authorization")
                                                .setValue("Bearer s3cret")))
                                .setMatch(match.addNamespaces(ns))
                                .setGroupWindowSeconds(windowSeconds))
                        .build());
        // A route takes Events from its creation on: the test's Events come after it.
        Instant after = ProtoTimes.toInstant(created.getMetadata().getCreationTimestamp())
                .plusSeconds(1);
        if (after.isAfter(base)) {
            base = after;
        }
        return created;
    }

    private AlertRouteStatus status(String name) {
        return api.alertRoutes().get("", ns + "-" + name).getStatus();
    }

    private Event event(String name, String kind, String object, String reason, Event.Type type, int second) {
        return event(name, kind, object, reason, reason + " happened to " + object, type, second);
    }

    private Event event(
            String name, String kind, String object, String reason, String message, Event.Type type, int second) {
        return api.events()
                .create(Event.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(name).setNamespace(ns))
                        .setInvolvedObject(ObjectReference.newBuilder()
                                .setKind(kind)
                                .setName(object)
                                .setNamespace(ns)
                                .setUid("uid-" + object))
                        .setReason(reason)
                        .setMessage(message)
                        .setType(type)
                        .setCount(1)
                        .setFirstTimestamp(ProtoTimes.toTimestamp(base.plusSeconds(second)))
                        .setLastTimestamp(ProtoTimes.toTimestamp(base.plusSeconds(second)))
                        .build());
    }

    private Event warning(String name, String object, String reason, int second) {
        return event(name, "Pod", object, reason, Event.Type.TYPE_WARNING, second);
    }

    private Event warning(String name, String object, String reason, String message, int second) {
        return event(name, "Pod", object, reason, message, Event.Type.TYPE_WARNING, second);
    }

    private Event repeat(Event event, int second) {
        Event current = api.events().get(ns, event.getMetadata().getName());
        return api.events()
                .update(current.toBuilder()
                        .setCount(current.getCount() + 1)
                        .setLastTimestamp(ProtoTimes.toTimestamp(base.plusSeconds(second)))
                        .build());
    }

    private static String key(Event event) {
        return event.getMetadata().getUid() + "/" + event.getCount();
    }

    private static void awaitAccepted(WebhookReceiver receiver, String... keys) {
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(receiver.accepted()).containsExactly(keys));
    }

    @Test
    void sendsOnlyEventsMatchingTypeReasonNamespaceAndKind() throws Exception {
        WebhookReceiver receiver = receiver();
        startController();
        route(
                "probes",
                receiver,
                AlertMatch.newBuilder().addReasons("Unhealthy").addKinds("Pod"),
                0);

        Event matching = warning("e1", "web-1", "Unhealthy", 0);
        warning("e2", "web-1", "BackOff", 1);
        event("e3", "Node", "node-1", "Unhealthy", Event.Type.TYPE_WARNING, 2);
        event("e4", "Pod", "web-2", "Unhealthy", Event.Type.TYPE_NORMAL, 3);
        String otherNs = ns + "-other";
        api.namespaces()
                .create(Namespace.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(otherNs))
                        .build());
        api.events()
                .create(matching.toBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName("e5").setNamespace(otherNs))
                        .setInvolvedObject(
                                matching.getInvolvedObject().toBuilder().setNamespace(otherNs))
                        .build());
        Event last = warning("e6", "web-3", "Unhealthy", 5);

        awaitAccepted(receiver, key(matching), key(last));
        WebhookReceiver.Request first = receiver.requests().get(0);
        assertThat(first.authorization()).isEqualTo("Bearer s3cret");
        assertThat(first.body().get("text").asText())
                .isEqualTo("[Warning] Unhealthy pod " + ns + "/web-1: Unhealthy happened to web-1");
        assertThat(first.body().at("/alert/key").asText()).isEqualTo(key(matching));
        assertThat(first.body().at("/alert/object/kind").asText()).isEqualTo("Pod");
        assertThat(first.body().at("/alert/object/uid").asText()).isEqualTo("uid-web-1");
        assertThat(first.body().at("/alert/count").asInt()).isEqualTo(1);
        await().atMost(DEADLINE).untilAsserted(() -> {
            AlertRouteStatus status = status("probes");
            assertThat(status.getDeliveredCount()).isEqualTo(2);
            assertThat(status.getLastDelivered().getKey()).isEqualTo(key(last));
            assertThat(status.hasInFlight()).isFalse();
        });
    }

    @Test
    void repeatsWithinTheGroupWindowAreNotSentAndTheNextOneAfterItCarriesTheCount() throws Exception {
        WebhookReceiver receiver = receiver();
        startController();
        route("grouped", receiver, AlertMatch.newBuilder(), 60);

        Event first = warning("e1", "web-1", "Unhealthy", 0);
        awaitAccepted(receiver, key(first));
        repeat(first, 10);
        Event third = repeat(first, 30);
        Event other = warning("e2", "web-2", "Unhealthy", 40);
        awaitAccepted(receiver, key(first), key(other));
        Event fourth = repeat(third, 61);

        awaitAccepted(receiver, key(first), key(other), key(fourth));
        assertThat(fourth.getCount()).isEqualTo(4);
        WebhookReceiver.Request last = receiver.requests().get(2);
        assertThat(last.body().get("text").asText()).endsWith("(x4)");
    }

    @Test
    void anotherMessageAboutTheSameObjectAndReasonIsNotGroupedButTheSameMessageIs() throws Exception {
        WebhookReceiver receiver = receiver();
        startController();
        route("by-message", receiver, AlertMatch.newBuilder(), 60);

        Event readiness = warning("e1", "api-1", "Unhealthy", "Readiness probe failed: connection refused", 0);
        awaitAccepted(receiver, key(readiness));
        Event sameAgain = warning("e2", "api-1", "Unhealthy", "Readiness probe failed: connection refused", 5);
        Event liveness = warning("e3", "api-1", "Unhealthy", "Liveness probe failed: body at /0 is null", 10);

        awaitAccepted(receiver, key(readiness), key(liveness));
        assertThat(receiver.accepted()).doesNotContain(key(sameAgain));
        assertThat(receiver.requests().get(1).body().get("text").asText()).contains("Liveness probe failed");
    }

    @Test
    void aReceiverThatIsDownGetsEveryAlertOnceInOrderWhenItIsBack() throws Exception {
        WebhookReceiver receiver = receiver();
        receiver.mode(Mode.FAIL);
        startController();
        route("down", receiver, AlertMatch.newBuilder(), 0);

        List<String> keys = new ArrayList<>();
        keys.add(key(warning("e1", "web-1", "Unhealthy", 0)));
        keys.add(key(warning("e2", "web-2", "BackOff", 1)));
        await().atMost(DEADLINE).untilAsserted(() -> {
            AlertRouteStatus status = status("down");
            assertThat(status.getFailedAttempts()).isGreaterThanOrEqualTo(2);
            assertThat(status.getLastError().getMessage()).contains("503");
            assertThat(status.getInFlight().getKey()).isEqualTo(keys.get(0));
        });

        // refused connections, not only error answers
        receiver.stop();
        keys.add(key(warning("e3", "web-3", "Failed", 2)));
        long failed = status("down").getFailedAttempts();
        await().atMost(DEADLINE).until(() -> status("down").getFailedAttempts() > failed + 1);
        receiver.mode(Mode.OK);
        receiver.restart();
        keys.add(key(warning("e4", "web-4", "Evicted", 3)));

        awaitAccepted(receiver, keys.toArray(String[]::new));
        await().atMost(DEADLINE).untilAsserted(() -> {
            AlertRouteStatus status = status("down");
            assertThat(status.getDeliveredCount()).isEqualTo(4);
            assertThat(status.hasLastError()).isFalse();
            assertThat(status.hasInFlight()).isFalse();
        });
    }

    @Test
    void afterARestartOnlyTheAlertInFlightIsSentAgainWithTheSameKey() throws Exception {
        WebhookReceiver receiver = receiver();
        Running first = startController();
        route("restart", receiver, AlertMatch.newBuilder(), 0);

        Event delivered = warning("e1", "web-1", "Unhealthy", 0);
        awaitAccepted(receiver, key(delivered));
        receiver.mode(Mode.HOLD);
        Event held = warning("e2", "web-2", "Unhealthy", 1);
        await().atMost(DEADLINE).until(() -> receiver.arrivals().contains(key(held)));
        Event queued = warning("e3", "web-3", "Unhealthy", 2);
        assertThat(status("restart").getInFlight().getKey()).isEqualTo(key(held));

        first.close();
        running.remove(first);
        receiver.mode(Mode.OK);
        receiver.releaseHeld();
        startController();

        await().atMost(DEADLINE).until(() -> receiver.accepted().contains(key(queued)));
        assertThat(receiver.arrivals()).containsExactly(key(delivered), key(held), key(held), key(queued));
        await().atMost(DEADLINE).untilAsserted(() -> {
            AlertRouteStatus status = status("restart");
            assertThat(status.getLastDelivered().getKey()).isEqualTo(key(queued));
            assertThat(status.hasInFlight()).isFalse();
        });
    }

    @Test
    void aRestartWithNothingInFlightSendsNothingAgain() throws Exception {
        WebhookReceiver receiver = receiver();
        Running first = startController();
        route("quiet", receiver, AlertMatch.newBuilder(), 0);
        Event one = warning("e1", "web-1", "Unhealthy", 0);
        Event two = warning("e2", "web-2", "Unhealthy", 1);
        awaitAccepted(receiver, key(one), key(two));
        await().atMost(DEADLINE)
                .until(() -> !status("quiet").hasInFlight() && status("quiet").getDeliveredCount() == 2);
        first.close();
        running.remove(first);

        startController();
        Event three = warning("e3", "web-3", "Unhealthy", 2);
        awaitAccepted(receiver, key(one), key(two), key(three));
        assertThat(receiver.arrivals()).containsExactly(key(one), key(two), key(three));
    }

    @Test
    void aSlowReceiverDoesNotDelayAnotherRoute() throws Exception {
        WebhookReceiver slow = receiver();
        slow.mode(Mode.HOLD);
        WebhookReceiver fast = receiver();
        startController();
        route("slow", slow, AlertMatch.newBuilder(), 0);
        route("fast", fast, AlertMatch.newBuilder(), 0);

        Event one = warning("e1", "web-1", "Unhealthy", 0);
        Event two = warning("e2", "web-2", "Unhealthy", 1);

        awaitAccepted(fast, key(one), key(two));
        assertThat(slow.arrivals()).containsExactly(key(one));
        assertThat(slow.accepted()).isEmpty();
    }
}
