package io.capstan.apiserver.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.CreateRequest;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.TypedObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the {@code grpcurl} examples of docs/api.md against a live API server, exactly as written,
 * with {@code grpcurl} defined as a shell function that passes the same request to {@code buf curl}
 * (grpcurl cannot be installed on the build machines; buf comes from the npm registry, and .ci/run
 * installs it). Skipped, loudly, when buf is missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ApiExamplesIT {
    /** grpcurl's flags as used in the docs, mapped to buf curl's. */
    private static final String GRPCURL_AS_BUF = """
            grpcurl() {
              local args=() addr="" method=""
              while [ $# -gt 0 ]; do
                case "$1" in
                  -plaintext) shift ;;
                  -H) args+=(-H "$2"); shift 2 ;;
                  -d) args+=(-d "$2"); shift 2 ;;
                  *) if [ -z "$addr" ]; then addr="$1"; else method="$1"; fi; shift ;;
                esac
              done
              "$BUF" curl --protocol grpc --http2-prior-knowledge "${args[@]}" "http://$addr/$method"
            }
            """;

    private ControlPlane plane;
    private Path buf;
    private List<String> examples;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        Optional<Path> found = findBuf();
        if (found.isEmpty()) {
            System.err.println("SKIPPED: ApiExamplesIT needs buf (npm install --prefix .ci/tools @bufbuild/buf), "
                    + "or CAPSTAN_BUF pointing at it");
        }
        assumeTrue(found.isPresent(), "buf is not installed");
        buf = found.get();
        examples = grpcurlExamples(repositoryRoot().resolve("docs/api.md"));
        assertThat(examples).hasSize(4);
        plane = ControlPlane.start(1, root);
    }

    @AfterAll
    void stop() {
        if (plane != null) {
            plane.close();
        }
    }

    @Test
    void theDocumentedCallsDoWhatTheDocsSay() throws Exception {
        JsonNode created = json(run(example("ObjectService/Create"), Map.of()));
        assertThat(created.at("/object/configMap/metadata/uid").asText()).isNotEmpty();
        assertThat(created.at("/object/configMap/data/text").asText()).isEqualTo("hello");

        JsonNode got = json(run(example("ObjectService/Get"), Map.of()));
        assertThat(got.at("/object/configMap/metadata/name").asText()).isEqualTo("greeting");

        JsonNode listed = json(run(example("ObjectService/List"), Map.of()));
        assertThat(listed.at("/items/0/configMap/metadata/name").asText()).isEqualTo("greeting");
        String rv = listed.at("/resourceVersion").asText();
        assertThat(rv).isNotEmpty();

        Process watch = start(example("ObjectService/Watch"), Map.of("RV", rv));
        try {
            plane.blocking(0)
                    .create(CreateRequest.newBuilder()
                            .setObject(TypedObject.newBuilder()
                                    .setConfigMap(ConfigMap.newBuilder()
                                            .setMetadata(ObjectMeta.newBuilder()
                                                    .setName("greeting-2")
                                                    .setNamespace("default"))))
                            .build());
            Path out = outputOf(watch);
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> Files.readString(out).contains("greeting-2"));
            String events = Files.readString(out);
            assertThat(events).contains("TYPE_ADDED").doesNotContain("\"name\": \"greeting\"");
        } finally {
            watch.destroy();
            watch.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private String example(String method) {
        return examples.stream()
                .filter(e -> e.contains(method))
                .findFirst()
                .orElseThrow(() -> new AssertionError("docs/api.md has no example of " + method));
    }

    private String run(String command, Map<String, String> env) throws Exception {
        Process process = start(command, env);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(outputOf(process));
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }

    private final Map<Process, Path> outputs = new java.util.HashMap<>();

    private Process start(String command, Map<String, String> env) throws IOException {
        Path out = Files.createTempFile("api-example", ".out");
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", GRPCURL_AS_BUF + command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile());
        builder.environment().put("BUF", buf.toString());
        builder.environment().put("API", plane.apiAddress(0));
        builder.environment().put("TOKEN", ControlPlane.TOKEN);
        builder.environment().putAll(env);
        Process process = builder.start();
        outputs.put(process, out);
        return process;
    }

    private Path outputOf(Process process) {
        return outputs.get(process);
    }

    private static JsonNode json(String text) throws IOException {
        return new ObjectMapper().readTree(text);
    }

    /** Each shell block of the page that calls grpcurl, continuation lines joined. */
    static List<String> grpcurlExamples(Path markdown) throws IOException {
        List<String> commands = new ArrayList<>();
        boolean inShell = false;
        StringBuilder block = new StringBuilder();
        for (String line : Files.readAllLines(markdown, StandardCharsets.UTF_8)) {
            if (!inShell && line.strip().equals("```sh")) {
                inShell = true;
                block.setLength(0);
            } else if (inShell && line.strip().equals("```")) {
                inShell = false;
                String command = block.toString().replace("\\\n", " ");
                if (command.strip().startsWith("grpcurl")) {
                    commands.add(command.strip());
                }
            } else if (inShell) {
                block.append(line).append('\n');
            }
        }
        return commands;
    }

    private static Optional<Path> findBuf() {
        String env = System.getenv("CAPSTAN_BUF");
        if (env != null && Files.isExecutable(Path.of(env))) {
            return Optional.of(Path.of(env));
        }
        Path local = repositoryRoot().resolve(".ci/tools/node_modules/.bin/buf");
        if (Files.isExecutable(local)) {
            return Optional.of(local);
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir, "buf");
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("docs/api.md")) ? here : here.getParent();
    }
}
