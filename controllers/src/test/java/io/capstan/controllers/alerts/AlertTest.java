package io.capstan.controllers.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.client.events.ProtoTimes;
import io.capstan.proto.api.v1.AlertMatch;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.ObjectReference;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AlertTest {
    private static final Instant T = Instant.parse("2026-01-02T03:04:05Z");

    private static Event event(String uid, int count, Instant last) {
        return Event.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("web-1.abc")
                        .setNamespace("default")
                        .setUid(uid))
                .setInvolvedObject(ObjectReference.newBuilder()
                        .setKind("Pod")
                        .setName("web-1")
                        .setUid("pod-uid"))
                .setReason("Unhealthy")
                .setMessage("Liveness probe failed: body at /users is null")
                .setType(Event.Type.TYPE_WARNING)
                .setCount(count)
                .setFirstTimestamp(ProtoTimes.toTimestamp(T))
                .setLastTimestamp(ProtoTimes.toTimestamp(last))
                .build();
    }

    @Test
    void textIsOneHumanLineWithTheCount() {
        Alert alert = Alert.of("ops", event("e-uid", 3, T.plusSeconds(20)));
        assertThat(alert.text())
                .isEqualTo("[Warning] Unhealthy pod default/web-1: Liveness probe failed: body at /users is null (x3)");
        assertThat(alert.key()).isEqualTo("e-uid/3");
        assertThat(Alert.of("ops", event("e-uid", 1, T)).text()).doesNotContain("(x");
    }

    @Test
    void resumedAlertKeepsItsKeyAndCount() {
        Alert sent = Alert.of("ops", event("e-uid", 2, T.plusSeconds(5)));
        Alert resumed = Alert.resumed("ops", sent.delivery(), event("e-uid", 5, T.plusSeconds(50)));
        assertThat(resumed.key()).isEqualTo("e-uid/2");
        assertThat(resumed.count()).isEqualTo(2);
        assertThat(resumed.order()).isEqualTo(sent.order());
        assertThat(resumed.text()).isEqualTo(sent.text());
        assertThat(Alert.resumed("ops", sent.delivery(), null).order()).isEqualTo(sent.order());
    }

    @Test
    void aRepeatSortsAfterTheAlertAlreadySent() {
        AlertOrder sent = AlertOrder.of(event("b", 1, T));
        assertThat(AlertOrder.of(event("b", 2, T.plusSeconds(1))).isAfter(sent)).isTrue();
        assertThat(AlertOrder.of(event("a", 1, T.plusMillis(1))).isAfter(sent)).isTrue();
        assertThat(AlertOrder.of(event("a", 1, T)).isAfter(sent)).isFalse();
        assertThat(AlertOrder.of(event("b", 1, T)).isAfter(sent)).isFalse();
        assertThat(AlertOrder.of(Alert.of("r", event("b", 1, T)).delivery())).isEqualTo(sent);
    }

    @Test
    void emptyMatchTakesWarningsOnly() {
        Event warning = event("u", 1, T);
        assertThat(RouteMatch.matches(AlertMatch.getDefaultInstance(), warning)).isTrue();
        Event normal = warning.toBuilder().setType(Event.Type.TYPE_NORMAL).build();
        assertThat(RouteMatch.matches(AlertMatch.getDefaultInstance(), normal)).isFalse();
        assertThat(RouteMatch.matches(AlertMatch.newBuilder().addTypes("Normal").build(), normal))
                .isTrue();
        assertThat(RouteMatch.matches(AlertMatch.newBuilder().addKinds("Node").build(), warning))
                .isFalse();
        assertThat(RouteMatch.matches(
                        AlertMatch.newBuilder()
                                .addReasons("BackOff")
                                .addReasons("Unhealthy")
                                .build(),
                        warning))
                .isTrue();
    }
}
