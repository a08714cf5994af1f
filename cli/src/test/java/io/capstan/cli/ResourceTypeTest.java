package io.capstan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.client.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResourceTypeTest {

    @ParameterizedTest
    @CsvSource({
        "pods, Pod",
        "pod, Pod",
        "po, Pod",
        "Pod, Pod",
        "PODS, Pod",
        "deployments, Deployment",
        "deployment, Deployment",
        "deploy, Deployment",
        "deployments.apps, Deployment",
        "replicasets, ReplicaSet",
        "replicaset, ReplicaSet",
        "rs, ReplicaSet",
        "services, Service",
        "service, Service",
        "svc, Service",
        "endpoints, Endpoints",
        "ep, Endpoints",
        "configmaps, ConfigMap",
        "configmap, ConfigMap",
        "cm, ConfigMap",
        "secrets, Secret",
        "secret, Secret",
        "namespaces, Namespace",
        "namespace, Namespace",
        "ns, Namespace",
        "nodes, Node",
        "node, Node",
        "no, Node",
        "events, Event",
        "event, Event",
        "ev, Event",
        "leases, Lease",
        "lease, Lease",
        "leases.coordination.k8s.io, Lease"
    })
    void resolvesKubectlNames(String name, String kind) {
        assertThat(ResourceType.resolve(name).kind().name()).isEqualTo(kind);
    }

    @Test
    void unknownNameFailsWithKubectlsMessage() {
        assertThatThrownBy(() -> ResourceType.resolve("widgets"))
                .isInstanceOf(CommandException.class)
                .hasMessage("the server doesn't have a resource type \"widgets\"");
        assertThatThrownBy(() -> ResourceType.resolve("pods.apps")).isInstanceOf(CommandException.class);
    }

    @Test
    void namesObjectsAsKubectlDoes() {
        ResourceType deployments = ResourceType.of(Kind.DEPLOYMENT);
        assertThat(deployments.qualifiedPlural()).isEqualTo("deployments.apps");
        assertThat(deployments.ref("web")).isEqualTo("deployment/web");
        assertThat(ResourceType.of(Kind.POD).qualifiedPlural()).isEqualTo("pods");
        assertThat(ResourceType.of(Kind.CONFIG_MAP).ref("app")).isEqualTo("configmap/app");
        assertThat(ResourceType.of(Kind.LEASE).qualifiedPlural()).isEqualTo("leases.coordination.k8s.io");
    }

    @Test
    void everyKindHasOneType() {
        assertThat(ResourceType.all()).extracting(ResourceType::kind).containsExactlyInAnyOrderElementsOf(Kind.all());
    }

    @Test
    void objectRefsParseBothForms() {
        assertThat(ObjectRef.parse(java.util.List.of("deploy", "a", "b")))
                .containsExactly(
                        new ObjectRef(ResourceType.of(Kind.DEPLOYMENT), "a"),
                        new ObjectRef(ResourceType.of(Kind.DEPLOYMENT), "b"));
        assertThat(ObjectRef.parse(java.util.List.of("svc/web", "po/p1")))
                .containsExactly(
                        new ObjectRef(ResourceType.of(Kind.SERVICE), "web"),
                        new ObjectRef(ResourceType.of(Kind.POD), "p1"));
        assertThatThrownBy(() -> ObjectRef.parse(java.util.List.of("pods"))).hasMessage("a name is required for pods");
    }
}
