package io.capstan.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.PodTemplateSpec;
import org.junit.jupiter.api.Test;

class TemplateHashTest {
    private static final PodTemplateSpec NGINX = TestRs.template("nginx:1.25");

    @Test
    void hashIsPinned() {
        // Changing this value renames every ReplicaSet of every deployment on upgrade: don't.
        assertThat(TemplateHash.of(NGINX, null)).isEqualTo("6bf88c678c");
        assertThat(TemplateHash.of(NGINX, 1)).isEqualTo("56df658f7d");
    }

    @Test
    void hashIsShortAndSafeInNamesAndLabels() {
        for (int i = 0; i < 200; i++) {
            String hash = TemplateHash.of(TestRs.template("img:" + i), null);
            assertThat(hash).hasSizeBetween(1, 10).matches("[bcdfghjklmnpqrstvwxz2456789]+");
        }
    }

    @Test
    void equalTemplatesHashEquallyWhateverTheLabelOrder() {
        PodTemplateSpec.Builder ab = NGINX.toBuilder();
        ab.getMetadataBuilder().putLabels("a", "1").putLabels("b", "2");
        PodTemplateSpec.Builder ba = NGINX.toBuilder();
        ba.getMetadataBuilder().putLabels("b", "2").putLabels("a", "1");
        assertThat(TemplateHash.of(ab.build(), null)).isEqualTo(TemplateHash.of(ba.build(), null));
    }

    @Test
    void anyChangeOfTheTemplateChangesTheHash() {
        assertThat(TemplateHash.of(TestRs.template("nginx:1.26"), null)).isNotEqualTo(TemplateHash.of(NGINX, null));
        PodTemplateSpec.Builder annotated = NGINX.toBuilder();
        annotated.getMetadataBuilder().putAnnotations("restartedAt", "now");
        assertThat(TemplateHash.of(annotated.build(), null)).isNotEqualTo(TemplateHash.of(NGINX, null));
    }

    @Test
    void collisionCountSaltsTheHash() {
        assertThat(TemplateHash.of(NGINX, 0)).isNotEqualTo(TemplateHash.of(NGINX, null));
        assertThat(TemplateHash.of(NGINX, 1)).isNotEqualTo(TemplateHash.of(NGINX, 0));
        assertThat(TemplateHash.of(NGINX, 1)).isEqualTo(TemplateHash.of(NGINX, 1));
    }
}
