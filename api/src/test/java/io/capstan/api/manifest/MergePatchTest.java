package io.capstan.api.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.TypedObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MergePatchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** RFC 7386 appendix A, every example whose patch is an object. */
    @ParameterizedTest(name = "{0} + {1} = {2}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "{\"a\":\"b\"}                 | {\"a\":\"c\"}                          | {\"a\":\"c\"}",
                "{\"a\":\"b\"}                 | {\"b\":\"c\"}                          | {\"a\":\"b\",\"b\":\"c\"}",
                "{\"a\":\"b\"}                 | {\"a\":null}                           | {}",
                "{\"a\":\"b\",\"b\":\"c\"}     | {\"a\":null}                           | {\"b\":\"c\"}",
                "{\"a\":[\"b\"]}               | {\"a\":\"c\"}                          | {\"a\":\"c\"}",
                "{\"a\":\"c\"}                 | {\"a\":[\"b\"]}                        | {\"a\":[\"b\"]}",
                "{\"a\":{\"b\":\"c\"}}         | {\"a\":{\"b\":\"d\",\"c\":null}}       | {\"a\":{\"b\":\"d\"}}",
                "{\"a\":[{\"b\":\"c\"}]}       | {\"a\":[1]}                            | {\"a\":[1]}",
                "{\"e\":null}                  | {\"a\":1}                              | {\"e\":null,\"a\":1}",
                "[1,2]                         | {\"a\":\"b\",\"c\":null}               | {\"a\":\"b\"}",
                "{}                            | {\"a\":{\"bb\":{\"ccc\":null}}}        | {\"a\":{\"bb\":{}}}",
            })
    void rfc7386AppendixExamples(String target, String patch, String result) {
        assertThat(MergePatch.apply(json(target), json(patch))).isEqualTo(json(result));
    }

    /** RFC 7386 appendix A's examples whose patch is not an object replace the target; Kubernetes refuses them. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "[\"a\",\"b\"] | [\"c\",\"d\"]",
                "{\"a\":\"b\"} | [\"c\"]",
                "{\"a\":\"foo\"} | null",
                "{\"a\":\"foo\"} | \"bar\""
            })
    void patchesThatAreNotObjectsAreRefused(String target, String patch) {
        assertThatThrownBy(() -> MergePatch.apply(json(target), json(patch)))
                .isInstanceOf(ManifestException.class)
                .hasMessageStartingWith("a merge patch must be a JSON object, got ");
    }

    @Test
    void rfc7386SectionThreeExample() {
        JsonNode target = json("""
                {"title": "Goodbye!", "author": {"givenName": "John", "familyName": "Doe"},
                 "tags": ["example", "sample"], "content": "This will be unchanged"}
                """);
        JsonNode patch = json("""
                {"title": "Hello!", "phoneNumber": "+01-123-456-7890", "author": {"familyName": null},
                 "tags": ["example"]}
                """);

        assertThat(MergePatch.apply(target, patch)).isEqualTo(json("""
                        {"title": "Hello!", "author": {"givenName": "John"}, "tags": ["example"],
                         "content": "This will be unchanged", "phoneNumber": "+01-123-456-7890"}
                        """));
    }

    @Test
    void leavesItsArgumentsUnchanged() {
        JsonNode target = json("{\"a\":{\"b\":1,\"c\":2}}");
        JsonNode patch = json("{\"a\":{\"b\":null,\"d\":{\"e\":3}}}");

        JsonNode result = MergePatch.apply(target, patch);
        ((ObjectNode) result.get("a")).put("f", 4);

        assertThat(target).isEqualTo(json("{\"a\":{\"b\":1,\"c\":2}}"));
        assertThat(patch).isEqualTo(json("{\"a\":{\"b\":null,\"d\":{\"e\":3}}}"));
    }

    @Test
    void patchesADeploymentInItsManifestForm() {
        TypedObject deployment =
                Manifests.readYaml(ManifestsReadTest.DEPLOYMENT).get(0);
        JsonNode patch = json("""
                {
                  "metadata": {"labels": {"tier": null, "track": "canary"}},
                  "spec": {
                    "replicas": 5,
                    "template": {"spec": {"containers": [
                      {"name": "web", "image": "nginx:1.28", "ports": [{"name": "http", "containerPort": 8080}]}
                    ]}}
                  }
                }
                """);

        TypedObject patched = Manifests.fromTree(MergePatch.apply(Manifests.toTree(deployment), patch));

        Deployment result = patched.getDeployment();
        assertThat(result.getSpec().getReplicas()).isEqualTo(5);
        assertThat(result.getMetadata().getLabelsMap()).containsOnly(entry("app", "web"), entry("track", "canary"));
        assertThat(result.getSpec().getTemplate().getSpec().getContainersList()).hasSize(1);
        assertThat(result.getSpec().getTemplate().getSpec().getContainers(0).getImage())
                .isEqualTo("nginx:1.28");
        assertThat(result.getSpec().getTemplate().getSpec().getContainers(0).hasReadinessProbe())
                .as("a list is replaced whole, not merged")
                .isFalse();
        assertThat(result.getSpec().getTemplate().getSpec().getVolumesList())
                .isEqualTo(deployment
                        .getDeployment()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getVolumesList());
        assertThat(result.getSpec().getStrategy())
                .isEqualTo(deployment.getDeployment().getSpec().getStrategy());
    }

    @Test
    void nullOnAnOptionalFieldUnsetsIt() {
        TypedObject deployment =
                Manifests.readYaml(ManifestsReadTest.DEPLOYMENT).get(0);

        TypedObject patched = Manifests.fromTree(MergePatch.apply(
                Manifests.toTree(deployment), json("{\"spec\": {\"replicas\": null, \"revisionHistoryLimit\": 0}}")));

        assertThat(patched.getDeployment().getSpec().hasReplicas()).isFalse();
        assertThat(patched.getDeployment().getSpec().hasRevisionHistoryLimit()).isTrue();
        assertThat(patched.getDeployment().getSpec().getRevisionHistoryLimit()).isZero();
    }

    @Test
    void aPatchThatBreaksTheManifestIsCaughtWhenReadBack() {
        TypedObject deployment =
                Manifests.readYaml(ManifestsReadTest.DEPLOYMENT).get(0);
        JsonNode patched = MergePatch.apply(Manifests.toTree(deployment), json("{\"spec\": {\"replicas\": \"five\"}}"));

        assertThatThrownBy(() -> Manifests.fromTree(patched))
                .isInstanceOf(ManifestException.class)
                .hasMessage("spec.replicas: must be an integer, got \"five\"");
    }
}
