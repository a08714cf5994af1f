package io.capstan.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * A load generator for Capstan's object API ({@code capstan.api.v1.ObjectService}), every call with
 * {@code authorization: Bearer <token>}:
 *
 * <pre>
 * java -cp bench/target/capstan-bench.jar io.capstan.bench.ApiBench create --config $CAPSTAN_DIR/config
 * </pre>
 *
 * Every scenario works in a namespace of its own run, prints its figures and then one JSON line
 * whose first field is {@code scenario} ({@code api-create}, {@code api-list-fill}, {@code api-list},
 * {@code api-watch}).
 */
@Command(
        name = "api-bench",
        mixinStandardHelpOptions = true,
        description = "Object API load generator: create, list, watch.",
        subcommands = {ApiCreateCommand.class, ApiListCommand.class, ApiWatchCommand.class})
public final class ApiBench implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    public static void main(String[] args) {
        System.exit(BenchCli.execute(new ApiBench(), args));
    }
}
