package io.capstan.cli;

import io.capstan.cli.output.NodeAllocation;
import io.capstan.cli.output.OutputFormat;
import io.capstan.cli.output.Printer;
import io.capstan.client.ApiException;
import io.capstan.client.Kind;
import io.capstan.client.ListOptions;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectClient;
import io.capstan.client.ObjectList;
import io.capstan.client.Watch;
import io.capstan.client.WatchEvent;
import io.capstan.client.WatchListener;
import io.capstan.client.WatchOptions;
import io.capstan.proto.api.v1.TypedObject;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code capstan get TYPE [NAME...]}: a table of objects, or their manifests ({@code -o yaml|json}),
 * or their {@code type/name}s ({@code -o name}). With {@code -w}, then one row per change as it
 * arrives, until interrupted or the watch ends.
 */
@Command(
        name = "get",
        mixinStandardHelpOptions = true,
        description = {
            "Display one or many objects.",
            "TYPE is a kind, its plural or short name: pods (po), deployments (deploy), replicasets (rs),"
                    + " services (svc), endpoints (ep), configmaps (cm), secrets, namespaces (ns), nodes (no),"
                    + " events (ev), leases. TYPE/NAME names one object."
        })
final class GetCommand extends ObjectVerbCommand {
    @Parameters(paramLabel = "TYPE [NAME...] | TYPE/NAME...", arity = "1..*", description = "What to get.")
    List<String> args = new ArrayList<>();

    @Option(
            names = {"-A", "--all-namespaces"},
            description = "List across all namespaces; a NAMESPACE column comes first.")
    boolean allNamespaces;

    @Option(
            names = {"-l", "--selector"},
            paramLabel = "SELECTOR",
            description = "Label selector, e.g. app=web,tier!=db.")
    String labelSelector = "";

    @Option(
            names = "--field-selector",
            paramLabel = "SELECTOR",
            description = "Field selector, e.g. status.phase=Running.")
    String fieldSelector = "";

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            description = "wide, yaml, json or name (default: a table).")
    String output = "";

    @Option(
            names = {"-w", "--watch"},
            description = "After listing, print each change as it arrives.")
    boolean watch;

    @Option(names = "--no-headers", description = "Print tables without their header row.")
    boolean noHeaders;

    @Override
    public Integer call() {
        Capstan capstan = Verbs.root(root);
        PrintWriter out = Verbs.out(spec);
        PrintWriter err = Verbs.err(spec);
        Printer printer = new Printer(OutputFormat.parse(output));
        if (args.size() == 1 && args.get(0).contains(",") && !args.get(0).contains("/")) {
            return listTypes(capstan, printer, List.of(args.get(0).split(",")), out, err);
        }
        ResourceType type;
        List<String> names;
        if (args.size() == 1 && !args.get(0).contains("/")) {
            type = ResourceType.resolve(args.get(0));
            names = List.of();
        } else {
            List<ObjectRef> refs = ObjectRef.parse(args);
            type = refs.get(0).type();
            if (refs.stream().anyMatch(r -> r.type() != type)) {
                throw new CommandException("get takes names of one type at a time");
            }
            names = refs.stream().map(ObjectRef::name).toList();
        }
        String ns = allNamespaces ? "" : namespace.namespaceFor(type);
        boolean withNamespace = allNamespaces && type.isNamespaced();
        try (ObjectClient client = capstan.connect(global)) {
            String kind = type.kind().name();
            if (type.kind() == Kind.NODE && printer.format() == OutputFormat.WIDE) {
                printer = printer.withNodeAllocations(nodeAllocations(client));
            }
            String resourceVersion = "";
            boolean failed = false;
            List<TypedObject> objects = new ArrayList<>();
            if (names.isEmpty()) {
                ObjectList<TypedObject> list = client.listAll(
                        kind,
                        ListOptions.inNamespace(ns)
                                .withLabelSelector(labelSelector)
                                .withFieldSelector(fieldSelector));
                objects.addAll(list.items());
                resourceVersion = list.resourceVersion();
            } else {
                for (String name : names) {
                    try {
                        objects.add(client.get(kind, ns, name));
                    } catch (NotFoundException e) {
                        err.println("error: " + Errors.about(e, type, name));
                        failed = true;
                    } catch (ApiException e) {
                        throw new CommandException(Errors.about(e, type, name), e);
                    }
                }
            }
            boolean single = names.size() == 1 && !watch;
            if (objects.isEmpty() && names.isEmpty() && isTable(printer)) {
                err.println(ns.isEmpty() ? "No resources found" : "No resources found in " + ns + " namespace.");
            }
            if (!objects.isEmpty() || !isTable(printer)) {
                out.print(printer.print(
                        objects,
                        type.kind().manifestKind(),
                        single,
                        !noHeaders,
                        withNamespace,
                        capstan.clock().instant()));
            }
            out.flush();
            if (failed) {
                return Capstan.ERROR;
            }
            if (!watch) {
                return Capstan.OK;
            }
            WatchOptions options = WatchOptions.inNamespace(ns)
                    .withLabelSelector(labelSelector)
                    .withFieldSelector(
                            names.size() == 1 ? join(fieldSelector, "metadata.name=" + names.get(0)) : fieldSelector)
                    .withResourceVersion(resourceVersion)
                    .withBookmarks(false);
            return watch(client, kind, options, printer, type, objects.isEmpty() && !noHeaders, withNamespace, out);
        }
    }

    /** {@code get deploy,svc}: a table per type, or one list of every object in the other formats. */
    private Integer listTypes(
            Capstan capstan, Printer printer, List<String> typeNames, PrintWriter out, PrintWriter err) {
        if (watch) {
            throw new CommandException("you may only specify a single resource type with --watch");
        }
        List<ResourceType> types = new ArrayList<>();
        for (String typeName : typeNames) {
            types.add(ResourceType.resolve(typeName));
        }
        List<TypedObject> all = new ArrayList<>();
        List<String> tables = new ArrayList<>();
        try (ObjectClient client = capstan.connect(global)) {
            for (ResourceType type : types) {
                String ns = allNamespaces ? "" : namespace.namespaceFor(type);
                List<TypedObject> objects = client.listAll(
                                type.kind().name(),
                                ListOptions.inNamespace(ns)
                                        .withLabelSelector(labelSelector)
                                        .withFieldSelector(fieldSelector))
                        .items();
                all.addAll(objects);
                if (!objects.isEmpty()) {
                    tables.add(printer.print(
                            objects,
                            type.kind().manifestKind(),
                            false,
                            !noHeaders,
                            allNamespaces && type.isNamespaced(),
                            capstan.clock().instant()));
                }
            }
        }
        if (!isTable(printer)) {
            out.print(printer.print(all, types.get(0).kind().manifestKind(), false, false, false, Instant.EPOCH));
        } else if (tables.isEmpty()) {
            err.println(
                    allNamespaces
                            ? "No resources found"
                            : "No resources found in " + namespace.namespace() + " namespace.");
        } else {
            out.print(String.join("\n", tables));
        }
        out.flush();
        return Capstan.OK;
    }

    /** What the pods bound to each node request, for {@code get nodes -o wide}. */
    private static Map<String, NodeAllocation> nodeAllocations(ObjectClient client) {
        return NodeAllocation.byNode(client
                .listAll("Pod", ListOptions.all().withFieldSelector("status.phase!=Succeeded,status.phase!=Failed"))
                .items()
                .stream()
                .map(TypedObject::getPod)
                .toList());
    }

    private static boolean isTable(Printer printer) {
        return printer.format() == OutputFormat.TABLE || printer.format() == OutputFormat.WIDE;
    }

    private static String join(String selector, String more) {
        return selector.isEmpty() ? more : selector + "," + more;
    }

    /** Prints each change until the watch ends (1 if with an error) or this thread is interrupted (0). */
    private Integer watch(
            ObjectClient client,
            String kind,
            WatchOptions options,
            Printer printer,
            ResourceType type,
            boolean headers,
            boolean withNamespace,
            PrintWriter out) {
        // gRPC's threads only queue; this thread prints, so output is in order and flushed here
        BlockingQueue<Optional<WatchEvent<TypedObject>>> events = new LinkedBlockingQueue<>();
        BlockingQueue<Optional<ApiException>> closed = new LinkedBlockingQueue<>();
        Watch stream = client.watch(kind, options, new WatchListener<>() {
            @Override
            public void onEvent(WatchEvent<TypedObject> event) {
                events.add(Optional.of(event));
            }

            @Override
            public void onClose(@Nullable ApiException error) {
                closed.add(Optional.ofNullable(error));
                events.add(Optional.empty());
            }
        });
        boolean printHeaders = headers;
        try {
            while (true) {
                Optional<WatchEvent<TypedObject>> next = events.take();
                if (next.isEmpty()) {
                    Optional<ApiException> error = closed.take();
                    if (error.isPresent()) {
                        Verbs.err(spec).println("error: watch ended: " + Errors.message(error.get()));
                        return Capstan.ERROR;
                    }
                    return Capstan.OK;
                }
                WatchEvent<TypedObject> event = next.get();
                if (event.type() == WatchEvent.Type.BOOKMARK) {
                    continue;
                }
                out.print(printer.print(
                        List.of(event.object()),
                        type.kind().manifestKind(),
                        false,
                        printHeaders,
                        withNamespace,
                        Verbs.root(root).clock().instant()));
                printHeaders = false;
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Capstan.OK;
        } finally {
            stream.close();
        }
    }
}
