package io.capstan.api.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.capstan.proto.api.v1.ConfigMapKeySelector;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.ContainerPort;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentStrategy;
import io.capstan.proto.api.v1.EmptyDirVolumeSource;
import io.capstan.proto.api.v1.EnvVar;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.HttpGetAction;
import io.capstan.proto.api.v1.HttpHeader;
import io.capstan.proto.api.v1.IntOrString;
import io.capstan.proto.api.v1.KeyToPath;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.api.v1.Probe;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.SecretKeySelector;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServicePort;
import io.capstan.proto.api.v1.ServiceSpec;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.VolumeMount;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestsReadTest {

    /** As a user writes it for Kubernetes. */
    static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: shop
              labels:
                app: web
                tier: frontend
              annotations:
                deployment.kubernetes.io/revision: "3"
            spec:
              replicas: 3
              revisionHistoryLimit: 5
              selector:
                matchLabels:
                  app: web
              strategy:
                type: RollingUpdate
                rollingUpdate:
                  maxSurge: 1
                  maxUnavailable: 25%
              template:
                metadata:
                  labels:
                    app: web
                spec:
                  terminationGracePeriodSeconds: 20
                  containers:
                  - name: web
                    image: nginx:1.27
                    imagePullPolicy: IfNotPresent
                    args: ["--port", "8080"]
                    ports:
                    - name: http
                      containerPort: 8080
                      protocol: TCP
                    - name: metrics
                      containerPort: 9090
                    env:
                    - name: LOG_LEVEL
                      value: info
                    - name: DB_HOST
                      valueFrom:
                        configMapKeyRef:
                          name: web-config
                          key: db.host
                    - name: DB_PASSWORD
                      valueFrom:
                        secretKeyRef:
                          name: web-secrets
                          key: password
                          optional: true
                    - name: POD_NAME
                      valueFrom:
                        fieldRef:
                          fieldPath: metadata.name
                    envFrom:
                    - configMapRef:
                        name: web-env
                    - prefix: SECRET_
                      secretRef:
                        name: web-env-secrets
                    resources:
                      requests:
                        cpu: 250m
                        memory: 64Mi
                      limits:
                        cpu: 1
                        memory: 128974848
                    readinessProbe:
                      httpGet:
                        path: /healthz
                        port: http
                      initialDelaySeconds: 5
                      periodSeconds: 10
                    livenessProbe:
                      httpGet:
                        path: /livez
                        port: http
                        scheme: HTTP
                        httpHeaders:
                        - name: X-Probe
                          value: liveness
                      timeoutSeconds: 2
                      failureThreshold: 3
                    startupProbe:
                      httpGet:
                        path: /healthz
                        port: 8080
                      failureThreshold: 30
                      periodSeconds: 1
                    volumeMounts:
                    - name: cache
                      mountPath: /var/cache/nginx
                    - name: config
                      mountPath: /etc/nginx/conf.d
                      readOnly: true
                    - name: tls
                      mountPath: /etc/tls
                      readOnly: true
                  volumes:
                  - name: cache
                    emptyDir: {}
                  - name: config
                    configMap:
                      name: web-config
                      defaultMode: 0644
                      items:
                      - key: nginx.conf
                        path: default.conf
                  - name: tls
                    secret:
                      secretName: web-tls
                      defaultMode: 0400
            """;

    @Test
    void kubernetesDeploymentLandsWhereExpected() {
        List<TypedObject> objects = Manifests.readYaml(DEPLOYMENT);

        assertThat(objects).hasSize(1);
        assertThat(objects.get(0).getObjectCase()).isEqualTo(TypedObject.ObjectCase.DEPLOYMENT);
        Deployment deployment = objects.get(0).getDeployment();
        assertThat(deployment.getMetadata().getName()).isEqualTo("web");
        assertThat(deployment.getMetadata().getNamespace()).isEqualTo("shop");
        assertThat(deployment.getMetadata().getLabelsMap())
                .containsOnly(entry("app", "web"), entry("tier", "frontend"));
        assertThat(deployment.getMetadata().getAnnotationsMap())
                .containsOnly(entry("deployment.kubernetes.io/revision", "3"));

        assertThat(deployment.getSpec().hasReplicas()).isTrue();
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
        assertThat(deployment.getSpec().getRevisionHistoryLimit()).isEqualTo(5);
        assertThat(deployment.getSpec().hasProgressDeadlineSeconds()).isFalse();
        assertThat(deployment.getSpec().getSelector().getMatchLabelsMap()).containsOnly(entry("app", "web"));
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo(DeploymentStrategy.Type.TYPE_ROLLING_UPDATE);
        assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxSurge())
                .isEqualTo(IntOrString.newBuilder().setIntVal(1).build());
        assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable())
                .isEqualTo(IntOrString.newBuilder().setStrVal("25%").build());
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabelsMap())
                .containsOnly(entry("app", "web"));

        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(20L);
        assertThat(pod.getContainersList()).hasSize(1);
        Container web = pod.getContainers(0);
        assertThat(web.getName()).isEqualTo("web");
        assertThat(web.getImage()).isEqualTo("nginx:1.27");
        assertThat(web.getImagePullPolicy()).isEqualTo(Container.PullPolicy.PULL_POLICY_IF_NOT_PRESENT);
        assertThat(web.getArgsList()).containsExactly("--port", "8080");
        assertThat(web.getPortsList())
                .containsExactly(
                        ContainerPort.newBuilder()
                                .setName("http")
                                .setContainerPort(8080)
                                .setProtocol(Protocol.PROTOCOL_TCP)
                                .build(),
                        ContainerPort.newBuilder()
                                .setName("metrics")
                                .setContainerPort(9090)
                                .build());

        assertThat(web.getEnvList()).hasSize(4);
        assertThat(web.getEnv(0))
                .isEqualTo(EnvVar.newBuilder()
                        .setName("LOG_LEVEL")
                        .setValue("info")
                        .build());
        assertThat(web.getEnv(1).getValueFrom().getConfigMapKeyRef())
                .isEqualTo(ConfigMapKeySelector.newBuilder()
                        .setName("web-config")
                        .setKey("db.host")
                        .build());
        assertThat(web.getEnv(2).getValueFrom().getSecretKeyRef())
                .isEqualTo(SecretKeySelector.newBuilder()
                        .setName("web-secrets")
                        .setKey("password")
                        .setOptional(true)
                        .build());
        assertThat(web.getEnv(3).getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        assertThat(web.getEnvFromList()).hasSize(2);
        assertThat(web.getEnvFrom(0).getConfigMapRef().getName()).isEqualTo("web-env");
        assertThat(web.getEnvFrom(0).getPrefix()).isEmpty();
        assertThat(web.getEnvFrom(1).getPrefix()).isEqualTo("SECRET_");
        assertThat(web.getEnvFrom(1).getSecretRef().getName()).isEqualTo("web-env-secrets");

        assertThat(web.getResources().getRequestsMap()).containsOnly(entry("cpu", "250m"), entry("memory", "64Mi"));
        assertThat(web.getResources().getLimitsMap()).containsOnly(entry("cpu", "1"), entry("memory", "128974848"));

        assertThat(web.getReadinessProbe())
                .isEqualTo(Probe.newBuilder()
                        .setHttpGet(HttpGetAction.newBuilder()
                                .setPath("/healthz")
                                .setPort(IntOrString.newBuilder().setStrVal("http")))
                        .setInitialDelaySeconds(5)
                        .setPeriodSeconds(10)
                        .build());
        assertThat(web.getLivenessProbe())
                .isEqualTo(Probe.newBuilder()
                        .setHttpGet(HttpGetAction.newBuilder()
                                .setPath("/livez")
                                .setPort(IntOrString.newBuilder().setStrVal("http"))
                                .setScheme(HttpGetAction.Scheme.SCHEME_HTTP)
                                .addHttpHeaders(HttpHeader.newBuilder()
                                        .setName("X-Probe")
                                        .setValue("liveness")))
                        .setTimeoutSeconds(2)
                        .setFailureThreshold(3)
                        .build());
        assertThat(web.getStartupProbe().getHttpGet().getPort())
                .isEqualTo(IntOrString.newBuilder().setIntVal(8080).build());
        assertThat(web.getStartupProbe().getFailureThreshold()).isEqualTo(30);
        assertThat(web.getStartupProbe().hasSuccessThreshold()).isFalse();

        assertThat(web.getVolumeMountsList())
                .containsExactly(
                        VolumeMount.newBuilder()
                                .setName("cache")
                                .setMountPath("/var/cache/nginx")
                                .build(),
                        VolumeMount.newBuilder()
                                .setName("config")
                                .setMountPath("/etc/nginx/conf.d")
                                .setReadOnly(true)
                                .build(),
                        VolumeMount.newBuilder()
                                .setName("tls")
                                .setMountPath("/etc/tls")
                                .setReadOnly(true)
                                .build());
        assertThat(pod.getVolumesList()).hasSize(3);
        assertThat(pod.getVolumes(0).getName()).isEqualTo("cache");
        assertThat(pod.getVolumes(0).getEmptyDir()).isEqualTo(EmptyDirVolumeSource.getDefaultInstance());
        assertThat(pod.getVolumes(0).hasEmptyDir()).isTrue();
        assertThat(pod.getVolumes(1).getConfigMap().getName()).isEqualTo("web-config");
        assertThat(pod.getVolumes(1).getConfigMap().getDefaultMode())
                .as("YAML 1.1 reads 0644 as octal, as Kubernetes does")
                .isEqualTo(0644);
        assertThat(pod.getVolumes(1).getConfigMap().getItemsList())
                .containsExactly(KeyToPath.newBuilder()
                        .setKey("nginx.conf")
                        .setPath("default.conf")
                        .build());
        assertThat(pod.getVolumes(2).getSecret().getSecretName()).isEqualTo("web-tls");
        assertThat(pod.getVolumes(2).getSecret().getDefaultMode()).isEqualTo(0400);
    }

    @Test
    void kubernetesDeploymentSurvivesWritingAndReading() {
        TypedObject deployment = Manifests.readYaml(DEPLOYMENT).get(0);

        assertThat(Manifests.readYaml(Manifests.toYaml(deployment))).containsExactly(deployment);
        assertThat(Manifests.readJson(Manifests.toJson(deployment))).isEqualTo(deployment);
    }

    @Test
    void servicesWithTargetPortByNameAndNumberNodePortAndHeadlessClusterIP() {
        List<TypedObject> objects = Manifests.readYaml("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                spec:
                  type: NodePort
                  selector:
                    app: web
                  sessionAffinity: ClientIP
                  ports:
                  - name: http
                    port: 80
                    targetPort: http
                    nodePort: 30080
                  - name: metrics
                    protocol: TCP
                    port: 9090
                    targetPort: 9091
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: web-headless
                spec:
                  clusterIP: None
                  selector:
                    app: web
                  ports:
                  - port: 80
                """);

        assertThat(objects).hasSize(2);
        ServiceSpec nodePort = objects.get(0).getService().getSpec();
        assertThat(nodePort.getType()).isEqualTo(ServiceSpec.Type.TYPE_NODE_PORT);
        assertThat(nodePort.getSessionAffinity()).isEqualTo(ServiceSpec.SessionAffinity.SESSION_AFFINITY_CLIENT_IP);
        assertThat(nodePort.getSelectorMap()).containsOnly(entry("app", "web"));
        assertThat(nodePort.getPortsList())
                .containsExactly(
                        ServicePort.newBuilder()
                                .setName("http")
                                .setPort(80)
                                .setTargetPort(IntOrString.newBuilder().setStrVal("http"))
                                .setNodePort(30080)
                                .build(),
                        ServicePort.newBuilder()
                                .setName("metrics")
                                .setProtocol(Protocol.PROTOCOL_TCP)
                                .setPort(9090)
                                .setTargetPort(IntOrString.newBuilder().setIntVal(9091))
                                .build());
        Service headless = objects.get(1).getService();
        assertThat(headless.getMetadata().getName()).isEqualTo("web-headless");
        assertThat(headless.getSpec().getClusterIp()).isEqualTo("None");
        assertThat(headless.getSpec().getType()).isEqualTo(ServiceSpec.Type.TYPE_UNSPECIFIED);
        assertThat(headless.getSpec().getPorts(0).hasTargetPort()).isFalse();
        assertThat(Manifests.toTree(objects.get(1))
                        .path("spec")
                        .path("clusterIP")
                        .asText())
                .isEqualTo("None");
    }

    @Test
    void secretDataIsBase64AndStringDataIsText() {
        TypedObject object = Manifests.readYaml("""
                        apiVersion: v1
                        kind: Secret
                        metadata:
                          name: web-secrets
                        type: Opaque
                        data:
                          password: c2VjcmV0
                          blob: AAEC/w==
                          wrapped: |
                            c2Vj
                            cmV0
                        stringData:
                          username: admin
                        """).get(0);

        assertThat(object.getSecret().getType()).isEqualTo("Opaque");
        assertThat(object.getSecret().getDataMap())
                .containsOnly(
                        entry("password", ByteString.copyFrom("secret", StandardCharsets.UTF_8)),
                        entry("blob", ByteString.copyFrom(new byte[] {0, 1, 2, (byte) 0xff})),
                        entry("wrapped", ByteString.copyFrom("secret", StandardCharsets.UTF_8)));
        assertThat(object.getSecret().getStringDataMap()).containsOnly(entry("username", "admin"));
        assertThat(Manifests.toTree(object).path("data").path("password").asText())
                .isEqualTo("c2VjcmV0");
    }

    @Test
    void multiDocumentYamlSkipsEmptyDocumentsAndKeepsOrder() {
        List<TypedObject> objects = Manifests.readYaml("""
                ---
                # the namespace first
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: shop
                ---
                ---
                # nothing but a comment
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: web-config
                  namespace: shop
                data:
                  nginx.conf: |
                    server {
                      listen 8080;
                    }
                immutable: false
                ---
                {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "leader"},
                 "spec": {"holderIdentity": "cm-1", "leaseDurationSeconds": 15,
                          "renewTime": "2026-01-02T03:04:05.123456Z"}}
                """);

        assertThat(objects)
                .extracting(o -> ManifestKind.of(o))
                .containsExactly(ManifestKind.NAMESPACE, ManifestKind.CONFIG_MAP, ManifestKind.LEASE);
        assertThat(objects.get(1).getConfigMap().getDataMap())
                .containsOnly(entry("nginx.conf", "server {\n  listen 8080;\n}\n"));
        assertThat(objects.get(1).getConfigMap().hasImmutable()).isTrue();
        assertThat(objects.get(2).getLease().getSpec().getRenewTime())
                .isEqualTo(Timestamp.newBuilder()
                        .setSeconds(1_767_323_045L)
                        .setNanos(123_456_000)
                        .build());
        assertThat(Manifests.readYaml("")).isEmpty();
        assertThat(Manifests.readYaml("# nothing\n---\n")).isEmpty();
    }

    @Test
    void listKindGivesItsItems() {
        List<TypedObject> objects = Manifests.readYaml("""
                apiVersion: v1
                kind: List
                metadata:
                  resourceVersion: ""
                items:
                - apiVersion: v1
                  kind: Namespace
                  metadata:
                    name: a
                - apiVersion: v1
                  kind: Namespace
                  metadata:
                    name: b
                """);

        assertThat(objects)
                .extracting(o -> o.getNamespace().getMetadata().getName())
                .containsExactly("a", "b");
    }

    @Test
    void nullMeansNotSetAsKubectlDryRunWritesIt() {
        TypedObject object = Manifests.readYaml("""
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          creationTimestamp: null
                          name: web
                          labels:
                            app:
                        spec:
                          replicas: ~
                          strategy: {}
                          template:
                            metadata:
                              creationTimestamp: null
                            spec:
                              containers:
                              - image: nginx
                                name: web
                                resources: {}
                        status: {}
                        """).get(0);

        Deployment deployment = object.getDeployment();
        assertThat(deployment.getMetadata().hasCreationTimestamp()).isFalse();
        assertThat(deployment.getMetadata().getLabelsMap())
                .as("a null map value is the key with an empty value, as in Kubernetes")
                .containsOnly(entry("app", ""));
        assertThat(deployment.getSpec().hasReplicas()).isFalse();
        assertThat(deployment.getSpec().hasStrategy()).isTrue();
        assertThat(deployment.hasStatus()).isTrue();
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers(0).getImage())
                .isEqualTo("nginx");
    }

    @Test
    void quantitiesAcceptBareNumbersKeepingTheirText() {
        TypedObject object = Manifests.readYaml("""
                        apiVersion: v1
                        kind: Node
                        metadata:
                          name: n1
                        status:
                          capacity:
                            cpu: 4
                            memory: 8Gi
                            pods: 110
                            example.com/fraction: 0.50
                          allocatable:
                            cpu: 3.5
                        """).get(0);

        assertThat(object.getNode().getStatus().getCapacityMap())
                .containsOnly(
                        entry("cpu", "4"),
                        entry("memory", "8Gi"),
                        entry("pods", "110"),
                        entry("example.com/fraction", "0.50"));
        assertThat(object.getNode().getStatus().getAllocatableMap()).containsOnly(entry("cpu", "3.5"));
        TypedObject emptyDir = Manifests.readJson("""
                {"apiVersion": "v1", "kind": "Pod", "spec": {"volumes": [{"name": "scratch", "emptyDir": {"sizeLimit": 1073741824}}]}}
                """);
        assertThat(emptyDir.getPod().getSpec().getVolumes(0).getEmptyDir().getSizeLimit())
                .isEqualTo("1073741824");
    }

    @Test
    void int64FieldsAcceptNumbersAndNumericStrings() {
        TypedObject object = Manifests.readJson("""
                {"apiVersion": "v1", "kind": "Pod",
                 "metadata": {"generation": "9007199254740993", "deletionGracePeriodSeconds": 30},
                 "spec": {"terminationGracePeriodSeconds": 3.0}}
                """);

        assertThat(object.getPod().getMetadata().getGeneration()).isEqualTo(9_007_199_254_740_993L);
        assertThat(object.getPod().getMetadata().getDeletionGracePeriodSeconds())
                .isEqualTo(30L);
        assertThat(object.getPod().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(3L);
    }

    @Test
    void timestampsAcceptOffsetsAndFractions() {
        TypedObject object = Manifests.readYaml("""
                        apiVersion: v1
                        kind: Event
                        metadata:
                          name: web.1
                        involvedObject:
                          kind: Pod
                          name: web
                        reason: Scheduled
                        type: Warning
                        count: 2
                        firstTimestamp: 2026-01-02T04:04:05+01:00
                        lastTimestamp: "2026-01-02T03:04:05.5Z"
                        """).get(0);

        assertThat(object.getEvent().getFirstTimestamp())
                .isEqualTo(Timestamp.newBuilder().setSeconds(1_767_323_045L).build());
        assertThat(object.getEvent().getLastTimestamp())
                .isEqualTo(Timestamp.newBuilder()
                        .setSeconds(1_767_323_045L)
                        .setNanos(500_000_000)
                        .build());
        assertThat(object.getEvent().getType()).isEqualTo(Event.Type.TYPE_WARNING);
    }

    @Test
    void emptyEnumStringIsNotSetAsInKubernetes() {
        TypedObject object = Manifests.readYaml("""
                        apiVersion: v1
                        kind: Pod
                        spec:
                          containers:
                          - name: web
                            imagePullPolicy: ""
                        """).get(0);

        assertThat(object.getPod().getSpec().getContainers(0).getImagePullPolicy())
                .isEqualTo(Container.PullPolicy.PULL_POLICY_UNSPECIFIED);
    }
}
