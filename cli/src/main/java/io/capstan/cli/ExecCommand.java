package io.capstan.cli;

import io.capstan.client.ObjectClient;
import io.capstan.client.OutputListener;
import io.capstan.client.PodStream;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code capstan exec POD [-c NAME] -- CMD ARGS...}: runs a command in a running container, its
 * stdout and stderr on the CLI's, and exits with the command's exit code (1 when the command could
 * not be run at all, with one {@code error:} line). No stdin and no terminal yet.
 */
@Command(
        name = "exec",
        mixinStandardHelpOptions = true,
        description = "Run a command in a container of a pod.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "N:The command's exit code.",
            "1:Also when the command could not be run (no such pod or container, unreachable server)."
        })
final class ExecCommand extends ObjectVerbCommand {
    @Option(
            names = {"-c", "--container"},
            paramLabel = "NAME",
            description = "The container; may be left out when the pod has only one.")
    String container = "";

    @Parameters(index = "0", paramLabel = "POD", description = "The pod's name.")
    String pod = "";

    @Parameters(
            index = "1..*",
            arity = "1..*",
            paramLabel = "COMMAND",
            description = "The command and its arguments, after --; run directly, not by a shell.")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        Capstan capstan = Verbs.root(root);
        DecodingWriter out = new DecodingWriter(Verbs.out(spec));
        DecodingWriter err = new DecodingWriter(Verbs.err(spec));
        OutputListener listener = (stream, data) -> {
            if (stream == OutputListener.Stream.STDERR) {
                err.write(data);
            } else {
                out.write(data);
            }
        };
        try (ObjectClient client = capstan.connect(global);
                PodStream stream = client.exec(namespace.namespace(), pod, container, command, listener)) {
            return stream.await().orElse(Capstan.ERROR);
        } finally {
            out.finish();
            err.finish();
        }
    }
}
