package io.capstan.apiserver.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capstan.proto.api.v1.ApplyRequest;
import io.capstan.proto.api.v1.ApplyResponse;
import io.capstan.proto.api.v1.DeleteRequest;
import io.capstan.proto.api.v1.DeleteResponse;
import io.capstan.proto.api.v1.GetRequest;
import io.capstan.proto.api.v1.ListRequest;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.NamespaceStatus;
import io.capstan.proto.api.v1.ObjectServiceGrpc;
import io.capstan.proto.api.v1.ObjectServiceGrpc.ObjectServiceBlockingStub;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.Preconditions;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.UpdateRequest;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The object API's server-side bookkeeping end to end over gRPC: ClusterIP and node port
 * allocation, finalizers, graceful and propagated deletion, terminating namespaces, event repeats and
 * expiry, authentication, health and request metrics.
 */
class ObjectApiLifecycleIT extends ObjectApiTestBase {
    // ---------------------------------------------------------------------------------------------
    // Services

    @Test
    void clusterIpsAndNodePortsAreAllocatedUniquelyAndCheckedWithTheirPath() {
        TypedObject a = create(service("a", "NodePort", "", 0));
        TypedObject b = create(service("b", "NodePort", "", 0));
        String ipA = a.getService().getSpec().getClusterIp();
        String ipB = b.getService().getSpec().getClusterIp();
        assertThat(ipA).startsWith("127.77.0.").isNotEqualTo(ipB);
        int portA = a.getService().getSpec().getPorts(0).getNodePort();
        int portB = b.getService().getSpec().getPorts(0).getNodePort();
        assertThat(portA).isBetween(30000, 30009).isNotEqualTo(portB);
        assertThat(portB).isBetween(30000, 30009);

        assertThatThrownBy(() -> create(service("c", "ClusterIP", ipA, 0)))
                .satisfies(e -> assertCode(e, Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("spec.clusterIP")
                .hasMessageContaining("already allocated");
        assertThatThrownBy(() -> create(service("c", "ClusterIP", "10.0.0.1", 0)))
                .satisfies(e -> assertCode(e, Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("spec.clusterIP");
        assertThatThrownBy(() -> create(service("c", "NodePort", "", portA)))
                .satisfies(e -> assertCode(e, Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("spec.ports[0].nodePort")
                .hasMessageContaining("already allocated");
        assertThatThrownBy(() -> create(service("c", "NodePort", "", 80)))
                .satisfies(e -> assertCode(e, Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("spec.ports[0].nodePort");

        // Deleting a service frees its values; re-applying one keeps its own.
        api.delete(DeleteRequest.newBuilder()
                .setKind("Service")
                .setNamespace(ns)
                .setName("a")
                .build());
        TypedObject again = create(service("c", "NodePort", ipA, portA));
        assertThat(again.getService().getSpec().getClusterIp()).isEqualTo(ipA);
        ApplyResponse reapplied = api.apply(ApplyRequest.newBuilder()
                .setObject(service("c", "NodePort", "", 0))
                .build());
        assertThat(reapplied.getObject()).isEqualTo(again);

        TypedObject headless = create(service("h", "ClusterIP", "None", 0));
        assertThat(headless.getService().getSpec().getClusterIp()).isEqualTo("None");
        api.delete(DeleteRequest.newBuilder()
                .setKind("Service")
                .setNamespace(ns)
                .setName("b")
                .build());
        api.delete(DeleteRequest.newBuilder()
                .setKind("Service")
                .setNamespace(ns)
                .setName("c")
                .build());
    }

    // ---------------------------------------------------------------------------------------------
    // delete

    @Test
    void finalizersHoldDeletionUntilRemoved() {
        TypedObject cm = configMap("held", "a", "1");
        TypedObject withFinalizer = TypedObject.newBuilder()
                .setConfigMap(cm.getConfigMap().toBuilder()
                        .setMetadata(cm.getConfigMap().getMetadata().toBuilder().addFinalizers("example.com/hold")))
                .build();
        create(withFinalizer);
        DeleteResponse deleted = api.delete(DeleteRequest.newBuilder()
                .setKind("ConfigMap")
                .setNamespace(ns)
                .setName("held")
                .build());
        assertThat(deleted.getRemoved()).isFalse();
        TypedObject held = other.get(get("ConfigMap", "held")).getObject();
        assertThat(held.getConfigMap().getMetadata().hasDeletionTimestamp()).isTrue();

        TypedObject added = TypedObject.newBuilder()
                .setConfigMap(held.getConfigMap().toBuilder()
                        .setMetadata(
                                held.getConfigMap().getMetadata().toBuilder().addFinalizers("example.com/more")))
                .build();
        assertThatThrownBy(() ->
                        api.update(UpdateRequest.newBuilder().setObject(added).build()))
                .satisfies(e -> assertCode(e, Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("metadata.finalizers");

        TypedObject released = TypedObject.newBuilder()
                .setConfigMap(held.getConfigMap().toBuilder()
                        .setMetadata(
                                held.getConfigMap().getMetadata().toBuilder().clearFinalizers()))
                .build();
        api.update(UpdateRequest.newBuilder().setObject(released).build());
        assertThatThrownBy(() -> api.get(get("ConfigMap", "held")))
                .satisfies(e -> assertCode(e, Status.Code.NOT_FOUND));
    }

    @Test
    void aBoundPodIsDeletedGracefullyAndAnUnboundOneAtOnce() {
        create(labeledPod("bound", "web", "", "node-1"));
        create(labeledPod("unbound", "web", "", ""));

        DeleteResponse graceful = api.delete(DeleteRequest.newBuilder()
                .setKind("Pod")
                .setNamespace(ns)
                .setName("bound")
                .build());
        assertThat(graceful.getRemoved()).isFalse();
        Pod terminating = graceful.getObject().getPod();
        assertThat(terminating.getMetadata().getDeletionGracePeriodSeconds()).isEqualTo(30);
        assertThat(terminating.getMetadata().getDeletionTimestamp().getSeconds())
                .isGreaterThan(terminating.getMetadata().getCreationTimestamp().getSeconds() + 20);

        // The kubelet confirms with grace 0 once the containers stopped.
        DeleteResponse confirmed = other.delete(DeleteRequest.newBuilder()
                .setKind("Pod")
                .setNamespace(ns)
                .setName("bound")
                .setGracePeriodSeconds(0)
                .build());
        assertThat(confirmed.getRemoved()).isTrue();

        DeleteResponse immediate = api.delete(DeleteRequest.newBuilder()
                .setKind("Pod")
                .setNamespace(ns)
                .setName("unbound")
                .build());
        assertThat(immediate.getRemoved()).isTrue();
    }

    @Test
    void deletePreconditionsAndPropagationPolicies() {
        TypedObject created = create(configMap("x", "a", "1"));
        assertThatThrownBy(() -> api.delete(DeleteRequest.newBuilder()
                        .setKind("ConfigMap")
                        .setNamespace(ns)
                        .setName("x")
                        .setPreconditions(Preconditions.newBuilder().setUid("other-uid"))
                        .build()))
                .satisfies(e -> assertCode(e, Status.Code.ABORTED));

        DeleteResponse orphaned = api.delete(DeleteRequest.newBuilder()
                .setKind("ConfigMap")
                .setNamespace(ns)
                .setName("x")
                .setPreconditions(Preconditions.newBuilder()
                        .setUid(created.getConfigMap().getMetadata().getUid()))
                .setPropagationPolicy(DeleteRequest.PropagationPolicy.PROPAGATION_POLICY_ORPHAN)
                .build());
        assertThat(orphaned.getRemoved()).isFalse();
        assertThat(orphaned.getObject().getConfigMap().getMetadata().getFinalizersList())
                .containsExactly("orphan");

        create(configMap("y", "a", "1"));
        DeleteResponse foreground = api.delete(DeleteRequest.newBuilder()
                .setKind("ConfigMap")
                .setNamespace(ns)
                .setName("y")
                .setPropagationPolicy(DeleteRequest.PropagationPolicy.PROPAGATION_POLICY_FOREGROUND)
                .build());
        assertThat(foreground.getObject().getConfigMap().getMetadata().getFinalizersList())
                .containsExactly("foregroundDeletion");
    }

    @Test
    void aTerminatingNamespaceAcceptsNoNewObjects() {
        create(configMap("inside", "a", "1"));
        DeleteResponse deleted = api.delete(
                DeleteRequest.newBuilder().setKind("Namespace").setName(ns).build());
        assertThat(deleted.getRemoved()).isFalse();
        Namespace terminating = other.get(
                        GetRequest.newBuilder().setKind("Namespace").setName(ns).build())
                .getObject()
                .getNamespace();
        assertThat(terminating.getStatus().getPhase()).isEqualTo(NamespaceStatus.Phase.PHASE_TERMINATING);
        assertThatThrownBy(() -> create(configMap("late", "a", "1")))
                .satisfies(e -> assertCode(e, Status.Code.FAILED_PRECONDITION))
                .hasMessageContaining(ns);
        assertThatThrownBy(() -> api.delete(DeleteRequest.newBuilder()
                        .setKind("Namespace")
                        .setName("default")
                        .build()))
                .satisfies(e -> assertCode(e, Status.Code.INVALID_ARGUMENT));
    }

    // ---------------------------------------------------------------------------------------------
    // Events and housekeeping

    @Test
    void aRepeatedEventBumpsTheCountAndEventsExpire() {
        TypedObject first = create(event("ev-1"));
        TypedObject repeat = create(event("ev-2"));
        assertThat(repeat.getEvent().getMetadata().getName()).isEqualTo("ev-1");
        assertThat(repeat.getEvent().getCount()).isEqualTo(2);
        assertThat(first.getEvent().getCount()).isEqualTo(1);
        assertThat(names(api.list(ListRequest.newBuilder()
                        .setKind("Event")
                        .setNamespace(ns)
                        .build())))
                .containsExactly("ev-1");

        // The control plane runs with a 3 s event TTL: the store's lease removes the event.
        await().atMost(DEADLINE)
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(api.list(ListRequest.newBuilder()
                                        .setKind("Event")
                                        .setNamespace(ns)
                                        .build())
                                .getItemsCount())
                        .isZero());
    }

    // ---------------------------------------------------------------------------------------------
    // authentication and health

    @Test
    void callsWithoutAValidTokenAreUnauthenticated() {
        ObjectServiceBlockingStub anonymous =
                ObjectServiceGrpc.newBlockingStub(plane.channel(0)).withDeadlineAfter(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> anonymous.get(get("Pod", "x")))
                .satisfies(e -> assertCode(e, Status.Code.UNAUTHENTICATED));
        ObjectServiceBlockingStub wrong = anonymous.withCallCredentials(ControlPlane.bearer("not-the-token"));
        assertThatThrownBy(() -> wrong.get(get("Pod", "x"))).satisfies(e -> assertCode(e, Status.Code.UNAUTHENTICATED));
        HealthCheckResponse health = HealthGrpc.newBlockingStub(plane.channel(2))
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().build());
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void metricsCountRequestsByVerbKindAndCode() {
        create(pod("web", "busybox"));
        assertThatThrownBy(() -> create(pod("web", "busybox")));
        String scrape = ((io.micrometer.prometheusmetrics.PrometheusMeterRegistry)
                        plane.server(0).registry())
                .scrape();
        assertThat(scrape)
                .containsPattern("capstan_api_requests_seconds_count\\{code=\"OK\",kind=\"Pod\",verb=\"create\"} [1-9]")
                .containsPattern(
                        "capstan_api_requests_seconds_count\\{code=\"ALREADY_EXISTS\",kind=\"Pod\",verb=\"create\"} [1-9]")
                .contains("capstan_api_watchers")
                .contains("capstan_api_watch_cache_events");
    }
}
