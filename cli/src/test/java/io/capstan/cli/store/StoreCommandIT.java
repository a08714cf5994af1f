package io.capstan.cli.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.capstan.apiserver.service.ControlPlane;
import io.capstan.cli.Capstan;
import io.capstan.client.ClientConfig;
import io.capstan.client.ObjectClient;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.etcd.AlarmRequest;
import io.capstan.proto.etcd.AlarmType;
import io.capstan.proto.etcd.KVGrpc;
import io.capstan.proto.etcd.MaintenanceGrpc;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.store.StoreConfig;
import io.capstan.store.StoreServer;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code capstan store ...} against an in-process 3-member control plane, output captured. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StoreCommandIT {
    private ControlPlane plane;
    private ObjectClient client;
    private String endpoints;
    private ManagedChannel channel;

    @TempDir
    Path dir;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        plane = ControlPlane.start(3, root);
        client = ObjectClient.connect(ClientConfig.of(List.of(plane.apiAddress(0)), ControlPlane.TOKEN));
        endpoints = String.join(",", plane.store().clientAddresses());
        channel = NettyChannelBuilder.forTarget(plane.store().clientAddresses().get(0))
                .usePlaintext()
                .build();
    }

    @AfterAll
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (client != null) {
            client.close();
        }
        if (plane != null) {
            plane.close();
        }
    }

    record Result(int exitCode, String out, String err) {}

    private static Result capstan(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Capstan.execute(
                args, new ByteArrayInputStream(new byte[0]), new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    private Result store(String... args) {
        List<String> all = new ArrayList<>(List.of("store"));
        all.addAll(List.of(args));
        all.addAll(List.of("--endpoints", endpoints));
        return capstan(all.toArray(String[]::new));
    }

    private long put(String key, String value) {
        return KVGrpc.newBlockingStub(channel)
                .put(PutRequest.newBuilder()
                        .setKey(ByteString.copyFromUtf8(key))
                        .setValue(ByteString.copyFromUtf8(value))
                        .build())
                .getHeader()
                .getRevision();
    }

    private long currentRevision() {
        return KVGrpc.newBlockingStub(channel)
                .range(RangeRequest.newBuilder()
                        .setKey(ByteString.copyFromUtf8("x"))
                        .setCountOnly(true)
                        .build())
                .getHeader()
                .getRevision();
    }

    private void createPod(String namespace, String name) {
        client.namespaces()
                .create(Namespace.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(namespace))
                        .build());
        client.pods()
                .create(Pod.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder()
                                .setNamespace(namespace)
                                .setName(name)
                                .putLabels("app", "web"))
                        .setSpec(PodSpec.newBuilder()
                                .addContainers(
                                        Container.newBuilder().setName("main").setImage("nginx")))
                        .build());
    }

    private static List<String> rows(String table) {
        return table.lines().skip(1).toList();
    }

    @Test
    void statusListsEveryEndpointWithExactlyOneLeader() {
        Result result = store("status");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out().lines().findFirst().orElseThrow())
                .contains("ENDPOINT", "ID", "IS LEADER", "RAFT TERM", "RAFT INDEX", "REVISION", "DB SIZE");
        List<String> rows = rows(result.out());
        assertThat(rows).hasSize(3);
        for (String address : plane.store().clientAddresses()) {
            assertThat(rows).anyMatch(row -> row.startsWith(address + " "));
        }
        assertThat(rows.stream().filter(row -> row.contains(" true ")).count()).isEqualTo(1);
    }

    @Test
    void membersListsThreeStartedMembersAndTheLeader() {
        Result result = store("members");

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<String> rows = rows(result.out());
        assertThat(rows).hasSize(3);
        assertThat(rows).allMatch(row -> row.contains(" started ") && row.contains("http://127.0.0.1:"));
        for (String address : plane.store().clientAddresses()) {
            assertThat(rows).anyMatch(row -> row.contains("http://" + address));
        }
        assertThat(rows.stream().filter(row -> row.contains(" true ")).count()).isEqualTo(1);
    }

    @Test
    void getWithPrefixDecodesAPodToYaml() {
        createPod("store-get", "web");

        Result result = store("get", "--prefix", "/registry/pods/store-get/");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .contains("key: /registry/pods/store-get/web")
                .contains("createRevision: ")
                .contains("modRevision: ")
                .contains("version: 1")
                .contains("kind: Pod")
                .contains("name: web")
                .contains("namespace: store-get")
                .contains("image: nginx")
                .contains("app: web");
        Matcher mod = Pattern.compile("modRevision: (\\d+)").matcher(result.out());
        assertThat(mod.find()).isTrue();
        assertThat(result.out()).containsPattern("resourceVersion: \"?" + mod.group(1) + "\"?\n");
    }

    @Test
    void getPrintsOtherValuesAsTextOrHexAndRespectsTheLimit() {
        put("/plain/a", "hello");
        KVGrpc.newBlockingStub(channel)
                .put(PutRequest.newBuilder()
                        .setKey(ByteString.copyFromUtf8("/plain/b"))
                        .setValue(ByteString.copyFrom(new byte[] {0, 1, (byte) 0xfe}))
                        .build());

        Result all = store("get", "/plain/", "--prefix");
        Result limited = store("get", "/plain/", "--prefix", "--limit", "1", "-o", "raw");

        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.out()).contains("value: hello").contains("valueHex: 0001fe");
        assertThat(limited.exitCode()).as(limited.err()).isZero();
        assertThat(limited.out()).isEqualTo("/plain/a\nhello\n");
        assertThat(limited.err()).contains("1 of 2 keys shown");
    }

    @Test
    void watchPrintsALiveChangeAndStopsAfterMaxEvents() throws Exception {
        long from = currentRevision() + 1;
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<Result> watch = executor.submit(() -> store(
                    "watch",
                    "--prefix",
                    "/registry/pods/store-watch/",
                    "--rev",
                    Long.toString(from),
                    "--max-events",
                    "1"));
            createPod("store-watch", "api");

            Result result = watch.get(30, TimeUnit.SECONDS);

            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.out())
                    .contains("type: PUT")
                    .contains("key: /registry/pods/store-watch/api")
                    .contains("kind: Pod")
                    .contains("name: api");
            assertThat(result.out()).doesNotContain("---");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void watchFailsOverFromADeadEndpoint() throws Exception {
        long revision = put("/failover/k", "v1");

        Result result = capstan(
                "store",
                "watch",
                "/failover/k",
                "--rev",
                Long.toString(revision),
                "--max-events",
                "1",
                "-o",
                "raw",
                "--endpoints",
                "127.0.0.1:" + freePort() + "," + endpoints);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("PUT\n/failover/k\nv1\n");
        assertThat(result.err()).contains("resuming on the next endpoint");
    }

    @Test
    void getFailsOverFromADeadEndpointAndReportsWhenAllAreDown() throws Exception {
        put("/failover/g", "ok");
        String dead = "127.0.0.1:" + freePort();

        Result served = capstan("store", "get", "/failover/g", "-o", "raw", "--endpoints", dead + "," + endpoints);
        Result down = capstan("store", "get", "/failover/g", "--endpoints", dead);

        assertThat(served.exitCode()).as(served.err()).isZero();
        assertThat(served.out()).isEqualTo("/failover/g\nok\n");
        assertThat(down.exitCode()).isEqualTo(1);
        assertThat(down.err()).startsWith("error: cannot reach a store endpoint (" + dead);
    }

    @Test
    void compactThenGetAtAnOlderRevisionFailsClearly() {
        long old = put("/compact/k", "v1");
        put("/compact/k", "v2");

        Result compact = store("compact");
        Result get = store("get", "/compact/k", "--rev", Long.toString(old));
        Result newest = store("get", "/compact/k", "-o", "raw");

        assertThat(compact.exitCode()).as(compact.err()).isZero();
        assertThat(compact.out()).startsWith("compacted revision ");
        assertThat(get.exitCode()).isEqualTo(1);
        assertThat(get.err())
                .startsWith("error: revision " + old + " has been compacted")
                .contains("required revision has been compacted");
        assertThat(newest.out()).isEqualTo("/compact/k\nv2\n");
    }

    @Test
    void snapshotSaveWritesTheFileWhoseHashItPrintsAndRestoreRebuildsIt() throws Exception {
        put("/snapshot/k", "kept");
        Path file = dir.resolve("backup.db");

        Result save = store("snapshot", "save", file.toString());

        assertThat(save.exitCode()).as(save.err()).isZero();
        assertThat(file).exists();
        assertThat(Files.size(file)).isPositive();
        assertThat(dir.resolve("backup.db.part")).doesNotExist();
        String sha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        assertThat(save.out()).contains("sha256 " + sha256).contains(Files.size(file) + " bytes");

        int peerPort = freePort();
        Path dataDir = dir.resolve("restored");
        Result restore = capstan(
                "store",
                "snapshot",
                "restore",
                file.toString(),
                "--data-dir",
                dataDir.toString(),
                "--name",
                "r1",
                "--listen-peer",
                "127.0.0.1:" + peerPort,
                "--initial-cluster-token",
                "restored");
        assertThat(restore.exitCode()).as(restore.err()).isZero();
        assertThat(restore.out()).contains("Restored " + file);

        StoreConfig config = StoreConfig.of(
                        "r1",
                        dataDir,
                        "127.0.0.1:0",
                        "127.0.0.1:" + peerPort,
                        Map.of("r1", "http://127.0.0.1:" + peerPort))
                .withClusterToken("restored");
        try (StoreServer restored = new StoreServer(config).start()) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> restored.raft().status().isLeader());
            Result get = capstan("store", "get", "/snapshot/k", "-o", "raw", "--endpoints", restored.clientAddress());
            assertThat(get.out()).as(get.err()).isEqualTo("/snapshot/k\nkept\n");
        }
    }

    @Test
    void snapshotRestoreRefusesADamagedFile() throws Exception {
        Path file = dir.resolve("damaged.db");
        Files.write(file, new byte[1024]);

        Result restore = capstan(
                "store",
                "snapshot",
                "restore",
                file.toString(),
                "--data-dir",
                dir.resolve("d").toString());

        assertThat(restore.exitCode()).isEqualTo(1);
        assertThat(restore.err()).contains("is damaged: its SHA-256 trailer");
    }

    @Test
    void alarmsAreListedAndDisarmed() {
        long member = MaintenanceGrpc.newBlockingStub(channel)
                .status(io.capstan.proto.etcd.StatusRequest.getDefaultInstance())
                .getHeader()
                .getMemberId();
        MaintenanceGrpc.newBlockingStub(channel)
                .alarm(AlarmRequest.newBuilder()
                        .setAction(AlarmRequest.AlarmAction.ACTIVATE)
                        .setMemberID(member)
                        .setAlarm(AlarmType.NOSPACE)
                        .build());
        try {
            Result list = store("alarms");
            Result disarm = store("alarms", "disarm");
            Result after = store("alarms", "list");

            String line = "memberID:" + Long.toHexString(member) + " alarm:NOSPACE";
            assertThat(list.out()).as(list.err()).isEqualTo(line + "\n");
            assertThat(disarm.out()).isEqualTo("disarmed " + line + "\n");
            assertThat(after.exitCode()).isZero();
            assertThat(after.out()).isEmpty();
        } finally {
            MaintenanceGrpc.newBlockingStub(channel)
                    .alarm(AlarmRequest.newBuilder()
                            .setAction(AlarmRequest.AlarmAction.DEACTIVATE)
                            .setMemberID(member)
                            .setAlarm(AlarmType.NOSPACE)
                            .build());
        }
    }

    @Test
    void defragAnswersForEveryEndpoint() {
        Result result = store("defrag");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out().lines()).hasSize(3).allMatch(l -> l.startsWith("Finished defragmenting"));
    }

    @Test
    void endpointsComeFromTheClientConfigsStoreEndpoints() throws Exception {
        Path config = dir.resolve("config");
        StringBuilder yaml = new StringBuilder(
                "endpoints:\n  - " + plane.apiAddress(0) + "\ntoken: " + ControlPlane.TOKEN + "\nstoreEndpoints:\n");
        for (String address : plane.store().clientAddresses()) {
            yaml.append("  - ").append(address).append('\n');
        }
        Files.writeString(config, yaml);

        Result result = capstan("--config", config.toString(), "store", "status");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(rows(result.out())).hasSize(3);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}
