package io.capstan.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Pod density benchmarks against a running control plane (endpoints and token from its client
 * config, 127.0.0.1 only):
 *
 * <pre>
 * java -cp bench/target/capstan-bench.jar io.capstan.bench.DensityBench pods --config $CAPSTAN_DIR/config
 * java -cp bench/target/capstan-bench.jar io.capstan.bench.DensityBench pods --runtime docker --nodes 1 ...
 * java -cp bench/target/capstan-bench.jar io.capstan.bench.DensityBench docker-run --containers 20
 * </pre>
 *
 * Each scenario prints its figures and then one JSON line whose first field is {@code scenario}
 * ({@code density-hollow}, {@code density-docker}, {@code docker-run}). {@code
 * bench/density-bench.sh} runs rounds on fresh control planes.
 */
@Command(
        name = "density-bench",
        mixinStandardHelpOptions = true,
        description = "Pod density: startup latency of many pods on hollow nodes, of Docker pods, of docker run.",
        subcommands = {PodDensityCommand.class, DockerRunCommand.class})
public final class DensityBench implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    public static void main(String[] args) {
        System.exit(BenchCli.execute(new DensityBench(), args));
    }
}
