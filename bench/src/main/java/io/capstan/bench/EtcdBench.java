package io.capstan.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * A load generator that speaks the etcd v3 gRPC API, so the same tool measures Capstan and etcd.
 *
 * <pre>
 * java -jar bench/target/capstan-bench.jar put --endpoints 127.0.0.1:42379,127.0.0.1:42381 --in-flight 256
 * </pre>
 *
 * Every scenario prints its figures and then one JSON line whose first field is {@code scenario}.
 */
@Command(
        name = "etcd-bench",
        mixinStandardHelpOptions = true,
        description = "etcd v3 load generator: put, get, watch, failover, fill.",
        subcommands = {PutCommand.class, GetCommand.class, WatchCommand.class, FailoverCommand.class, FillCommand.class
        })
public final class EtcdBench implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    public static void main(String[] args) {
        System.exit(BenchCli.execute(new EtcdBench(), args));
    }
}
