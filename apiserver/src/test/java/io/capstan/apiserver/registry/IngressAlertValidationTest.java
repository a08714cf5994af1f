package io.capstan.apiserver.registry;

import static io.capstan.apiserver.registry.ValidationAssertions.assertRejected;
import static io.capstan.apiserver.registry.ValidationAssertions.assertValid;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.manifest.Manifests;
import io.capstan.proto.api.v1.AlertRoute;
import io.capstan.proto.api.v1.HttpIngressPath;
import io.capstan.proto.api.v1.Ingress;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.TypedObject;
import org.junit.jupiter.api.Test;

/** Ingress and AlertRoute as written in manifests, their defaults and their rules; the probe body match. */
class IngressAlertValidationTest {
    private static final String INGRESS = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: site, namespace: default}
            spec:
              defaultBackend: {service: {name: web, port: {number: 80}}}
              rules:
              - host: shop.example.com
                http:
                  paths:
                  - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {name: http}}}}
                  - {path: /api/health, pathType: Exact, backend: {service: {name: api, port: {number: 8080}}}}
              - host: "*.example.com"
                http:
                  paths:
                  - {pathType: ImplementationSpecific, backend: {service: {name: web, port: {number: 80}}}}
            """;

    private static final String ROUTE = """
            apiVersion: alerting.capstan.io/v1
            kind: AlertRoute
            metadata: {name: ops}
            spec:
              webhook:
                url: http://127.0.0.1:9000/hooks/ops
                headers: [{name: Authorization, value: Bearer x}]
              match: {reasons: [Unhealthy, BackOff], namespaces: [default], kinds: [Pod]}
            """;

    private static Ingress ingress() {
        TypedObject object = Defaults.apply(Manifests.readYaml(INGRESS).get(0));
        return object.getIngress();
    }

    private static AlertRoute route() {
        return Defaults.apply(Manifests.readYaml(ROUTE).get(0)).getAlertRoute();
    }

    @Test
    void ingressManifestReadsAndIsValid() {
        Ingress ingress = ingress();
        assertValid(ingress);
        assertThat(ingress.getSpec().getRules(0).getHttp().getPaths(1).getPathType())
                .isEqualTo(HttpIngressPath.PathType.PATH_TYPE_EXACT);
        assertThat(ingress.getSpec().getRules(1).getHttp().getPaths(0).getPath())
                .as("an empty path is defaulted")
                .isEqualTo("/");
        assertThat(Manifests.toYaml(TypedObject.newBuilder().setIngress(ingress).build()))
                .contains("pathType: ImplementationSpecific", "host: '*.example.com'");
    }

    @Test
    void ingressRulesNameTheField() {
        Ingress ingress = ingress();
        Ingress.Builder noPathType = ingress.toBuilder();
        noPathType
                .getSpecBuilder()
                .getRulesBuilder(0)
                .getHttpBuilder()
                .getPathsBuilder(0)
                .clearPathType();
        assertRejected(noPathType.build(), "spec.rules[0].http.paths[0].pathType", "required");

        Ingress.Builder relative = ingress.toBuilder();
        relative.getSpecBuilder()
                .getRulesBuilder(0)
                .getHttpBuilder()
                .getPathsBuilder(0)
                .setPath("api");
        assertRejected(relative.build(), "spec.rules[0].http.paths[0].path", "must be an absolute path");

        Ingress.Builder bothPorts = ingress.toBuilder();
        bothPorts
                .getSpecBuilder()
                .getDefaultBackendBuilder()
                .getServiceBuilder()
                .getPortBuilder()
                .setName("http");
        assertRejected(bothPorts.build(), "spec.defaultBackend.service.port", "exactly one of name and number");

        Ingress.Builder ipHost = ingress.toBuilder();
        ipHost.getSpecBuilder().getRulesBuilder(0).setHost("127.0.0.1");
        assertRejected(ipHost.build(), "spec.rules[0].host", "not an IP address");

        Ingress.Builder nothing = ingress.toBuilder();
        nothing.getSpecBuilder().clearRules().clearDefaultBackend();
        assertRejected(nothing.build(), "spec", "either defaultBackend or rules");

        Ingress.Builder noPaths = ingress.toBuilder();
        noPaths.getSpecBuilder().getRulesBuilder(1).getHttpBuilder().clearPaths();
        assertRejected(noPaths.build(), "spec.rules[1].http.paths", "required");
    }

    @Test
    void alertRouteIsDefaultedAndValid() {
        AlertRoute route = route();
        assertValid(route);
        assertThat(route.getSpec().getGroupWindowSeconds()).isEqualTo(60);
        assertThat(route.getSpec().getWebhook().getTimeoutSeconds()).isEqualTo(5);
    }

    @Test
    void alertRouteRulesNameTheField() {
        AlertRoute.Builder noUrl = route().toBuilder();
        noUrl.getSpecBuilder().getWebhookBuilder().clearUrl();
        assertRejected(noUrl.build(), "spec.webhook.url", "required");

        AlertRoute.Builder ftp = route().toBuilder();
        ftp.getSpecBuilder().getWebhookBuilder().setUrl("ftp://127.0.0.1/x");
        assertRejected(ftp.build(), "spec.webhook.url", "http:// or https://");

        AlertRoute.Builder type = route().toBuilder();
        type.getSpecBuilder().getMatchBuilder().addTypes("Error");
        assertRejected(type.build(), "spec.match.types[0]", "must be one of [Normal, Warning]");

        AlertRoute.Builder window = route().toBuilder();
        window.getSpecBuilder().setGroupWindowSeconds(-1);
        assertRejected(window.build(), "spec.groupWindowSeconds", "");

        AlertRoute.Builder namespaced = route().toBuilder();
        namespaced.getMetadataBuilder().setNamespace("default");
        assertRejected(namespaced.build(), "metadata.namespace", "");
    }

    @Test
    void probeBodyMatchIsCheckedAndKeptBesideKubernetesFields() {
        String yaml = """
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: default}
                spec:
                  containers:
                  - name: c
                    image: busybox
                    livenessProbe:
                      httpGet:
                        path: /users
                        port: 8080
                        bodyMatch: {jsonPointer: /users, contains: "[", matches: "^\\\\["}
                """;
        Pod pod = Defaults.apply(Manifests.readYaml(yaml).get(0)).getPod();
        assertValid(pod);
        assertThat(pod.getSpec()
                        .getContainers(0)
                        .getLivenessProbe()
                        .getHttpGet()
                        .getBodyMatch()
                        .getJsonPointer())
                .isEqualTo("/users");

        Pod.Builder badRegex = pod.toBuilder();
        badRegex.getSpecBuilder()
                .getContainersBuilder(0)
                .getLivenessProbeBuilder()
                .getHttpGetBuilder()
                .getBodyMatchBuilder()
                .setMatches("([");
        assertRejected(
                badRegex.build(),
                "spec.containers[0].livenessProbe.httpGet.bodyMatch.matches",
                "not a regular expression");

        Pod.Builder badPointer = pod.toBuilder();
        badPointer
                .getSpecBuilder()
                .getContainersBuilder(0)
                .getLivenessProbeBuilder()
                .getHttpGetBuilder()
                .getBodyMatchBuilder()
                .setJsonPointer("users");
        assertRejected(
                badPointer.build(),
                "spec.containers[0].livenessProbe.httpGet.bodyMatch.jsonPointer",
                "must be empty or start with \"/\"");

        Pod.Builder empty = pod.toBuilder();
        empty.getSpecBuilder()
                .getContainersBuilder(0)
                .getLivenessProbeBuilder()
                .getHttpGetBuilder()
                .getBodyMatchBuilder()
                .clear();
        assertRejected(
                empty.build(),
                "spec.containers[0].livenessProbe.httpGet.bodyMatch",
                "at least one of contains, matches or jsonPointer");
    }
}
