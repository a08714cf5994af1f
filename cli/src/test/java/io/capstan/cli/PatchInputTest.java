package io.capstan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The patch of capstan patch, in JSON or YAML. */
class PatchInputTest {

    @Test
    void jsonIsKeptAsItIs() {
        assertThat(PatchInput.toJson("--patch", "{\"spec\": {\"replicas\": 3, \"paused\": null}}"))
                .isEqualTo("{\"spec\":{\"replicas\":3,\"paused\":null}}");
    }

    @Test
    void yamlBecomesJson() {
        assertThat(PatchInput.toJson("--patch", "spec:\n  replicas: 3\nmetadata: {labels: {a: b}}\n"))
                .isEqualTo("{\"spec\":{\"replicas\":3},\"metadata\":{\"labels\":{\"a\":\"b\"}}}");
    }

    @Test
    void somethingOtherThanAnObjectIsRefused() {
        assertThatThrownBy(() -> PatchInput.toJson("--patch", "[1, 2]"))
                .hasMessage("--patch: must be a JSON or YAML object, got array");
        assertThatThrownBy(() -> PatchInput.toJson("--patch", "replicas"))
                .hasMessage("--patch: must be a JSON or YAML object, got string");
        assertThatThrownBy(() -> PatchInput.toJson("--patch-file", " ")).hasMessage("--patch-file: the patch is empty");
    }

    @Test
    void unreadableTextNamesTheOption() {
        assertThatThrownBy(() -> PatchInput.toJson("--patch", "{\"spec\": [}"))
                .isInstanceOf(CommandException.class)
                .hasMessageStartingWith("--patch: not valid JSON or YAML: ");
    }
}
