package io.capstan.cli;

import com.google.protobuf.Timestamp;
import io.capstan.api.manifest.EnumSpelling;
import io.capstan.api.manifest.ManifestKind;
import io.capstan.cli.output.Age;
import io.capstan.cli.output.Table;
import io.capstan.cli.output.TableColumns;
import io.capstan.client.ApiException;
import io.capstan.client.Kind;
import io.capstan.client.ListOptions;
import io.capstan.client.ObjectClient;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.ContainerStatus;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.TypedObject;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code capstan describe TYPE NAME}: the object's key fields, then its recent Events (those whose
 * involvedObject is it, oldest first).
 */
@Command(
        name = "describe",
        mixinStandardHelpOptions = true,
        description = "Show the key fields of objects and their recent events.")
final class DescribeCommand extends ObjectVerbCommand {
    @Parameters(paramLabel = "TYPE NAME... | TYPE/NAME...", arity = "1..*", description = "What to describe.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        Capstan capstan = Verbs.root(root);
        PrintWriter out = Verbs.out(spec);
        PrintWriter err = Verbs.err(spec);
        boolean failed = false;
        boolean first = true;
        try (ObjectClient client = capstan.connect(global)) {
            for (ObjectRef ref : ObjectRef.parse(args)) {
                String ns = namespace.namespaceFor(ref.type());
                try {
                    TypedObject object = client.get(ref.type().kind().name(), ns, ref.name());
                    List<Event> events = events(client, object);
                    if (!first) {
                        out.println();
                    }
                    out.print(describe(object, events, capstan.clock().instant()));
                    first = false;
                } catch (ApiException e) {
                    err.println("error: " + Errors.about(e, ref.type(), ref.name()));
                    failed = true;
                }
                out.flush();
            }
        }
        return failed ? Capstan.ERROR : Capstan.OK;
    }

    private static List<Event> events(ObjectClient client, TypedObject object) {
        ObjectMeta meta = Kind.metadataOf(object);
        String selector = "involvedObject.name=" + meta.getName() + ",involvedObject.kind="
                + Kind.of(object).name();
        List<Event> events = new ArrayList<>();
        for (TypedObject item : client.listAll(
                        "Event", ListOptions.inNamespace(meta.getNamespace()).withFieldSelector(selector))
                .items()) {
            events.add(item.getEvent());
        }
        events.sort(Comparator.comparingLong((Event e) -> lastSeen(e).getSeconds())
                .thenComparingInt(e -> lastSeen(e).getNanos()));
        return events;
    }

    private static Timestamp lastSeen(Event event) {
        return event.hasLastTimestamp()
                ? event.getLastTimestamp()
                : event.getMetadata().getCreationTimestamp();
    }

    /** The description of {@code object}: aligned {@code Field: value} lines, then its events. */
    static String describe(TypedObject object, List<Event> events, Instant now) {
        ObjectMeta meta = Kind.metadataOf(object);
        Table fields = new Table();
        fields.add(List.of("Name:", meta.getName()));
        if (Kind.of(object).isNamespaced()) {
            fields.add(List.of("Namespace:", meta.getNamespace()));
        }
        fields.add(List.of("Labels:", pairs(meta.getLabelsMap())));
        fields.add(List.of("Annotations:", pairs(meta.getAnnotationsMap())));
        fields.add(List.of("CreationTimestamp:", time(meta.getCreationTimestamp())));
        if (meta.hasDeletionTimestamp()) {
            fields.add(List.of("DeletionTimestamp:", time(meta.getDeletionTimestamp())));
        }
        List<String> containerLines = new ArrayList<>();
        switch (ManifestKind.of(object)) {
            case POD -> {
                var pod = object.getPod();
                fields.add(List.of("Node:", orNone(pod.getSpec().getNodeName())));
                fields.add(List.of(
                        "Status:", TableColumns.cells(object, false, now).get(2)));
                fields.add(List.of("IP:", orNone(pod.getStatus().getPodIp())));
                Map<String, ContainerStatus> statuses = new TreeMap<>();
                pod.getStatus().getContainerStatusesList().forEach(s -> statuses.put(s.getName(), s));
                containerLines.add("Containers:");
                for (Container container : pod.getSpec().getContainersList()) {
                    ContainerStatus status = statuses.get(container.getName());
                    containerLines.add("  " + container.getName() + ":");
                    containerLines.add("    Image:          " + container.getImage());
                    containerLines.add("    Ready:          " + (status != null && status.getReady()));
                    containerLines.add("    Restart Count:  " + (status == null ? 0 : status.getRestartCount()));
                }
            }
            case DEPLOYMENT -> {
                var deployment = object.getDeployment();
                var status = deployment.getStatus();
                int desired = deployment.getSpec().hasReplicas()
                        ? deployment.getSpec().getReplicas()
                        : 1;
                fields.add(List.of(
                        "Selector:", pairs(deployment.getSpec().getSelector().getMatchLabelsMap())));
                fields.add(List.of(
                        "Replicas:",
                        desired + " desired | " + status.getUpdatedReplicas() + " updated | " + status.getReplicas()
                                + " total | " + status.getAvailableReplicas() + " available | "
                                + status.getUnavailableReplicas() + " unavailable"));
                String strategy =
                        EnumSpelling.of(deployment.getSpec().getStrategy().getType());
                fields.add(List.of("StrategyType:", strategy.isEmpty() ? "RollingUpdate" : strategy));
                containerLines.addAll(
                        template(deployment.getSpec().getTemplate().getSpec().getContainersList()));
            }
            case REPLICA_SET -> {
                var replicaSet = object.getReplicaSet();
                int desired = replicaSet.getSpec().hasReplicas()
                        ? replicaSet.getSpec().getReplicas()
                        : 1;
                fields.add(List.of(
                        "Selector:", pairs(replicaSet.getSpec().getSelector().getMatchLabelsMap())));
                fields.add(List.of(
                        "Replicas:", replicaSet.getStatus().getReplicas() + " current / " + desired + " desired"));
                containerLines.addAll(
                        template(replicaSet.getSpec().getTemplate().getSpec().getContainersList()));
            }
            case SERVICE -> {
                List<String> cells = TableColumns.cells(object, true, now);
                fields.add(List.of("Type:", cells.get(1)));
                fields.add(List.of("IP:", cells.get(2)));
                fields.add(List.of("Port(s):", cells.get(3)));
                fields.add(List.of("Selector:", cells.get(5)));
            }
            case NODE -> {
                List<String> cells = TableColumns.cells(object, false, now);
                fields.add(List.of("Status:", cells.get(1)));
                fields.add(List.of("Roles:", cells.get(2)));
                List<String> addresses = new ArrayList<>();
                object.getNode()
                        .getStatus()
                        .getAddressesList()
                        .forEach(a -> addresses.add(EnumSpelling.of(a.getType()) + "=" + a.getAddress()));
                fields.add(List.of("Addresses:", orNone(String.join(",", addresses))));
            }
            case CONFIG_MAP ->
                fields.add(List.of(
                        "Data:",
                        orNone(String.join(
                                ",",
                                new java.util.TreeSet<>(
                                        object.getConfigMap().getDataMap().keySet())))));
            case SECRET ->
                fields.add(List.of(
                        "Data:",
                        orNone(String.join(
                                ",",
                                new java.util.TreeSet<>(
                                        object.getSecret().getDataMap().keySet())))));
            case NAMESPACE ->
                fields.add(List.of(
                        "Status:", TableColumns.cells(object, false, now).get(1)));
            case ENDPOINTS, LEASE, EVENT -> {
                // their fields show with get -o yaml; nothing beyond metadata is summarised here
            }
        }
        StringBuilder text = new StringBuilder(fields.render());
        for (String line : containerLines) {
            text.append(line).append('\n');
        }
        if (events.isEmpty()) {
            text.append("Events:  <none>\n");
            return text.toString();
        }
        text.append("Events:\n");
        Table table = new Table();
        table.add(List.of("Type", "Reason", "Age", "From", "Message"));
        table.add(List.of("----", "------", "----", "----", "-------"));
        for (Event event : events) {
            String type = EnumSpelling.of(event.getType());
            String age = Age.since(lastSeen(event), now);
            if (event.getCount() > 1) {
                age = age + " (x" + event.getCount() + ")";
            }
            String from = !event.getSource().getComponent().isEmpty()
                    ? event.getSource().getComponent()
                    : event.getReportingController();
            table.add(List.of(type.isEmpty() ? "Normal" : type, event.getReason(), age, from, event.getMessage()));
        }
        for (String line : table.render().split("\n", -1)) {
            if (!line.isEmpty()) {
                text.append("  ").append(line).append('\n');
            }
        }
        return text.toString();
    }

    private static List<String> template(List<Container> containers) {
        List<String> lines = new ArrayList<>();
        lines.add("Pod Template:");
        for (Container container : containers) {
            lines.add("  " + container.getName() + ":");
            lines.add("    Image:  " + container.getImage());
        }
        return lines;
    }

    private static String pairs(Map<String, String> map) {
        if (map.isEmpty()) {
            return "<none>";
        }
        List<String> pairs = new ArrayList<>();
        new TreeMap<>(map).forEach((k, v) -> pairs.add(k + "=" + v));
        return String.join(",", pairs);
    }

    private static String time(Timestamp timestamp) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(
                Instant.ofEpochSecond(timestamp.getSeconds()).atOffset(java.time.ZoneOffset.UTC));
    }

    private static String orNone(String value) {
        return value.isEmpty() ? "<none>" : value;
    }
}
