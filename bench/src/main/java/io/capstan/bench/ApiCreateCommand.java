package io.capstan.bench;

import io.capstan.proto.api.v1.CreateRequest;
import io.capstan.proto.api.v1.TypedObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Object creates per second: new objects with names of the run's own, in one namespace of the run,
 * closed loop at each in-flight level in turn (warm-up, then measured). A create is an API call that
 * validates, defaults and writes one store transaction (create ⇔ create_revision == 0, guarded by the
 * namespace being Active), so its latency is the API's plus one replicated store write.
 */
@Command(
        name = "create",
        description = "Creates ConfigMaps or small Pods in a namespace of the run, closed loop at each in-flight"
                + " level; ops/s, latency, errors by code.",
        mixinStandardHelpOptions = true)
final class ApiCreateCommand implements Callable<Integer> {
    /**
     * What to create: {@link ApiObjects#configMap}, {@link ApiObjects#pod}, or an empty Namespace
     * (cluster-scoped, so its create skips the read of the object's namespace that every namespaced
     * create makes: the difference to configmap is that read).
     */
    enum Kind {
        configmap,
        pod,
        namespace
    }

    @Mixin
    ApiOptions api = new ApiOptions();

    @Option(
            names = "--kind",
            defaultValue = "configmap",
            description = "configmap, pod or namespace (default ${DEFAULT-VALUE})")
    Kind kind = Kind.configmap;

    @Option(
            names = "--in-flight",
            split = ",",
            defaultValue = "1,16,64",
            description = "Requests outstanding at once; a list runs each level in turn (default ${DEFAULT-VALUE})")
    List<Integer> inFlight = List.of(1, 16, 64);

    @Option(names = "--total", defaultValue = "1000000", description = "At most this many creates per level")
    long total = 1_000_000;

    @Option(
            names = "--duration",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Measured time per level (default ${DEFAULT-VALUE})")
    Duration duration = Duration.ofSeconds(10);

    @Option(
            names = "--warmup",
            defaultValue = "2s",
            converter = DurationConverter.class,
            description = "Unmeasured creates before each level (default ${DEFAULT-VALUE})")
    Duration warmup = Duration.ofSeconds(2);

    @Option(names = "--namespace", description = "Namespace to create in (default: a new one, bench-create-XXXXXX)")
    @Nullable
    String namespace;

    @Override
    public Integer call() throws InterruptedException {
        if (inFlight.isEmpty() || inFlight.size() > 8) {
            throw new IllegalArgumentException("--in-flight: expected 1..8 levels, got " + inFlight.size());
        }
        for (int level : inFlight) {
            Bounds.check("--in-flight", level, 1, Bounds.MAX_IN_FLIGHT);
        }
        Bounds.check("--total", total, 1, Bounds.MAX_TOTAL);
        Bounds.check("--duration", duration, Duration.ofMillis(100));
        Bounds.check("--warmup", warmup, Duration.ZERO);
        String ns = namespace != null ? namespace : ApiObjects.runNamespace("bench-create-");
        // One counter for warm-up and every level, so no two creates of the run share a name.
        AtomicLong names = new AtomicLong();
        String prefix = switch (kind) {
            case configmap -> "cm-";
            case pod -> "pod-";
            case namespace -> ns + "-";
        };
        try (ApiCluster c = api.connect()) {
            c.ensureNamespace(ns, api.rpcTimeoutMillis());
            InFlightLoad.Request create = (seq, done) -> {
                String name = ApiObjects.name(prefix, names.getAndIncrement());
                TypedObject object = switch (kind) {
                    case configmap ->
                        TypedObject.newBuilder()
                                .setConfigMap(ApiObjects.configMap(ns, name))
                                .build();
                    case pod ->
                        TypedObject.newBuilder()
                                .setPod(ApiObjects.pod(ns, name, seq))
                                .build();
                    case namespace -> ApiObjects.namespace(name);
                };
                c.stub(api.rpcTimeoutMillis())
                        .create(CreateRequest.newBuilder().setObject(object).build(), InFlightLoad.observer(done));
            };
            for (int level : inFlight) {
                if (!warmup.isZero()) {
                    InFlightLoad.closedLoop(level, total, warmup, api.drain())
                            .run(create, new LatencyHistogram(), new ErrorCounts());
                }
                double loadBefore = LoadAverage.oneMinute();
                LatencyHistogram latencies = new LatencyHistogram();
                ErrorCounts errors = new ErrorCounts();
                InFlightLoad.Outcome outcome = InFlightLoad.closedLoop(level, total, duration, api.drain())
                        .run(create, latencies, errors);
                Summary summary = new Summary("api-create")
                        .put("endpoints", api.endpointsForSummary())
                        .put("kind", kind.name())
                        .put("namespace", ns)
                        .put("inFlight", level)
                        .putThroughput(outcome.succeeded(), errors, outcome.elapsedSeconds())
                        .put("unfinished", outcome.unfinished());
                latencies.addTo(summary, "");
                summary.put("loadavg", loadBefore);
                summary.print(System.out);
            }
        }
        return 0;
    }
}
