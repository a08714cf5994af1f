package io.capstan.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Runs the real etcdctl (v3 API) for tests and reads its text and JSON output. */
final class Etcdctl {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(15);

    private Etcdctl() {}

    /** Disables the class, with the reason in the report, when there is no etcdctl to run. */
    static final class Installed implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return etcdctl().isPresent()
                    ? ConditionEvaluationResult.enabled(
                            "etcdctl found at " + etcdctl().get())
                    : ConditionEvaluationResult.disabled("SKIPPED: etcdctl is missing (not on PATH nor /usr/bin);"
                            + " install it with `apt-get install etcd-client` (etcdctl 3.4) to run EtcdctlIT");
        }
    }

    static Optional<Path> etcdctl() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin");
        return Stream.concat(Stream.of(path.split(File.pathSeparator)), Stream.of("/usr/bin"))
                .filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, "etcdctl"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    // ---------------------------------------------------------------- running etcdctl

    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    /** Output of a command that must succeed, trimmed. */
    static String ok(Result result) {
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result.stdout().trim();
    }

    static List<String> command(String endpoints, String... args) {
        List<String> command = new ArrayList<>();
        command.add(etcdctl().orElseThrow().toString());
        command.add("--endpoints=" + endpoints);
        command.add("--dial-timeout=5s");
        command.add("--command-timeout=10s");
        command.addAll(List.of(args));
        return command;
    }

    static ProcessBuilder builder(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("ETCDCTL_"));
        env.put("ETCDCTL_API", "3");
        return builder;
    }

    static Result run(Path dir, String endpoints, @Nullable String stdin, String... args) {
        List<String> command = command(endpoints, args);
        try {
            Path out = Files.createTempFile(dir, "etcdctl", ".out");
            Path err = Files.createTempFile(dir, "etcdctl", ".err");
            Process process = builder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            try (Writer input = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8)) {
                if (stdin != null) {
                    input.write(stdin);
                }
            }
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("etcdctl did not finish within " + COMMAND_TIMEOUT + ": " + command
                        + "\nstdout:\n" + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }

    /** A long-running etcdctl (watch, keep-alive) whose stdout lines are collected as they come. */
    static final class Background {
        private final Process process;
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final Thread reader;

        Background(Process process) {
            this.process = process;
            this.reader = new Thread(this::read, "etcdctl-stdout-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("<stdout closed: " + e + ">");
            }
        }

        List<String> lines() {
            return lines;
        }

        void stop() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
                reader.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---------------------------------------------------------------- reading output

    /** Lease IDs as etcdctl prints them. */
    static String leaseHex(long id) {
        return String.format("%016x", id);
    }

    static List<String> lines(String output) {
        return output.lines().filter(l -> !l.isBlank()).toList();
    }

    static JsonObject json(String output) {
        return JsonParser.parseString(output).getAsJsonObject();
    }

    static long revisionOf(JsonObject response) {
        return response.getAsJsonObject("header").get("revision").getAsLong();
    }

    static String str(JsonObject object, String field) {
        JsonElement value = object.get(field);
        return value == null ? "" : value.getAsString();
    }

    static String b64(JsonObject object, String field) {
        return new String(Base64.getDecoder().decode(str(object, field)), StandardCharsets.UTF_8);
    }

    static List<String> keys(JsonObject range) {
        JsonArray kvs = range.getAsJsonArray("kvs");
        if (kvs == null) {
            return List.of();
        }
        return kvs.asList().stream().map(kv -> b64(kv.getAsJsonObject(), "key")).toList();
    }

    /** Every event printed so far by a {@code watch -w json}: one response per line. */
    static List<JsonObject> events(Background watch) {
        List<JsonObject> events = new ArrayList<>();
        for (String line : watch.lines()) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonArray batch = json(line).getAsJsonArray("Events");
            if (batch != null) {
                batch.forEach(e -> events.add(e.getAsJsonObject()));
            }
        }
        return events;
    }

    /** "PUT key=value prev=value-or-dash", with etcd's omitted zero type meaning PUT. */
    static String describe(JsonObject event) {
        JsonElement type = event.get("type");
        String kind = type == null
                        || type.getAsString().equals("0")
                        || type.getAsString().equals("PUT")
                ? "PUT"
                : "DELETE";
        JsonObject kv = event.getAsJsonObject("kv");
        JsonObject prev = event.getAsJsonObject("prev_kv");
        return kind + " " + b64(kv, "key") + "=" + b64(kv, "value") + " prev="
                + (prev == null ? "-" : b64(prev, "value"));
    }
}
