package io.capstan.kubelet.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.client.DeleteOptions;
import io.capstan.client.ObjectClient;
import io.capstan.client.TestControlPlane;
import io.capstan.kubelet.KubeletHarness;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** How the kubelet writes a pod's status: conflicts, unchanged statuses, gone and replaced pods. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PodStatusWriterIT {
    private TestControlPlane cluster;
    private ObjectClient api;
    private PodStatusWriter writer;
    private final AtomicInteger names = new AtomicInteger();

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        cluster = TestControlPlane.start(1, root);
        api = cluster.client();
        writer = new PodStatusWriter(api.pods());
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void writesTheStatusAndReturnsThePodAsStored() {
        Pod pod = createPod();

        Optional<Pod> written = writer.write(pod, running("127.0.0.1"));

        assertThat(written).isPresent();
        assertThat(written.get().getStatus()).isEqualTo(running("127.0.0.1"));
        assertThat(api.pods().get("default", pod.getMetadata().getName()).getStatus())
                .isEqualTo(running("127.0.0.1"));
    }

    @Test
    void aStatusAlreadyStoredIsNotWrittenAgain() {
        Pod pod = writer.write(createPod(), running("127.0.0.1")).orElseThrow();

        assertThat(writer.write(pod, running("127.0.0.1"))).isEmpty();
        assertThat(api.pods()
                        .get("default", pod.getMetadata().getName())
                        .getMetadata()
                        .getResourceVersion())
                .isEqualTo(pod.getMetadata().getResourceVersion());
    }

    @Test
    void aConflictReadsThePodAgainAndKeepsTheOtherWritersChange() {
        Pod stale = createPod();
        Pod labelled = stale.toBuilder()
                .setMetadata(stale.getMetadata().toBuilder().putLabels("tier", "front"))
                .build();
        api.pods().update(labelled);

        Optional<Pod> written = writer.write(stale, running("127.0.0.1"));

        assertThat(written).isPresent();
        Pod stored = api.pods().get("default", stale.getMetadata().getName());
        assertThat(stored.getStatus()).isEqualTo(running("127.0.0.1"));
        assertThat(stored.getMetadata().getLabelsMap()).containsEntry("tier", "front");
    }

    @Test
    void aPodThatIsGoneOrReplacedByAnotherOfTheSameNameIsLeftAlone() {
        Pod gone = createPod();
        api.pods().delete("default", gone.getMetadata().getName(), DeleteOptions.defaults());
        assertThat(writer.write(gone, running("127.0.0.1"))).isEmpty();

        Pod old = createPod();
        String name = old.getMetadata().getName();
        api.pods().delete("default", name, DeleteOptions.defaults());
        Pod replacement = api.pods().create(pod(name));

        assertThat(writer.write(old, running("127.0.0.1"))).isEmpty();
        assertThat(api.pods().get("default", name).getStatus()).isEqualTo(replacement.getStatus());
    }

    private Pod createPod() {
        return api.pods().create(pod("status-" + names.incrementAndGet()));
    }

    private static Pod pod(String name) {
        return KubeletHarness.pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: default}
                spec:
                  containers: [{name: main, image: demo}]
                """.formatted(name));
    }

    private static PodStatus running(String ip) {
        return PodStatus.newBuilder()
                .setPhase(PodStatus.Phase.PHASE_RUNNING)
                .setPodIp(ip)
                .setHostIp(ip)
                .build();
    }
}
