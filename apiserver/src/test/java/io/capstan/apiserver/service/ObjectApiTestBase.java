package io.capstan.apiserver.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.capstan.api.manifest.Manifests;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.CreateRequest;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.GetRequest;
import io.capstan.proto.api.v1.ListRequest;
import io.capstan.proto.api.v1.ListResponse;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.ObjectReference;
import io.capstan.proto.api.v1.ObjectServiceGrpc.ObjectServiceBlockingStub;
import io.capstan.proto.api.v1.PatchRequest;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServicePort;
import io.capstan.proto.api.v1.TypedObject;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the object API tests share: an in-process three-node control plane (the subclasses for etcd
 * start it over etcd instead), a namespace per test, so the tests of a class share one control
 * plane, and the requests and objects they send. Writes go to one API server and reads often to
 * another, as clients of a real control plane see it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
abstract class ObjectApiTestBase {

    static final Duration DEADLINE = Duration.ofSeconds(20);

    ControlPlane plane;
    ObjectServiceBlockingStub api;
    ObjectServiceBlockingStub other;
    String ns;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        plane = startControlPlane(root, ObjectApiTestBase::tune);
    }

    /** The control plane these tests run against: three nodes of Capstan's own store. */
    ControlPlane startControlPlane(Path root, java.util.function.UnaryOperator<ApiConfig> tune) throws Exception {
        return ControlPlane.start(3, root, tune);
    }

    /** A small service range and node-port range, so that exhausting and clashing are easy to reach; short event TTL. */
    static ApiConfig tune(ApiConfig config) {
        return config.withServiceCidr("127.77.0.0/28")
                .withNodePorts("30000-30009")
                .withEventTtl(Duration.ofSeconds(3));
    }

    @AfterAll
    void stop() {
        if (plane != null) {
            plane.close();
        }
    }

    @BeforeEach
    void namespace(TestInfo test) {
        api = plane.blocking(0);
        other = plane.blocking(1);
        ns = "t-"
                + test.getTestMethod()
                        .orElseThrow()
                        .getName()
                        .toLowerCase()
                        .replaceAll("[^a-z0-9]", "")
                        .substring(0, 12)
                + "-" + Long.toString(System.nanoTime() % 100000);
        create(namespaceObject(ns));
    }

    TypedObject create(TypedObject object) {
        return api.create(CreateRequest.newBuilder().setObject(object).build()).getObject();
    }

    GetRequest get(String kind, String name) {
        return GetRequest.newBuilder()
                .setKind(kind)
                .setNamespace(ns)
                .setName(name)
                .build();
    }

    ListResponse list(String labelSelector) {
        return api.list(ListRequest.newBuilder()
                .setKind("Pod")
                .setNamespace(ns)
                .setLabelSelector(labelSelector)
                .build());
    }

    PatchRequest patchRequest(String kind, String name, String json) {
        return PatchRequest.newBuilder()
                .setKind(kind)
                .setNamespace(ns)
                .setName(name)
                .setMergePatch(ByteString.copyFromUtf8(json))
                .build();
    }

    static List<String> names(ListResponse response) {
        List<String> names = new ArrayList<>();
        for (TypedObject item : response.getItemsList()) {
            names.add(io.capstan.apiserver.storage.ObjectKind.metadata(item).getName());
        }
        return names;
    }

    static void assertCode(Throwable e, Status.Code code) {
        assertThat(e).isInstanceOf(StatusRuntimeException.class);
        assertThat(((StatusRuntimeException) e).getStatus().getCode()).isEqualTo(code);
    }

    static TypedObject namespaceObject(String name) {
        return TypedObject.newBuilder()
                .setNamespace(Namespace.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(name)))
                .build();
    }

    TypedObject pod(String name, String image) {
        return Manifests.readYaml("""
                apiVersion: v1
                kind: Pod
                metadata: {name: "%s", namespace: %s}
                spec:
                  containers: [{name: main, image: "%s"}]
                """.formatted(name, ns, image)).get(0);
    }

    TypedObject labeledPod(String name, String app, String env, String nodeName) {
        TypedObject pod = pod(name, "busybox");
        Pod.Builder b = pod.getPod().toBuilder();
        b.getMetadataBuilder().putLabels("app", app);
        if (!env.isEmpty()) {
            b.getMetadataBuilder().putLabels("env", env);
        }
        b.getSpecBuilder().setNodeName(nodeName);
        return TypedObject.newBuilder().setPod(b).build();
    }

    TypedObject deployment(String name, String image, int replicas) {
        return Manifests.readYaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: %s, namespace: %s, labels: {app: %s}}
                spec:
                  replicas: %d
                  selector: {matchLabels: {app: %s}}
                  template:
                    metadata: {labels: {app: %s}}
                    spec:
                      containers: [{name: main, image: "%s"}]
                """.formatted(name, ns, name, replicas, name, name, image))
                .get(0);
    }

    TypedObject configMap(String name, String key, String value) {
        return TypedObject.newBuilder()
                .setConfigMap(ConfigMap.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(name).setNamespace(ns))
                        .putData(key, value))
                .build();
    }

    static TypedObject withData(TypedObject configMap, String key, String value) {
        return TypedObject.newBuilder()
                .setConfigMap(configMap.getConfigMap().toBuilder().putData(key, value))
                .build();
    }

    TypedObject service(String name, String type, String clusterIp, int nodePort) {
        Service.Builder svc = Service.newBuilder();
        svc.getMetadataBuilder().setName(name).setNamespace(ns);
        svc.getSpecBuilder()
                .setType(
                        type.equals("NodePort")
                                ? io.capstan.proto.api.v1.ServiceSpec.Type.TYPE_NODE_PORT
                                : io.capstan.proto.api.v1.ServiceSpec.Type.TYPE_CLUSTER_IP)
                .setClusterIp(clusterIp)
                .putSelector("app", name)
                .addPorts(ServicePort.newBuilder().setName("http").setPort(80).setNodePort(nodePort));
        return TypedObject.newBuilder().setService(svc).build();
    }

    TypedObject event(String name) {
        Event.Builder event = Event.newBuilder()
                .setInvolvedObject(ObjectReference.newBuilder()
                        .setKind("Pod")
                        .setNamespace(ns)
                        .setName("web")
                        .setUid("uid-1"))
                .setReason("BackOff")
                .setMessage("Back-off restarting failed container")
                .setType(Event.Type.TYPE_WARNING);
        event.getMetadataBuilder().setName(name).setNamespace(ns);
        event.getSourceBuilder().setComponent("kubelet").setHost("node-1");
        return TypedObject.newBuilder().setEvent(event).build();
    }
}
