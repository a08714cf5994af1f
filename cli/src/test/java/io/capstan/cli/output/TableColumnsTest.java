package io.capstan.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.manifest.ManifestKind;
import io.capstan.api.manifest.Manifests;
import io.capstan.proto.api.v1.TypedObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kubectl's columns per kind, from manifests with status written as the controllers would. */
class TableColumnsTest {
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    private static TypedObject read(String yaml) {
        return Manifests.readYaml(yaml).get(0);
    }

    private static String table(String yaml, boolean wide, boolean allNamespaces) {
        return new Printer(wide ? OutputFormat.WIDE : OutputFormat.TABLE)
                .print(List.of(read(yaml)), ManifestKind.of(read(yaml)), false, true, allNamespaces, NOW);
    }

    private static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata: {name: web-1, namespace: prod, creationTimestamp: "2026-01-02T03:03:00Z"}
            spec:
              nodeName: n1
              containers: [{name: a, image: busybox}, {name: b, image: busybox}]
            status:
              phase: Running
              podIP: 127.0.0.1
              containerStatuses:
              - {name: a, ready: true, restartCount: 2, state: {running: {}}}
              - {name: b, ready: false, restartCount: 1, state: {waiting: {reason: CrashLoopBackOff}}}
            """;

    @Test
    void podsShowReadyStatusRestartsAndAgeAndWideAddsIpAndNode() {
        assertThat(table(POD, false, false)).isEqualTo("""
                NAME    READY   STATUS             RESTARTS   AGE
                web-1   1/2     CrashLoopBackOff   3          65s
                """);
        assertThat(table(POD, true, true)).isEqualTo("""
                NAMESPACE   NAME    READY   STATUS             RESTARTS   AGE   IP          NODE
                prod        web-1   1/2     CrashLoopBackOff   3          65s   127.0.0.1   n1
                """);
    }

    @Test
    void podStatusIsThePhaseWhenNoContainerSaysMoreAndTerminatingWhenDeleted() {
        TypedObject running = read("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: d}
                spec: {containers: [{name: a, image: busybox}]}
                status: {phase: Running, containerStatuses: [{name: a, ready: true, state: {running: {}}}]}
                """);
        assertThat(TableColumns.podStatus(running.getPod())).isEqualTo("Running");
        TypedObject deleting = read("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: d, deletionTimestamp: "2026-01-02T03:04:00Z"}
                spec: {containers: [{name: a, image: busybox}]}
                status: {phase: Running}
                """);
        assertThat(TableColumns.podStatus(deleting.getPod())).isEqualTo("Terminating");
    }

    @Test
    void deploymentsShowReadyOfDesiredUpToDateAndAvailable() {
        assertThat(table("""
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata: {name: web, namespace: d, creationTimestamp: "2025-12-29T03:04:05Z"}
                        spec:
                          replicas: 3
                          selector: {matchLabels: {app: web}}
                          template:
                            metadata: {labels: {app: web}}
                            spec: {containers: [{name: main, image: nginx}]}
                        status: {replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2}
                        """, false, false)).isEqualTo("""
                        NAME   READY   UP-TO-DATE   AVAILABLE   AGE
                        web    2/3     3            2           4d
                        """);
    }

    @Test
    void servicesShowTypeClusterIpAndPorts() {
        assertThat(table("""
                        apiVersion: v1
                        kind: Service
                        metadata: {name: web, namespace: d, creationTimestamp: "2026-01-01T23:04:05Z"}
                        spec:
                          type: NodePort
                          clusterIP: 127.77.0.10
                          selector: {app: web}
                          ports: [{port: 80, nodePort: 30080}, {port: 53, protocol: UDP}]
                        """, false, false)).isEqualTo("""
                        NAME   TYPE       CLUSTER-IP    PORT(S)               AGE
                        web    NodePort   127.77.0.10   80:30080/TCP,53/UDP   4h
                        """);
    }

    @Test
    void nodesShowReadinessAndRoles() {
        assertThat(table("""
                        apiVersion: v1
                        kind: Node
                        metadata:
                          name: n1
                          creationTimestamp: "2026-01-02T03:00:05Z"
                          labels: {node-role.kubernetes.io/control-plane: "", node-role.kubernetes.io/worker: ""}
                        spec: {unschedulable: true}
                        status:
                          conditions: [{type: Ready, status: "True"}]
                        """, false, false)).isEqualTo("""
                        NAME   STATUS                     ROLES                  AGE
                        n1     Ready,SchedulingDisabled   control-plane,worker   4m
                        """);
        assertThat(table("""
                        apiVersion: v1
                        kind: Node
                        metadata: {name: n2}
                        status:
                          conditions: [{type: Ready, status: Unknown}]
                        """, false, false)).isEqualTo("""
                        NAME   STATUS     ROLES    AGE
                        n2     NotReady   <none>   <unknown>
                        """);
    }

    @Test
    void configMapsCountTheirDataAndNamespacesShowTheirPhase() {
        assertThat(table("""
                        apiVersion: v1
                        kind: ConfigMap
                        metadata: {name: app, namespace: d, creationTimestamp: "2026-01-02T03:04:00Z"}
                        data: {a: "1", b: "2"}
                        """, false, false)).isEqualTo("""
                        NAME   DATA   AGE
                        app    2      5s
                        """);
        assertThat(table("""
                        apiVersion: v1
                        kind: Namespace
                        metadata: {name: prod, creationTimestamp: "2026-01-02T03:04:00Z"}
                        status: {phase: Terminating}
                        """, false, false)).isEqualTo("""
                        NAME   STATUS        AGE
                        prod   Terminating   5s
                        """);
    }

    @Test
    void ingressesShowHostsAndAddressAndWideAddsPathsAndBackends() {
        String ingress = """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: site, namespace: default, creationTimestamp: "2026-01-02T03:03:00Z"}
                spec:
                  defaultBackend: {service: {name: fallback, port: {number: 8080}}}
                  rules:
                  - host: yourwebsite.local
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: front, port: {name: http}}}}
                      - {path: /api, pathType: Exact, backend: {service: {name: api, port: {number: 80}}}}
                status:
                  loadBalancer: {ingress: [{ip: 127.0.0.1, ports: [{port: 8080}]}]}
                """;
        assertThat(table(ingress, false, false)).isEqualTo("""
                NAME   CLASS    HOSTS               ADDRESS     PORTS   AGE
                site   <none>   yourwebsite.local   127.0.0.1   8080    65s
                """);
        assertThat(table(ingress, true, false))
                .isEqualTo("NAME   CLASS    HOSTS               ADDRESS     PORTS   AGE   RULES\n"
                        + "site   <none>   yourwebsite.local   127.0.0.1   8080    65s   yourwebsite.local/=front:http,"
                        + "yourwebsite.local/api(exact)=api:80,*=fallback:8080\n");
    }

    @Test
    void otherKindsShowNameAndAge() {
        assertThat(table("""
                        apiVersion: coordination.k8s.io/v1
                        kind: Lease
                        metadata: {name: leader, namespace: d, creationTimestamp: "2026-01-02T03:04:00Z"}
                        """, false, false)).isEqualTo("""
                        NAME     AGE
                        leader   5s
                        """);
    }

    @Test
    void nameOutputIsTypeSlashName() {
        assertThat(new Printer(OutputFormat.NAME).print(List.of(read(POD)), ManifestKind.POD, false, true, false, NOW))
                .isEqualTo("pod/web-1\n");
    }
}
