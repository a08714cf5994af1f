package io.capstan.cli;

import io.capstan.apiserver.server.ServerMain;
import io.capstan.cli.demo.DemoWebCommand;
import io.capstan.client.ClientConfig;
import io.capstan.client.ObjectClient;
import io.capstan.controllers.manager.ControllerManagerMain;
import io.capstan.kubelet.KubeletMain;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code capstan} command line: the root command, its connection flags, the verbs, and the
 * long-running roles ({@code capstan server}, {@code capstan controller-manager}), so that one jar
 * starts every process of a cluster. {@link #execute} runs one command line with the given streams
 * and returns its exit code: 0 when it succeeded, 1 for any error (then one line {@code error: ...}
 * on stderr per failure; a role that fails also prints the stack trace).
 */
@Command(
        name = "capstan",
        mixinStandardHelpOptions = true,
        versionProvider = Capstan.Version.class,
        description = {
            "Manages objects of a Capstan cluster through its API servers,"
                    + " and runs its processes: 'capstan server' (a control-plane node)"
                    + ", 'capstan controller-manager' (the scheduler and the controllers)"
                    + " and 'capstan kubelet' (a node agent)."
        },
        subcommands = {
            ServerMain.class,
            ControllerManagerMain.class,
            KubeletMain.class,
            ApplyCommand.class,
            CreateCommand.class,
            GetCommand.class,
            DescribeCommand.class,
            DeleteCommand.class,
            ScaleCommand.class,
            PatchCommand.class,
            LabelCommand.class,
            AnnotateCommand.class,
            SetCommand.class,
            RolloutCommand.class,
            CordonCommand.class,
            UncordonCommand.class,
            DrainCommand.class,
            LogsCommand.class,
            ExecCommand.class,
            io.capstan.cli.store.StoreCommand.class,
            VersionCommand.class,
            CompletionCommand.class,
            DemoWebCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Success.",
            "1:An error: bad arguments, an unreadable manifest, a refused request or an unreachable server."
                    + " Each failure prints one line \"error: ...\" on stderr."
        },
        footer = {
            "",
            "The client config (YAML with endpoints and token) is read from --config, else $CAPSTAN_CONFIG,"
                    + " else ~/.capstan/config; --server and --token together need no file.%n"
        })
public final class Capstan implements Runnable {
    public static final int OK = 0;
    public static final int ERROR = 1;

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Spec
    @Nullable
    CommandSpec spec;

    private final InputStream stdin;
    private final Clock clock;

    public Capstan(InputStream stdin, Clock clock) {
        this.stdin = stdin;
        this.clock = clock;
    }

    public static void main(String[] args) {
        if (Roles.named(args).isPresent()) {
            Roles.logAtInfo(); // before the first logger exists: building the command tree makes some
        }
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(execute(args, System.in, out, err));
    }

    /** Runs one command line; returns its exit code ({@link #OK} or {@link #ERROR}). */
    public static int execute(String[] args, InputStream stdin, PrintWriter out, PrintWriter err) {
        CommandLine line = commandLine(new Capstan(stdin, Clock.systemUTC()));
        line.setOut(out);
        line.setErr(err);
        try {
            return line.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The command tree with capstan's error handling, for execution or for completion scripts. */
    public static CommandLine commandLine(Capstan root) {
        CommandLine line = new CommandLine(root);
        line.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + Errors.message(e));
            if (Roles.isRole(commandLine.getCommandName())) {
                e.printStackTrace(commandLine.getErr()); // a process's log: the whole cause
            }
            return ERROR;
        });
        line.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr()
                    .println("error: " + e.getMessage() + " (see '"
                            + failed.getCommandSpec().qualifiedName() + " --help')");
            return ERROR;
        });
        line.setExitCodeExceptionMapper(e -> ERROR);
        return line;
    }

    @Override
    public void run() {
        CommandSpec self = spec;
        if (self != null) {
            self.commandLine().usage(self.commandLine().getOut());
        }
    }

    InputStream stdin() {
        return stdin;
    }

    Clock clock() {
        return clock;
    }

    /**
     * A client for the flags of a verb ({@code verb}), falling back to the root's flags, then to
     * the config file.
     *
     * @throws CommandException if no config can be had
     */
    ObjectClient connect(GlobalOptions verb) {
        GlobalOptions flags = verb.over(global);
        ClientConfig config;
        String token = flags.token;
        if (!flags.servers.isEmpty() && token != null && flags.config == null) {
            config = ClientConfig.of(flags.servers, token);
        } else {
            Path file = flags.config != null ? flags.config : ClientConfig.defaultPath();
            try {
                config = ClientConfig.load(file);
            } catch (IOException e) {
                throw new CommandException("cannot read the client config " + file
                        + " (pass --config FILE, set $CAPSTAN_CONFIG, or give --server and --token)");
            }
            if (!flags.servers.isEmpty()) {
                config = config.withEndpoints(flags.servers);
            }
            if (token != null) {
                config = config.withToken(token);
            }
        }
        return ObjectClient.connect(config);
    }

    /** The version from the build, e.g. {@code 0.1.0-SNAPSHOT}. */
    static String version() {
        Properties properties = new Properties();
        try (InputStream in = Capstan.class.getResourceAsStream("/capstan-cli-version.properties")) {
            if (in != null) {
                properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            return "unknown";
        }
        return properties.getProperty("version", "unknown");
    }

    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"capstan " + version()};
        }
    }
}
