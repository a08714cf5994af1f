package io.capstan.client.events;

import static io.capstan.client.TestObjects.namespace;
import static io.capstan.client.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.client.ListOptions;
import io.capstan.client.ObjectClient;
import io.capstan.client.TestControlPlane;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.ObjectReference;
import io.capstan.proto.api.v1.Pod;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The event recorder every controller and kubelet uses, against an in-process control plane. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiEventRecorderIT {
    private static final InstantSource FROZEN = InstantSource.fixed(Instant.parse("2026-11-28T10:15:30.123456789Z"));

    private TestControlPlane cluster;
    private ObjectClient client;
    private String ns;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        cluster = TestControlPlane.start(1, root);
        client = cluster.client();
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void createNamespace(TestInfo test) {
        ns = cluster.createNamespace(test);
    }

    @Test
    void writesTheEventWithItsSourceAndReporter() {
        Pod pod = client.pods().create(pod(ns, "web"));
        try (ApiEventRecorder recorder = ApiEventRecorder.builder(client.events(), "test-controller")
                .instance("host-1")
                .clock(FROZEN)
                .build()) {
            recorder.warning(reference(pod), "BackOff", "Back-off restarting failed container");
        }

        Event event = single(events(ns));
        assertThat(event.getMetadata().getName()).startsWith("web.");
        assertThat(event.getInvolvedObject().getUid())
                .isEqualTo(pod.getMetadata().getUid());
        assertThat(event.getType()).isEqualTo(Event.Type.TYPE_WARNING);
        assertThat(event.getReason()).isEqualTo("BackOff");
        assertThat(event.getMessage()).isEqualTo("Back-off restarting failed container");
        assertThat(event.getSource().getComponent()).isEqualTo("test-controller");
        assertThat(event.getReportingController()).isEqualTo("capstan.io/test-controller");
        assertThat(event.getReportingInstance()).isEqualTo("host-1");
        assertThat(event.getCount()).isEqualTo(1);
        // whole seconds, as Kubernetes stores an Event's times
        assertThat(ProtoTimes.toInstant(event.getFirstTimestamp())).isEqualTo(Instant.parse("2026-11-28T10:15:30Z"));
    }

    @Test
    void repeatsAreFoldedIntoOneEventByTheServer() {
        Pod pod = client.pods().create(pod(ns, "web"));
        try (ApiEventRecorder recorder = new ApiEventRecorder(client.events(), "kubelet", "node-1", FROZEN)) {
            for (int i = 0; i < 3; i++) {
                recorder.warning(reference(pod), "Unhealthy", "Liveness probe failed");
            }
        }

        assertThat(single(events(ns)).getCount()).isEqualTo(3);
    }

    @Test
    void distinctEventsInTheSameClockTickGetDistinctNames() {
        Pod pod = client.pods().create(pod(ns, "web"));
        try (ApiEventRecorder recorder = new ApiEventRecorder(client.events(), "kubelet", "node-1", FROZEN)) {
            recorder.normal(reference(pod), "Pulled", "Image is present");
            recorder.normal(reference(pod), "Created", "Created container app");
            recorder.normal(reference(pod), "Started", "Started container app");
        }

        List<Event> events = events(ns);
        assertThat(events).extracting(Event::getReason).containsExactlyInAnyOrder("Pulled", "Created", "Started");
        assertThat(events).extracting(e -> e.getMetadata().getName()).doesNotHaveDuplicates();
    }

    @Test
    void aClusterScopedObjectsEventsGoToTheDefaultNamespace() {
        String node = "node-" + ns;
        ObjectReference involved = EventRecorder.reference(
                "v1",
                "Node",
                ObjectMeta.newBuilder().setName(node).setUid("u-1").build());
        try (ApiEventRecorder recorder = new ApiEventRecorder(client.events(), "node-controller", "cm", FROZEN)) {
            recorder.normal(involved, "NodeNotReady", "Node " + node + " status is now: NodeNotReady");
        }

        List<Event> events = client.events()
                .listAll(ListOptions.inNamespace("default").withFieldSelector("involvedObject.name=" + node))
                .items();
        assertThat(single(events).getInvolvedObject().getKind()).isEqualTo("Node");
    }

    @Test
    void aLongObjectNameIsCutSoTheEventNameStaysValid() {
        String longName = "a".repeat(250);
        ObjectReference involved = ObjectReference.newBuilder()
                .setApiVersion("v1")
                .setKind("ConfigMap")
                .setNamespace(ns)
                .setName(longName)
                .build();
        try (ApiEventRecorder recorder = new ApiEventRecorder(client.events(), "test", "t", FROZEN)) {
            recorder.normal(involved, "Seen", "a long name");
        }

        Event event = single(events(ns));
        assertThat(event.getMetadata().getName()).hasSizeLessThanOrEqualTo(253);
        assertThat(event.getInvolvedObject().getName()).isEqualTo(longName);
    }

    @Test
    void closeWritesWhatWaitsAndLaterEventsAreDropped() {
        Pod pod = client.pods().create(pod(ns, "web"));
        ApiEventRecorder recorder = ApiEventRecorder.builder(client.events(), "test")
                .threads(2)
                .backlog(100)
                .build();
        for (int i = 0; i < 40; i++) {
            recorder.normal(reference(pod), "Step", "step " + i);
        }
        recorder.close();

        assertThat(events(ns)).hasSize(40);
        assertThat(recorder.dropped()).isZero();
        recorder.normal(reference(pod), "Step", "after close");
        assertThat(recorder.dropped()).isEqualTo(1);
        assertThat(events(ns)).hasSize(40);
    }

    @Test
    void badSettingsNameTheirField() {
        assertThatThrownBy(() -> ApiEventRecorder.builder(client.events(), "x").threads(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threads");
        assertThatThrownBy(() -> ApiEventRecorder.builder(client.events(), "x").backlog(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backlog");
    }

    private List<Event> events(String namespace) {
        return client.events().listAll(ListOptions.inNamespace(namespace)).items().stream()
                .sorted(Comparator.comparing(e -> e.getMetadata().getName()))
                .toList();
    }

    private static Event single(List<Event> events) {
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    private static ObjectReference reference(Pod pod) {
        return EventRecorder.reference("v1", "Pod", pod.getMetadata());
    }
}
