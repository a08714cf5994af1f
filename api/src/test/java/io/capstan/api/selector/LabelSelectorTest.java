package io.capstan.api.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.selector.LabelSelector.Operator;
import io.capstan.api.selector.LabelSelector.Requirement;
import io.capstan.proto.api.v1.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LabelSelectorTest {
    private static final Map<String, String> WEB_PROD = Map.of("app", "web", "env", "prod", "gpu", "");

    @Test
    void parsesEveryOperator() {
        LabelSelector selector = LabelSelector.parse(
                "app=web,app2==web,tier!=db,env in (prod,staging)," + "zone notin (dev),gpu,!legacy");

        assertThat(selector.requirements())
                .containsExactly(
                        new Requirement("app", Operator.EQUALS, List.of("web")),
                        new Requirement("app2", Operator.EQUALS, List.of("web")),
                        new Requirement("env", Operator.IN, List.of("prod", "staging")),
                        new Requirement("gpu", Operator.EXISTS, List.of()),
                        new Requirement("legacy", Operator.DOES_NOT_EXIST, List.of()),
                        new Requirement("tier", Operator.NOT_EQUALS, List.of("db")),
                        new Requirement("zone", Operator.NOT_IN, List.of("dev")));
    }

    @Test
    void toleratesWhitespaceBetweenTokens() {
        LabelSelector spaced =
                LabelSelector.parse("  app = web ,  env   in(  prod , staging )  , ! legacy ,tier !=db ");

        assertThat(spaced).isEqualTo(LabelSelector.parse("app=web,env in (prod,staging),!legacy,tier!=db"));
    }

    @Test
    void blankMatchesEverything() {
        assertThat(LabelSelector.parse("")).isEqualTo(LabelSelector.everything());
        assertThat(LabelSelector.parse("   ").isEverything()).isTrue();
        assertThat(LabelSelector.everything().matches(Map.of())).isTrue();
        assertThat(LabelSelector.everything().toString()).isEmpty();
    }

    @Test
    void matchesAsKubernetesDoes() {
        assertThat(LabelSelector.parse("app=web").matches(WEB_PROD)).isTrue();
        assertThat(LabelSelector.parse("app=db").matches(WEB_PROD)).isFalse();
        assertThat(LabelSelector.parse("tier!=db").matches(WEB_PROD))
                .as("absent label")
                .isTrue();
        assertThat(LabelSelector.parse("app!=web").matches(WEB_PROD)).isFalse();
        assertThat(LabelSelector.parse("env in (prod,staging)").matches(WEB_PROD))
                .isTrue();
        assertThat(LabelSelector.parse("tier in (db)").matches(WEB_PROD)).isFalse();
        assertThat(LabelSelector.parse("env notin (dev)").matches(WEB_PROD)).isTrue();
        assertThat(LabelSelector.parse("tier notin (db)").matches(WEB_PROD))
                .as("absent label")
                .isTrue();
        assertThat(LabelSelector.parse("env notin (prod)").matches(WEB_PROD)).isFalse();
        assertThat(LabelSelector.parse("gpu").matches(WEB_PROD))
                .as("present with empty value")
                .isTrue();
        assertThat(LabelSelector.parse("!gpu").matches(WEB_PROD)).isFalse();
        assertThat(LabelSelector.parse("!legacy").matches(WEB_PROD)).isTrue();
        assertThat(LabelSelector.parse("gpu=").matches(WEB_PROD)).isTrue();
    }

    @Test
    void everyRequirementMustHold() {
        assertThat(LabelSelector.parse("app=web,env=prod").matches(WEB_PROD)).isTrue();
        assertThat(LabelSelector.parse("app=web,env=dev").matches(WEB_PROD)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "app=web",
                "app==web,tier!=db",
                "env in (staging,prod,prod),!legacy",
                "  gpu , x notin (b,a) ",
                "example.com/role=front-end_1.2",
                "a=,b in (,x)",
                "in=notin",
            })
    void toStringIsCanonicalAndParsesBack(String input) {
        LabelSelector selector = LabelSelector.parse(input);

        LabelSelector reparsed = LabelSelector.parse(selector.toString());

        assertThat(reparsed).isEqualTo(selector);
        assertThat(reparsed.toString()).isEqualTo(selector.toString());
    }

    @Test
    void canonicalFormSortsAndNormalises() {
        assertThat(LabelSelector.parse("tier!=db, env in (staging,prod), app==web, !legacy")
                        .toString())
                .isEqualTo("app=web,env in (prod,staging),!legacy,tier!=db");
    }

    @Test
    void syntaxErrorsSayWhatAndWhere() {
        assertThatThrownBy(() -> LabelSelector.parse("env in (prod,staging"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("labelSelector: at position 20 of \"env in (prod,staging\": "
                        + "expected ',' or ')' in value list, found end of input");
        assertThatThrownBy(() -> LabelSelector.parse("app=web,,tier=db"))
                .hasMessage("labelSelector: at position 8 of \"app=web,,tier=db\": "
                        + "expected a label key or '!', found ','");
        assertThatThrownBy(() -> LabelSelector.parse("env inn (a)"))
                .hasMessageStartingWith("labelSelector: at position 4 of")
                .hasMessageContaining("found 'inn'");
        assertThatThrownBy(() -> LabelSelector.parse("env in prod"))
                .hasMessageEndingWith("at position 7 of \"env in prod\": expected '(' after in/notin, found 'prod'");
        assertThatThrownBy(() -> LabelSelector.parse("a=b c"))
                .hasMessageEndingWith("at position 4 of \"a=b c\": expected ',' or end of input, found 'c'");
        assertThatThrownBy(() -> LabelSelector.parse("replicas>2"))
                .hasMessageStartingWith("labelSelector: at position 8")
                .hasMessageContaining("'>' is not supported");
        assertThatThrownBy(() -> LabelSelector.parse("app=web,")).hasMessageEndingWith("found end of input");
        assertThatThrownBy(() -> LabelSelector.parse("!"))
                .hasMessage(
                        "labelSelector: at position 1 of \"!\": expected a label key after '!', found end of input");
    }

    @Test
    void invalidKeysAndValuesAreNamed() {
        assertThatThrownBy(() -> LabelSelector.parse("app=web,-bad=x"))
                .hasMessageStartingWith("labelSelector: at position 8 of \"app=web,-bad=x\": key \"-bad\": name must");
        assertThatThrownBy(() -> LabelSelector.parse("app=" + "v".repeat(64)))
                .hasMessageStartingWith("labelSelector: at position 4")
                .hasMessageContaining("must be at most 63 characters");
        assertThatThrownBy(() -> LabelSelector.parse("Example.com/x"))
                .hasMessageContaining("key \"Example.com/x\": prefix must be a DNS subdomain");
        assertThatThrownBy(() -> LabelSelector.parse("/x")).hasMessageContaining("prefix before '/' must not be empty");
        assertThatThrownBy(() -> LabelSelector.parse("a in (ok,bad value)")).hasMessageContaining("found 'value'");
    }

    @Test
    void absentProtoMatchesNothingAndEmptyEverything() {
        LabelSelector absent = LabelSelector.fromProto(null);
        LabelSelector empty = LabelSelector.fromProto(io.capstan.proto.api.v1.LabelSelector.getDefaultInstance());

        assertThat(absent.isNothing()).isTrue();
        assertThat(absent.isEverything()).isFalse();
        assertThat(absent.matches(Map.of())).isFalse();
        assertThat(absent.matches(WEB_PROD)).isFalse();
        assertThat(absent.toString()).isEqualTo("<nothing>");
        assertThat(empty.isEverything()).isTrue();
        assertThat(empty.matches(WEB_PROD)).isTrue();
    }

    @Test
    void protoCombinesMatchLabelsAndExpressions() {
        io.capstan.proto.api.v1.LabelSelector message = io.capstan.proto.api.v1.LabelSelector.newBuilder()
                .putMatchLabels("app", "web")
                .addMatchExpressions(
                        expression("env", LabelSelectorRequirement.Operator.OPERATOR_IN, "prod", "staging"))
                .addMatchExpressions(expression("tier", LabelSelectorRequirement.Operator.OPERATOR_NOT_IN, "db"))
                .addMatchExpressions(expression("gpu", LabelSelectorRequirement.Operator.OPERATOR_EXISTS))
                .addMatchExpressions(expression("legacy", LabelSelectorRequirement.Operator.OPERATOR_DOES_NOT_EXIST))
                .build();

        LabelSelector selector = LabelSelector.fromProto(message);

        assertThat(selector)
                .isEqualTo(LabelSelector.parse("app=web,env in (prod,staging),tier notin (db),gpu,!legacy"));
        assertThat(selector.matches(WEB_PROD)).isTrue();
        assertThat(selector.matches(Map.of("app", "web", "env", "prod")))
                .as("no gpu")
                .isFalse();
    }

    @Test
    void invalidProtoNamesTheField() {
        io.capstan.proto.api.v1.LabelSelector unspecified = io.capstan.proto.api.v1.LabelSelector.newBuilder()
                .addMatchExpressions(expression("env", LabelSelectorRequirement.Operator.OPERATOR_IN, "prod"))
                .addMatchExpressions(expression("x", LabelSelectorRequirement.Operator.OPERATOR_UNSPECIFIED))
                .build();
        io.capstan.proto.api.v1.LabelSelector inWithoutValues = io.capstan.proto.api.v1.LabelSelector.newBuilder()
                .addMatchExpressions(expression("env", LabelSelectorRequirement.Operator.OPERATOR_IN))
                .build();
        io.capstan.proto.api.v1.LabelSelector badLabel = io.capstan.proto.api.v1.LabelSelector.newBuilder()
                .putMatchLabels("app", "no spaces")
                .build();

        assertThatThrownBy(() -> LabelSelector.fromProto(unspecified, "spec.selector"))
                .hasMessage(
                        "spec.selector.matchExpressions[1].operator: must be one of In, NotIn, Exists, DoesNotExist");
        assertThatThrownBy(() -> LabelSelector.fromProto(inWithoutValues))
                .hasMessage("matchExpressions[0]: key env: IN takes at least one value, got 0");
        assertThatThrownBy(() -> LabelSelector.fromProto(badLabel, "spec.selector"))
                .hasMessageStartingWith("spec.selector.matchLabels: value \"no spaces\" of key app: must be empty or");
    }

    @Test
    void equalityIgnoresOrder() {
        assertThat(LabelSelector.parse("b=1,a=2")).isEqualTo(LabelSelector.parse("a=2,b=1"));
        assertThat(LabelSelector.parse("b=1,a=2").hashCode())
                .isEqualTo(LabelSelector.parse("a=2,b=1").hashCode());
        assertThat(LabelSelector.parse("a=1")).isNotEqualTo(LabelSelector.parse("a in (1)"));
        assertThat(LabelSelector.nothing()).isNotEqualTo(LabelSelector.everything());
    }

    private static LabelSelectorRequirement expression(
            String key, LabelSelectorRequirement.Operator operator, String... values) {
        return LabelSelectorRequirement.newBuilder()
                .setKey(key)
                .setOperator(operator)
                .addAllValues(List.of(values))
                .build();
    }
}
