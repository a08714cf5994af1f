package io.capstan.cli;

import io.capstan.api.flags.Durations;
import io.capstan.client.LogOptions;
import io.capstan.client.ObjectClient;
import io.capstan.client.PodStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code capstan logs POD [-c NAME] [-f] [--tail N] [--since 5m | --since-time T] [-p]
 * [--timestamps]}: a container's log on stdout, as kubectl logs prints it. With {@code -f} it runs
 * until the container exits (or the user interrupts it).
 */
@Command(name = "logs", mixinStandardHelpOptions = true, description = "Print the log of a container in a pod.")
final class LogsCommand extends ObjectVerbCommand {
    @Parameters(paramLabel = "POD", description = "The pod's name.")
    String pod = "";

    @Option(
            names = {"-c", "--container"},
            paramLabel = "NAME",
            description = "The container; may be left out when the pod has only one.")
    String container = "";

    @Option(
            names = {"-f", "--follow"},
            description = "Keep printing what the container writes until it exits.")
    boolean follow;

    @Option(
            names = "--tail",
            paramLabel = "N",
            defaultValue = "-1",
            description = "Only the last N lines (default: all).")
    int tail = -1;

    @Option(names = "--since", paramLabel = "DURATION", description = "Only lines newer than this, e.g. 10s, 5m, 1h.")
    @Nullable
    String since;

    @Option(
            names = "--since-time",
            paramLabel = "TIME",
            description = "Only lines written at or after this RFC 3339 time, e.g. 2025-01-02T15:04:05Z.")
    @Nullable
    String sinceTime;

    @Option(
            names = {"-p", "--previous"},
            description = "The log of the container's previous instance, before its last restart.")
    boolean previous;

    @Option(names = "--timestamps", description = "Prefix each line with its time (RFC 3339).")
    boolean timestamps;

    @Override
    public Integer call() throws InterruptedException {
        Capstan capstan = Verbs.root(root);
        if (tail < -1) {
            throw new CommandException("--tail: must be >= 0, or -1 for all, got " + tail);
        }
        if (since != null && sinceTime != null) {
            throw new CommandException("--since and --since-time cannot be used together");
        }
        LogOptions options = LogOptions.defaults()
                .withContainer(container)
                .withFollow(follow)
                .withTailLines(tail)
                .withTimestamps(timestamps)
                .withPrevious(previous);
        if (since != null) {
            options = options.withSince(Durations.parse("--since", since));
        }
        if (sinceTime != null) {
            options = options.withSinceTime(parseTime(sinceTime));
        }
        DecodingWriter out = new DecodingWriter(Verbs.out(spec));
        try (ObjectClient client = capstan.connect(global);
                PodStream stream = client.logs(namespace.namespace(), pod, options, (which, data) -> out.write(data))) {
            stream.await();
        } finally {
            out.finish();
        }
        return Capstan.OK;
    }

    private static Instant parseTime(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new CommandException(
                    "--since-time: expected an RFC 3339 time such as 2025-01-02T15:04:05Z, got \"" + text + "\"");
        }
    }
}
