package io.capstan.controllers.deployment;

import io.capstan.client.events.ProtoTimes;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.PodTemplateSpec;
import io.capstan.proto.api.v1.ReplicaSet;
import java.time.Instant;

/** Builds ReplicaSets for tests: {@code TestRs.named("web-a").replicas(3).available(2).build()}. */
final class TestRs {
    static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

    private final ReplicaSet.Builder rs = ReplicaSet.newBuilder();

    private TestRs(String name) {
        rs.getMetadataBuilder()
                .setNamespace("shop")
                .setName(name)
                .setUid("uid-" + name)
                .setGeneration(1)
                .setCreationTimestamp(ProtoTimes.toTimestamp(T0));
        rs.getSpecBuilder().setReplicas(0);
        rs.getStatusBuilder().setObservedGeneration(1);
    }

    static TestRs named(String name) {
        return new TestRs(name);
    }

    /** Pod template with one container running {@code image}. */
    static PodTemplateSpec template(String image) {
        PodTemplateSpec.Builder template = PodTemplateSpec.newBuilder();
        template.getMetadataBuilder().putLabels("app", "web");
        template.getSpecBuilder()
                .addContainers(Container.newBuilder().setName("web").setImage(image));
        return template.build();
    }

    TestRs image(String image) {
        PodTemplateSpec template = template(image);
        rs.getSpecBuilder()
                .setTemplate(template.toBuilder()
                        .setMetadata(template.getMetadata().toBuilder().putLabels(TemplateHash.LABEL, "h-" + image)));
        return this;
    }

    TestRs createdAt(Instant at) {
        rs.getMetadataBuilder().setCreationTimestamp(ProtoTimes.toTimestamp(at));
        return this;
    }

    /** Created {@code seconds} after T0. */
    TestRs age(int seconds) {
        return createdAt(T0.plusSeconds(seconds));
    }

    TestRs revision(long revision) {
        return annotation(Revisions.REVISION, Long.toString(revision));
    }

    TestRs annotation(String key, String value) {
        rs.getMetadataBuilder().putAnnotations(key, value);
        return this;
    }

    /** spec.replicas, and status.replicas to match. */
    TestRs replicas(int replicas) {
        rs.getSpecBuilder().setReplicas(replicas);
        rs.getStatusBuilder().setReplicas(replicas);
        return this;
    }

    TestRs spec(int replicas) {
        rs.getSpecBuilder().setReplicas(replicas);
        return this;
    }

    TestRs statusReplicas(int replicas) {
        rs.getStatusBuilder().setReplicas(replicas);
        return this;
    }

    /** ready and available. */
    TestRs available(int available) {
        rs.getStatusBuilder().setAvailableReplicas(available).setReadyReplicas(available);
        return this;
    }

    TestRs generation(long generation, long observed) {
        rs.getMetadataBuilder().setGeneration(generation);
        rs.getStatusBuilder().setObservedGeneration(observed);
        return this;
    }

    TestRs deleting() {
        rs.getMetadataBuilder().setDeletionTimestamp(ProtoTimes.toTimestamp(T0));
        return this;
    }

    ReplicaSet build() {
        return rs.build();
    }
}
