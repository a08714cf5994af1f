package io.capstan.kubelet.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.proto.api.v1.HttpBodyMatch;
import org.junit.jupiter.api.Test;

class BodyMatcherTest {

    private static BodyMatcher pointer(String pointer) {
        return BodyMatcher.of(HttpBodyMatch.newBuilder().setJsonPointer(pointer).build());
    }

    @Test
    void jsonPointerMustNameAPresentNonNullValue() {
        assertThat(pointer("/users").failure("{\"users\": []}")).isNull();
        assertThat(pointer("/users").failure("{\"users\": 0}")).isNull();
        assertThat(pointer("/users").failure("{\"users\": null}")).isEqualTo("body at /users is null");
        assertThat(pointer("/users").failure("{}")).isEqualTo("body at /users is missing");
        assertThat(pointer("/users/1/name").failure("{\"users\": [{}, {\"name\": \"ann\"}]}"))
                .isNull();
        assertThat(pointer("/users/2").failure("{\"users\": [1, 2]}")).isEqualTo("body at /users/2 is missing");
    }

    @Test
    void emptyPointerIsTheWholeDocument() {
        assertThat(pointer("").failure("{}")).isNull();
        assertThat(pointer("").failure("null")).isEqualTo("body is null");
    }

    @Test
    void escapedTildeAndSlashAreUnescaped() {
        assertThat(pointer("/a~1b/c~0d").failure("{\"a/b\": {\"c~d\": true}}")).isNull();
        assertThat(pointer("/a~1b/c~0d").failure("{\"a/b\": {\"c/d\": true}}"))
                .isEqualTo("body at /a~1b/c~0d is missing");
    }

    @Test
    void bodyThatIsNotJsonFails() {
        assertThat(pointer("/users").failure("users: none")).startsWith("body is not JSON: ");
        assertThat(pointer("/users").failure("")).startsWith("body is not JSON: ");
        assertThat(pointer("/users").failure("{\"users\": 1} trailing")).startsWith("body is not JSON: ");
    }

    @Test
    void containsAndMatchesMustEachHold() {
        BodyMatcher both = BodyMatcher.of(HttpBodyMatch.newBuilder()
                .setContains("ready")
                .setMatches("^status: \\w+$")
                .build());
        assertThat(both.failure("status: ready")).isNull();
        assertThat(both.failure("status: starting")).isEqualTo("body does not contain \"ready\"");
        assertThat(both.failure("status: ready!")).isEqualTo("body does not match \"^status: \\w+$\"");
    }

    @Test
    void regexIsFoundAnywhereInTheBody() {
        BodyMatcher matcher =
                BodyMatcher.of(HttpBodyMatch.newBuilder().setMatches("ok\\d").build());
        assertThat(matcher.failure("all ok1 here")).isNull();
        assertThat(matcher.failure("all ok here")).isNotNull();
    }

    @Test
    void invalidRulesNameTheField() {
        assertThatThrownBy(() -> BodyMatcher.of(
                        HttpBodyMatch.newBuilder().setMatches("(").build()))
                .hasMessageStartingWith("matches: invalid regular expression");
        assertThatThrownBy(() -> pointer("users")).hasMessageStartingWith("jsonPointer: invalid JSON Pointer");
    }
}
