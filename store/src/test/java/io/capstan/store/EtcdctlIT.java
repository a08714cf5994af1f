package io.capstan.store;

import static io.capstan.store.Etcdctl.b64;
import static io.capstan.store.Etcdctl.builder;
import static io.capstan.store.Etcdctl.command;
import static io.capstan.store.Etcdctl.events;
import static io.capstan.store.Etcdctl.json;
import static io.capstan.store.Etcdctl.keys;
import static io.capstan.store.Etcdctl.leaseHex;
import static io.capstan.store.Etcdctl.lines;
import static io.capstan.store.Etcdctl.ok;
import static io.capstan.store.Etcdctl.revisionOf;
import static io.capstan.store.Etcdctl.run;
import static io.capstan.store.Etcdctl.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.capstan.store.Etcdctl.Background;
import io.capstan.store.Etcdctl.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the real etcdctl (3.4, v3 API) against an in-process 3-peer cluster, so that what an
 * operator types and what the store answers are checked together: flags, output formats and
 * etcd's error texts.
 */
@ExtendWith(Etcdctl.Installed.class)
class EtcdctlIT {

    @TempDir
    static Path dir;

    static StoreCluster cluster;

    /** Background etcdctl processes started by the current test; stopped after it. */
    private final List<Background> started = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = StoreCluster.start(3, dir.resolve("cluster"));
        // Every peer must be serving its published member record before etcdctl lists members.
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(json(ok(all("member", "list", "-w", "json")))
                                .getAsJsonArray("members")
                                .asList())
                        .allSatisfy(m ->
                                assertThat(str(m.getAsJsonObject(), "name")).isNotEmpty()));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void stopBackground() {
        started.forEach(Background::stop);
        started.clear();
    }

    // ---------------------------------------------------------------- KV

    @Test
    void putAndGetWithPrefixFromKeyLimitAndKeysOnly() {
        assertThat(ok(all("put", "kv/a", "1"))).isEqualTo("OK");
        assertThat(ok(all("put", "kv/b", "2"))).isEqualTo("OK");
        assertThat(ok(all("put", "kv/c", "3"))).isEqualTo("OK");
        assertThat(ok(all("put", "kw", "outside"))).isEqualTo("OK");

        assertThat(lines(ok(all("get", "kv/", "--prefix")))).containsExactly("kv/a", "1", "kv/b", "2", "kv/c", "3");

        JsonObject prefix = json(ok(all("get", "kv/", "--prefix", "-w", "json")));
        assertThat(prefix.get("count").getAsLong()).isEqualTo(3);
        assertThat(keys(prefix)).containsExactly("kv/a", "kv/b", "kv/c");
        JsonObject first = prefix.getAsJsonArray("kvs").get(0).getAsJsonObject();
        assertThat(b64(first, "value")).isEqualTo("1");
        assertThat(first.get("version").getAsLong()).isEqualTo(1);
        assertThat(first.get("create_revision").getAsLong())
                .isEqualTo(first.get("mod_revision").getAsLong())
                .isPositive();
        assertThat(prefix.getAsJsonObject("header").get("revision").getAsLong())
                .isGreaterThanOrEqualTo(first.get("mod_revision").getAsLong() + 3);

        assertThat(keys(json(ok(all("get", "kv/b", "--from-key", "-w", "json")))))
                .startsWith("kv/b", "kv/c", "kw");

        JsonObject limited = json(ok(all("get", "kv/", "--prefix", "--limit", "2", "-w", "json")));
        assertThat(keys(limited)).containsExactly("kv/a", "kv/b");
        assertThat(limited.get("more").getAsBoolean()).isTrue();
        assertThat(limited.get("count").getAsLong()).isEqualTo(3);

        assertThat(lines(ok(all("get", "kv/", "--prefix", "--keys-only")))).containsExactly("kv/a", "kv/b", "kv/c");
        JsonObject keysOnly = json(ok(all("get", "kv/", "--prefix", "--keys-only", "-w", "json")));
        assertThat(keysOnly.getAsJsonArray("kvs").asList())
                .allSatisfy(kv -> assertThat(kv.getAsJsonObject().has("value")).isFalse());

        // etcdctl 3.4 has no --count-only (3.5 added it); the count rides on every range answer.
        assertThat(keysOnly.get("count").getAsLong()).isEqualTo(3);

        // Each peer answers the same, linearizably.
        for (int i = 0; i < 3; i++) {
            assertThat(lines(ok(one(i, "get", "kv/c")))).containsExactly("kv/c", "3");
        }
    }

    @Test
    void getAtAnOlderRevisionSeesTheOlderValue() {
        long created = revisionOf(json(ok(all("put", "rev/k", "old", "-w", "json"))));
        ok(all("put", "rev/k", "new"));

        assertThat(lines(ok(all("get", "rev/k", "--rev", Long.toString(created)))))
                .containsExactly("rev/k", "old");
        assertThat(lines(ok(all("get", "rev/k")))).containsExactly("rev/k", "new");
        JsonObject latest = json(ok(all("get", "rev/k", "-w", "json")));
        assertThat(latest.getAsJsonArray("kvs")
                        .get(0)
                        .getAsJsonObject()
                        .get("version")
                        .getAsLong())
                .isEqualTo(2);
    }

    @Test
    void getAtAFutureRevisionFails() {
        long now = revisionOf(json(ok(all("get", "any", "-w", "json"))));
        Result future = all("get", "any", "--rev", Long.toString(now + 1000));
        assertThat(future.exitCode()).isNotZero();
        assertThat(future.stderr()).contains("etcdserver: mvcc: required revision is a future revision");
    }

    @Test
    void emptyKeyIsRefusedWithEtcdsMessage() {
        Result put = all("put", "", "x");
        assertThat(put.exitCode()).isNotZero();
        assertThat(put.stderr()).contains("etcdserver: key is not provided");
    }

    @Test
    void deleteWithPrefixAndPrevKv() {
        ok(all("put", "del/a", "1"));
        ok(all("put", "del/b", "2"));
        ok(all("put", "del/c", "3"));
        ok(all("put", "delx", "stays"));

        assertThat(lines(ok(all("del", "del/c", "--prev-kv")))).containsExactly("1", "del/c", "3");
        assertThat(lines(ok(all("del", "del/", "--prefix")))).containsExactly("2");
        assertThat(lines(ok(all("del", "del/", "--prefix")))).containsExactly("0");
        assertThat(lines(ok(all("get", "del", "--prefix", "--keys-only")))).containsExactly("delx");

        ok(all("put", "del/d", "4"));
        JsonObject deleted = json(ok(all("del", "del/", "--prefix", "--prev-kv", "-w", "json")));
        assertThat(deleted.get("deleted").getAsLong()).isEqualTo(1);
        JsonObject prev = deleted.getAsJsonArray("prev_kvs").get(0).getAsJsonObject();
        assertThat(b64(prev, "key")).isEqualTo("del/d");
        assertThat(b64(prev, "value")).isEqualTo("4");
    }

    @Test
    void txnFromStdinTakesTheSuccessOrFailureBranch() {
        ok(all("put", "txn/guard", "on"));
        String script = """
                value("txn/guard") = "on"

                put txn/result success
                get txn/guard

                put txn/result failure

                """;

        Result success = run(dir, endpointsAll(), script, "txn");
        assertThat(success.exitCode()).as(success.toString()).isZero();
        assertThat(lines(success.stdout())).containsExactly("SUCCESS", "OK", "txn/guard", "on");
        assertThat(lines(ok(all("get", "txn/result")))).containsExactly("txn/result", "success");

        ok(all("put", "txn/guard", "off"));
        Result failure = run(dir, endpointsAll(), script, "txn", "-w", "json");
        assertThat(failure.exitCode()).as(failure.toString()).isZero();
        JsonObject response = json(failure.stdout());
        assertThat(response.has("succeeded"))
                .as("succeeded is omitted when false")
                .isFalse();
        assertThat(response.getAsJsonArray("responses")).hasSize(1);
        assertThat(lines(ok(all("get", "txn/result")))).containsExactly("txn/result", "failure");

        String versionCompare = """
                version("txn/absent") = "0"
                create("txn/guard") > "0"

                put txn/new v


                """;
        Result both = run(dir, endpointsAll(), versionCompare, "txn");
        assertThat(lines(both.stdout())).as(both.toString()).containsExactly("SUCCESS", "OK");
    }

    // ---------------------------------------------------------------- watch

    @Test
    void watchWithPrefixRevAndPrevKvSeesHistoryThenLiveEvents() {
        long first = revisionOf(json(ok(all("put", "watch/a", "1", "-w", "json"))));
        ok(all("put", "watch/a", "2"));
        ok(all("put", "watchx", "not-in-prefix"));

        Background watch = background(
                endpointsAll(),
                "watch",
                "watch/",
                "--prefix",
                "--rev",
                Long.toString(first),
                "--prev-kv",
                "-w",
                "json");
        // History from --rev arrives first: two puts of watch/a, the second with its previous value.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(events(watch))
                        .as("watch output %s", watch.lines())
                        .hasSizeGreaterThanOrEqualTo(2));

        ok(all("put", "watch/b", "live"));
        ok(all("del", "watch/a"));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(events(watch))
                        .as("watch output %s", watch.lines())
                        .hasSizeGreaterThanOrEqualTo(4));

        List<JsonObject> events = events(watch);
        assertThat(events)
                .extracting(Etcdctl::describe)
                .containsExactly(
                        "PUT watch/a=1 prev=-",
                        "PUT watch/a=2 prev=1",
                        "PUT watch/b=live prev=-",
                        "DELETE watch/a= prev=2");
        assertThat(events.get(0).getAsJsonObject("kv").get("mod_revision").getAsLong())
                .isEqualTo(first);
    }

    // ---------------------------------------------------------------- leases

    @Test
    void leaseGrantKeepAliveTimeToLiveListAndRevoke() {
        JsonObject granted = json(ok(all("lease", "grant", "30", "-w", "json")));
        long id = granted.get("ID").getAsLong();
        assertThat(granted.get("TTL").getAsLong()).isEqualTo(30);
        String hex = leaseHex(id);

        ok(all("put", "lease/a", "1", "--lease=" + hex));
        ok(all("put", "lease/b", "2", "--lease=" + hex));

        assertThat(lines(ok(all("lease", "list")))).contains(hex);
        JsonObject listed = json(ok(all("lease", "list", "-w", "json")));
        assertThat(listed.getAsJsonArray("leases").asList())
                .extracting(l -> l.getAsJsonObject().get("id").getAsLong())
                .contains(id);

        JsonObject ttl = json(ok(all("lease", "timetolive", hex, "--keys", "-w", "json")));
        assertThat(ttl.get("granted-ttl").getAsLong()).isEqualTo(30);
        assertThat(ttl.get("ttl").getAsLong()).isBetween(1L, 30L);
        assertThat(ttl.getAsJsonArray("keys").asList())
                .extracting(k -> new String(Base64.getDecoder().decode(k.getAsString()), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("lease/a", "lease/b");
        assertThat(ok(all("lease", "timetolive", hex, "--keys")))
                .startsWith("lease " + hex + " granted with TTL(30s), remaining(")
                .contains("attached keys([lease/a lease/b])");

        Background keepAlive = background(endpointsAll(), "lease", "keep-alive", hex);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(keepAlive.lines()).contains("lease " + hex + " keepalived with TTL(30)"));
        keepAlive.stop();

        assertThat(ok(all("lease", "revoke", hex))).isEqualTo("lease " + hex + " revoked");
        assertThat(lines(ok(all("get", "lease/", "--prefix")))).isEmpty();
        assertThat(ok(all("lease", "timetolive", hex))).isEqualTo("lease " + hex + " already expired");
    }

    @Test
    void leaseKeepAliveOfAShortLeaseKeepsItsKeys() {
        JsonObject granted = json(ok(all("lease", "grant", "2", "-w", "json")));
        String hex = leaseHex(granted.get("ID").getAsLong());
        ok(all("put", "short/k", "v", "--lease=" + hex));

        Background keepAlive = background(endpointsAll(), "lease", "keep-alive", hex);
        // Renewals come every third of the TTL: several of them outlive the TTL itself.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(keepAlive.lines())
                        .filteredOn(l -> l.equals("lease " + hex + " keepalived with TTL(2)"))
                        .as("keep-alive output %s", keepAlive.lines())
                        .hasSizeGreaterThanOrEqualTo(4));
        assertThat(lines(ok(all("get", "short/k")))).containsExactly("short/k", "v");
        keepAlive.stop();
        ok(all("lease", "revoke", hex));
    }

    @Test
    void revokeOfAnUnknownLeaseFails() {
        Result revoke = all("lease", "revoke", "1234abcd");
        assertThat(revoke.exitCode()).isNotZero();
        assertThat(revoke.stderr()).contains("etcdserver: requested lease not found");
    }

    // ---------------------------------------------------------------- compaction

    @Test
    void compactionMakesOlderRevisionsUnreadable() {
        long old = revisionOf(json(ok(all("put", "compact/k", "a", "-w", "json"))));
        long current = revisionOf(json(ok(all("put", "compact/k", "b", "-w", "json"))));

        assertThat(ok(all("compaction", Long.toString(current)))).isEqualTo("compacted revision " + current);

        Result below = all("get", "compact/k", "--rev", Long.toString(old));
        assertThat(below.exitCode()).isNotZero();
        assertThat(below.stderr()).contains("etcdserver: mvcc: required revision has been compacted");
        assertThat(lines(ok(all("get", "compact/k", "--rev", Long.toString(current)))))
                .containsExactly("compact/k", "b");

        Result again = all("compaction", Long.toString(old));
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.stderr()).contains("etcdserver: mvcc: required revision has been compacted");
    }

    // ---------------------------------------------------------------- maintenance and cluster

    @Test
    void endpointStatusNamesTheLeaderOnEveryEndpoint() {
        JsonArray statuses = JsonParser.parseString(ok(all("endpoint", "status", "-w", "json")))
                .getAsJsonArray();
        assertThat(statuses).hasSize(3);
        long leaderId = cluster.peer(cluster.awaitLeader()).memberId();
        List<Long> memberIds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            memberIds.add(cluster.peer(i).memberId());
        }
        for (JsonElement element : statuses) {
            JsonObject status = element.getAsJsonObject().getAsJsonObject("Status");
            assertThat(status.get("leader").getAsBigInteger().longValue()).isEqualTo(leaderId);
            assertThat(memberIds)
                    .contains(status.getAsJsonObject("header")
                            .get("member_id")
                            .getAsBigInteger()
                            .longValue());
            assertThat(str(status, "version")).startsWith("3.4");
            assertThat(status.get("raftIndex").getAsLong()).isPositive();
        }
        assertThat(ok(all("endpoint", "status")))
                .contains(cluster.clientAddresses().get(0));
    }

    @Test
    void endpointHealthIsHealthyOnEveryEndpoint() {
        JsonArray health = JsonParser.parseString(ok(all("endpoint", "health", "-w", "json")))
                .getAsJsonArray();
        assertThat(health.asList())
                .hasSize(3)
                .allSatisfy(h -> assertThat(h.getAsJsonObject().get("health").getAsBoolean())
                        .isTrue())
                .extracting(h -> str(h.getAsJsonObject(), "endpoint"))
                .containsExactlyInAnyOrderElementsOf(cluster.clientAddresses());
        // etcdctl 3.4 prints the simple health report on stderr.
        Result simple = one(1, "endpoint", "health");
        assertThat(simple.exitCode()).as(simple.toString()).isZero();
        assertThat(simple.stderr())
                .contains(cluster.peer(1).clientAddress() + " is healthy: successfully committed proposal");
    }

    @Test
    void memberListShowsThreeNamedMembersWithClientUrls() {
        JsonObject list = json(ok(all("member", "list", "-w", "json")));
        List<JsonObject> members = list.getAsJsonArray("members").asList().stream()
                .map(JsonElement::getAsJsonObject)
                .toList();
        assertThat(members).extracting(m -> str(m, "name")).containsExactlyInAnyOrder("p1", "p2", "p3");
        for (int i = 0; i < 3; i++) {
            long id = cluster.peer(i).memberId();
            JsonObject member = members.stream()
                    .filter(m -> m.get("ID").getAsBigInteger().longValue() == id)
                    .findFirst()
                    .orElseThrow();
            assertThat(str(member, "name")).isEqualTo("p" + (i + 1));
            assertThat(member.getAsJsonArray("clientURLs").asList())
                    .extracting(JsonElement::getAsString)
                    .containsExactly("http://" + cluster.peer(i).clientAddress());
            assertThat(member.getAsJsonArray("peerURLs").asList())
                    .extracting(JsonElement::getAsString)
                    .containsExactly("http://" + cluster.config(i).peerAddress());
        }
        assertThat(lines(ok(one(2, "member", "list"))))
                .hasSize(3)
                .allSatisfy(l -> assertThat(l).contains(", started, "));
    }

    @Test
    void memberAddAnswersAtOnceAndAnUnstartedMemberCanBeRemoved() throws IOException {
        String peerUrl = "http://127.0.0.1:" + StoreCluster.freePorts(1).get(0);
        String hex = memberAdd("p4", peerUrl);

        JsonObject listed = json(ok(all("member", "list", "-w", "json")));
        assertThat(listed.getAsJsonArray("members")).hasSize(4);
        assertThat(lines(ok(all("member", "list"))))
                .filteredOn(l -> l.startsWith(hex + ", "))
                .singleElement()
                .isEqualTo(hex + ", unstarted, , " + peerUrl + ", , false");

        memberRemove(hex);
        assertThat(json(ok(all("member", "list", "-w", "json"))).getAsJsonArray("members"))
                .hasSize(3);

        Result again = all("member", "remove", hex);
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.stderr()).contains("etcdserver: member not found");
    }

    @Test
    void aPeerStartedAfterMemberAddJoinsServesAndCanBeRemoved() throws IOException {
        int port = StoreCluster.freePorts(1).get(0);
        String peerUrl = "http://127.0.0.1:" + port;
        ok(all("put", "join/k", "before-join"));
        String hex = memberAdd("p4", peerUrl);

        Map<String, String> initial = new LinkedHashMap<>(cluster.config(0).initialCluster());
        initial.put("p4", peerUrl);
        StoreConfig config = StoreConfig.of("p4", dir.resolve("p4"), "127.0.0.1:0", "127.0.0.1:" + port, initial)
                .withJoinExisting(true)
                .withElectionTimeout(Duration.ofMillis(1000), Duration.ofMillis(2000))
                .withLeaseTiming(Duration.ofSeconds(1), Duration.ofMillis(100));
        try (StoreServer p4 = new StoreServer(config).start()) {
            String clientUrl = "http://" + p4.clientAddress();
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(lines(ok(all("member", "list"))))
                            .contains(hex + ", started, p4, " + peerUrl + ", " + clientUrl + ", false"));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(lines(ok(run(dir, p4.clientAddress(), null, "get", "join/k"))))
                            .containsExactly("join/k", "before-join"));
            assertThat(ok(run(dir, p4.clientAddress(), null, "put", "join/k", "via-p4")))
                    .isEqualTo("OK");
            assertThat(lines(ok(one(0, "get", "join/k")))).containsExactly("join/k", "via-p4");

            memberRemove(hex);
            assertThat(lines(ok(all("member", "list")))).hasSize(3).noneMatch(l -> l.startsWith(hex + ", "));
        }
        assertThat(ok(all("put", "join/k", "after-remove"))).isEqualTo("OK");
    }

    /** Adds a member through etcdctl and returns its ID in hex, as {@code member list} prints it. */
    private static String memberAdd(String name, String peerUrl) {
        String added = ok(all("member", "add", name, "--peer-urls=" + peerUrl));
        Matcher matcher = Pattern.compile("^Member\\s+([0-9a-f]+) added to cluster\\s+[0-9a-f]+$", Pattern.MULTILINE)
                .matcher(added);
        assertThat(matcher.find()).as(added).isTrue();
        assertThat(added).contains("ETCD_NAME=\"" + name + "\"").contains("ETCD_INITIAL_CLUSTER_STATE=\"existing\"");
        return matcher.group(1);
    }

    private static void memberRemove(String hex) {
        assertThat(ok(all("member", "remove", hex))).matches("Member\\s+" + hex + " removed from cluster\\s+[0-9a-f]+");
    }

    @Test
    void snapshotSaveWritesANonEmptyFile() throws IOException {
        Path file = dir.resolve("backup.db");
        Result saved = one(0, "snapshot", "save", file.toString());
        assertThat(saved.exitCode()).as(saved.toString()).isZero();
        assertThat(saved.stdout()).contains("Snapshot saved at " + file);
        assertThat(file).isRegularFile();
        assertThat(Files.size(file)).isPositive();
    }

    @Test
    void alarmListIsEmpty() {
        Result alarms = all("alarm", "list");
        assertThat(alarms.exitCode()).as(alarms.toString()).isZero();
        assertThat(alarms.stdout()).isBlank();
    }

    private static String endpointsAll() {
        return String.join(",", cluster.clientAddresses());
    }

    private static Result all(String... args) {
        return run(dir, endpointsAll(), null, args);
    }

    private static Result one(int peer, String... args) {
        return run(dir, cluster.peer(peer).clientAddress(), null, args);
    }

    private Background background(String endpoints, String... args) {
        try {
            Process process = builder(command(endpoints, args))
                    .redirectErrorStream(true) // its complaints show in the failure message
                    .start();
            process.getOutputStream().close();
            Background background = new Background(process);
            started.add(background);
            return background;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
