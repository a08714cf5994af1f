package io.capstan.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The string syntaxes, on the edge cases Kubernetes' own tests use. */
class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "1-2"})
    void dns1123LabelsAccept(String value) {
        assertThat(Names.dns1123Label(value)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "A", "ABC", "aBc", "A1", "a-1-", "-a-1", "_", "a_b", "a.b", "a b", "1 ", " 1"})
    void dns1123LabelsReject(String value) {
        assertThat(Names.dns1123Label(value))
                .hasValueSatisfying(problem -> assertThat(problem)
                        .startsWith("must be a DNS-1123 label")
                        .endsWith("got \"" + value + "\""));
    }

    @Test
    void dns1123LabelsHaveAtMost63Characters() {
        assertThat(Names.dns1123Label("a".repeat(63))).isEmpty();
        assertThat(Names.dns1123Label("a".repeat(64))).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "a.b.c.d.e", "aa.bb.cc", "a1.b2.c3", "11.22.33", "a-1.b-2"})
    void dns1123SubdomainsAccept(String value) {
        assertThat(Names.dns1123Subdomain(value)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "A", "a.B", "a..b", ".a", "a.", "a-.b", "a.-b", "a_b"})
    void dns1123SubdomainsReject(String value) {
        assertThat(Names.dns1123Subdomain(value)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "ab", "a1", "a-1", "a--1"})
    void dns1035LabelsAccept(String value) {
        assertThat(Names.dns1035Label(value)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "01", "1-2", "-a", "a-", "A"})
    void dns1035LabelsReject(String value) {
        assertThat(Names.dns1035Label(value)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "simple",
                "now-with-dashes",
                "1-starts-with-num",
                "1234",
                "simple/simple",
                "now-with-dashes/simple",
                "now-with-dashes/now-with-dashes",
                "now.with.dots/simple",
                "now-with.dashes-and.dots/simple",
                "1-num.2-num/3-num",
                "1234/5678",
                "1.2.3.4/5678",
                "Uppercase_Is_OK_123",
                "example.com/Uppercase_Is_OK_123"
            })
    void qualifiedNamesAccept(String value) {
        assertThat(Names.qualifiedName(value)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "nospecialchars%^=@", "cantendwithadash-", "-cantstartwithadash-", "only/one/slash", "Example.com/abc",
                "example_com/abc", "example.com/", "/simple", "", "a b"
            })
    void qualifiedNamesReject(String value) {
        assertThat(Names.qualifiedName(value)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "http-alt", "x", "a1", "1a", "abcdefghijklmno"})
    void ianaServiceNamesAccept(String value) {
        assertThat(Names.ianaServiceName(value)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "123", "-http", "http-", "ht--tp", "HTTP", "http_alt", "abcdefghijklmnop"})
    void ianaServiceNamesReject(String value) {
        assertThat(Names.ianaServiceName(value)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"A", "ABC", "AbC123", "_123", "a-b", "a.b", "-x"})
    void envVarNamesAccept(String value) {
        assertThat(Names.envVarName(value)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1ABC", "a b", "a=b", "a$b"})
    void envVarNamesReject(String value) {
        assertThat(Names.envVarName(value)).isPresent();
    }
}
