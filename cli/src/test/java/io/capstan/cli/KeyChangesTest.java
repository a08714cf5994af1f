package io.capstan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The KEY=VALUE and KEY- arguments of label and annotate. */
class KeyChangesTest {

    @Test
    void setsAndRemovesInTheOrderGiven() {
        KeyChanges changes = KeyChanges.parse(List.of("tier=web", "env=", "old-", "example.com/team=a=b"), "label");

        assertThat(changes.set())
                .containsExactly(Map.entry("tier", "web"), Map.entry("env", ""), Map.entry("example.com/team", "a=b"));
        assertThat(changes.remove()).containsExactly("old");
    }

    @Test
    void tellsChangesFromObjects() {
        assertThat(List.of("pods", "web", "a=b", "c-", "pod/x"))
                .filteredOn(KeyChanges::isChange)
                .containsExactly("a=b", "c-");
    }

    @Test
    void appliesToAMap() {
        KeyChanges changes = KeyChanges.parse(List.of("a=2", "b-", "c=3"), "label");

        assertThat(changes.appliedTo(Map.of("a", "1", "b", "1", "d", "1")))
                .isEqualTo(Map.of("a", "2", "c", "3", "d", "1"));
    }

    @Test
    void refusesAnEmptyKeyARepeatedKeyAndSetWithRemove() {
        assertThatThrownBy(() -> KeyChanges.parse(List.of("=v"), "label"))
                .hasMessage("invalid label \"=v\": the key is empty");
        assertThatThrownBy(() -> KeyChanges.parse(List.of("a=1", "a=2"), "annotation"))
                .hasMessage("annotation \"a\" is given more than once");
        assertThatThrownBy(() -> KeyChanges.parse(List.of("a=1", "a-"), "label"))
                .hasMessage("can not both modify and remove the label \"a\" in the same command");
        assertThatThrownBy(() -> KeyChanges.parse(List.of("-"), "label")).hasMessageStartingWith("invalid label \"-\"");
        assertThatThrownBy(() -> KeyChanges.parse(List.of(), "label"))
                .hasMessage("at least one label update is required (KEY=VALUE or KEY-)");
    }

    @Test
    void patchIsGuardedByTheResourceVersionAndRemovesWithNull() {
        KeyChanges changes = KeyChanges.parse(List.of("a=1", "b-"), "label");

        assertThat(MetadataEdit.patch("42", changes, MetadataEdit.Field.LABELS))
                .isEqualTo("{\"metadata\":{\"resourceVersion\":\"42\",\"labels\":{\"a\":\"1\",\"b\":null}}}");
        assertThat(MetadataEdit.patch("7", changes, MetadataEdit.Field.ANNOTATIONS))
                .contains("\"annotations\":{\"a\":\"1\",\"b\":null}");
    }
}
