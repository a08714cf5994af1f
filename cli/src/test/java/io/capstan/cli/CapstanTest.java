package io.capstan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The verbs that need no server, and the handling of bad arguments. */
class CapstanTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Capstan.execute(
                args, new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void versionPrintsTheBuildVersion() {
        assertThat(run("version")).isZero();
        assertThat(out.toString()).matches("Client Version: \\d+\\.\\d+\\.\\d+.*\\n");
    }

    @Test
    void completionPrintsABashScriptCoveringTheVerbs() {
        assertThat(run("completion", "bash")).isZero();
        assertThat(out.toString()).contains("complete -F").contains("apply").contains("describe");
    }

    @Test
    void helpDocumentsTheExitCodes() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString())
                .contains("Exit codes:")
                .contains("0   Success.")
                .contains("1   An error");
    }

    @Test
    void anUnknownTypeIsOneErrorLineAndExitCodeOne() {
        assertThat(run("get", "widgets", "--server", "127.0.0.1:1", "--token", "t"))
                .isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: the server doesn't have a resource type \"widgets\"\n");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aBadFlagIsExitCodeOne() {
        assertThat(run("get", "pods", "--frobnicate")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: Unknown option: '--frobnicate' (see 'capstan get --help')\n");
    }

    @Test
    void theNewVerbsCheckTheirArgumentsBeforeConnecting() {
        assertThat(run("label", "deploy", "web", "--server", "127.0.0.1:1", "--token", "t"))
                .isEqualTo(1);
        assertThat(run("set", "image", "deploy/web", "--server", "127.0.0.1:1", "--token", "t"))
                .isEqualTo(1);
        assertThat(run("rollout", "undo", "cm/web", "--server", "127.0.0.1:1", "--token", "t"))
                .isEqualTo(1);
        assertThat(run("set")).isEqualTo(1);
        assertThat(err.toString())
                .isEqualTo("error: at least one label update is required (KEY=VALUE or KEY-)\n"
                        + "error: at least one image update is required (CONTAINER=IMAGE)\n"
                        + "error: rollout undo is not supported for configmaps: only for deployments\n"
                        + "error: set needs a subcommand: image (see 'capstan set --help')\n");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aMissingManifestNamesItsPath() {
        assertThat(run("apply", "-f", "/nonexistent/x.yaml", "--server", "127.0.0.1:1", "--token", "t"))
                .isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: the path \"/nonexistent/x.yaml\" does not exist\n");
    }

    @Test
    void anUnreadableConfigSaysWhereItLooked() {
        assertThat(run("get", "pods", "--config", "/nonexistent/config")).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: cannot read the client config /nonexistent/config");
    }
}
