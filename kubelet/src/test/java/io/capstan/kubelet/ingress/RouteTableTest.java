package io.capstan.kubelet.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.HttpIngressPath;
import io.capstan.proto.api.v1.HttpIngressPath.PathType;
import io.capstan.proto.api.v1.HttpIngressRuleValue;
import io.capstan.proto.api.v1.Ingress;
import io.capstan.proto.api.v1.IngressBackend;
import io.capstan.proto.api.v1.IngressRule;
import io.capstan.proto.api.v1.IngressServiceBackend;
import io.capstan.proto.api.v1.IngressSpec;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.ServiceBackendPort;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    @Test
    void longestPrefixWinsAndPrefixMatchesElementWise() {
        RouteTable table = RouteTable.of(List.of(ingress(
                "ns",
                "i",
                rule(
                        "shop.test",
                        path("/", PathType.PATH_TYPE_PREFIX, "web"),
                        path("/api", PathType.PATH_TYPE_PREFIX, "api"),
                        path("/api/v2/", PathType.PATH_TYPE_PREFIX, "v2")))));

        assertThat(service(table, "shop.test", "/")).contains("web");
        assertThat(service(table, "shop.test", "/index.html")).contains("web");
        assertThat(service(table, "shop.test", "/api")).contains("api");
        assertThat(service(table, "shop.test", "/api/")).contains("api");
        assertThat(service(table, "shop.test", "/api/users?x=1")).contains("api");
        assertThat(service(table, "shop.test", "/apix")).contains("web");
        assertThat(service(table, "shop.test", "/api/v2")).contains("v2");
        assertThat(service(table, "shop.test", "/api/v2/x")).contains("v2");
        assertThat(service(table, "shop.test", "/api/v20")).contains("api");
    }

    @Test
    void exactBeatsPrefixOfTheSameLengthAndMatchesOnlyItself() {
        RouteTable table = RouteTable.of(List.of(ingress(
                "ns",
                "i",
                rule(
                        "",
                        path("/login", PathType.PATH_TYPE_PREFIX, "prefix"),
                        path("/login", PathType.PATH_TYPE_EXACT, "exact")))));

        assertThat(service(table, "any", "/login")).contains("exact");
        assertThat(service(table, "any", "/login?next=/")).contains("exact");
        assertThat(service(table, "any", "/login/")).contains("prefix");
        assertThat(service(table, "any", "/login/sso")).contains("prefix");
        assertThat(service(table, "any", "/logins")).isEmpty();
    }

    @Test
    void hostsMatchExactlyWithoutPortOrCaseAndWildcardsTakeExactlyOneLabel() {
        RouteTable table = RouteTable.of(List.of(ingress(
                "ns",
                "i",
                rule("exact.test", path("/", PathType.PATH_TYPE_PREFIX, "exact")),
                rule("*.wild.test", path("/", PathType.PATH_TYPE_PREFIX, "wild")))));

        assertThat(service(table, "exact.test", "/")).contains("exact");
        assertThat(service(table, "EXACT.test:8080", "/")).contains("exact");
        assertThat(service(table, "exact.test.", "/")).contains("exact");
        assertThat(service(table, "other.test", "/")).isEmpty();
        assertThat(service(table, "a.wild.test", "/")).contains("wild");
        assertThat(service(table, "a.wild.test:80", "/")).contains("wild");
        assertThat(service(table, "a.b.wild.test", "/")).isEmpty();
        assertThat(service(table, "wild.test", "/")).isEmpty();
        assertThat(service(table, ".wild.test", "/")).isEmpty();
    }

    @Test
    void aRuleWithoutHostMatchesEveryHostAndLongerPathsOfOtherRulesStillWin() {
        RouteTable table = RouteTable.of(List.of(
                ingress("a", "any", rule("", path("/", PathType.PATH_TYPE_PREFIX, "catchall"))),
                ingress("b", "host", rule("h.test", path("/app", PathType.PATH_TYPE_PREFIX, "app")))));

        assertThat(service(table, "h.test", "/app/x")).contains("app");
        assertThat(service(table, "h.test", "/other")).contains("catchall");
        assertThat(service(table, "x.test", "/app")).contains("catchall");
        assertThat(table.match("h.test", "/app").orElseThrow().namespace()).isEqualTo("b");
    }

    @Test
    void theDefaultBackendServesWhatNoRuleMatchesAndWithoutOneThereIsNoRoute() {
        Ingress withDefault = ingress("ns", "d", rule("h.test", path("/x", PathType.PATH_TYPE_EXACT, "x"))).toBuilder()
                .setSpec(
                        ingress("ns", "d", rule("h.test", path("/x", PathType.PATH_TYPE_EXACT, "x")))
                                .getSpec()
                                .toBuilder()
                                .setDefaultBackend(IngressBackend.newBuilder().setService(backend("fallback"))))
                .build();

        assertThat(service(RouteTable.of(List.of(withDefault)), "h.test", "/x")).contains("x");
        assertThat(service(RouteTable.of(List.of(withDefault)), "h.test", "/y")).contains("fallback");
        assertThat(service(RouteTable.of(List.of(withDefault)), "o.test", "/x")).contains("fallback");
        assertThat(RouteTable.of(List.of()).match("h.test", "/")).isEmpty();
        assertThat(RouteTable.empty().isEmpty()).isTrue();
    }

    @Test
    void tiesGoToTheFirstIngressInNamespaceAndNameOrder() {
        RouteTable table = RouteTable.of(List.of(
                ingress("b", "z", rule("", path("/", PathType.PATH_TYPE_PREFIX, "later"))),
                ingress("a", "z", rule("", path("/", PathType.PATH_TYPE_PREFIX, "first")))));

        assertThat(service(table, "h", "/")).contains("first");
    }

    @Test
    void implementationSpecificIsServedAsPrefixAndPortsByNameOrNumberAreKept() {
        RouteTable table = RouteTable.of(List.of(
                ingress("ns", "i", rule("", path("/docs", PathType.PATH_TYPE_IMPLEMENTATION_SPECIFIC, "docs")))));

        Route route = table.match("h", "/docs/intro").orElseThrow();
        assertThat(route.backend().getName()).isEqualTo("docs");
        assertThat(route.text()).isEqualTo("ns/docs:http");
    }

    private static Optional<String> service(RouteTable table, String host, String path) {
        return table.match(host, path).map(r -> r.backend().getName());
    }

    private static Ingress ingress(String namespace, String name, IngressRule... rules) {
        return Ingress.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace(namespace).setName(name))
                .setSpec(IngressSpec.newBuilder().addAllRules(List.of(rules)))
                .build();
    }

    private static IngressRule rule(String host, HttpIngressPath... paths) {
        return IngressRule.newBuilder()
                .setHost(host)
                .setHttp(HttpIngressRuleValue.newBuilder().addAllPaths(List.of(paths)))
                .build();
    }

    private static HttpIngressPath path(String path, PathType type, String service) {
        return HttpIngressPath.newBuilder()
                .setPath(path)
                .setPathType(type)
                .setBackend(IngressBackend.newBuilder().setService(backend(service)))
                .build();
    }

    private static IngressServiceBackend backend(String service) {
        return IngressServiceBackend.newBuilder()
                .setName(service)
                .setPort(ServiceBackendPort.newBuilder().setName("http"))
                .build();
    }
}
