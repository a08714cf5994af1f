package io.capstan.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.capstan.api.manifest.ManifestKind;
import io.capstan.api.manifest.Manifests;
import io.capstan.cli.ResourceType;
import io.capstan.client.Kind;
import io.capstan.proto.api.v1.TypedObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Prints objects in one of {@code get}'s output formats. Stateless. */
public final class Printer {
    private final OutputFormat format;
    private final Map<String, NodeAllocation> allocations;

    public Printer(OutputFormat format) {
        this(format, Map.of());
    }

    private Printer(OutputFormat format, Map<String, NodeAllocation> allocations) {
        this.format = format;
        this.allocations = Map.copyOf(allocations);
    }

    /** This printer, with what the pods of each node request for the wide node table. */
    public Printer withNodeAllocations(Map<String, NodeAllocation> byNode) {
        return new Printer(format, byNode);
    }

    public OutputFormat format() {
        return format;
    }

    /**
     * The objects of {@code kind} in this format. Tables get a header row when {@code headers} is
     * set, and a NAMESPACE column first when {@code withNamespace} is.
     */
    public String print(
            List<TypedObject> objects,
            ManifestKind kind,
            boolean single,
            boolean headers,
            boolean withNamespace,
            Instant now) {
        return switch (format) {
            case TABLE, WIDE -> table(objects, kind, headers, withNamespace, now);
            case NAME -> {
                StringBuilder names = new StringBuilder();
                for (TypedObject object : objects) {
                    names.append(ResourceType.of(Kind.of(object))
                                    .ref(Kind.metadataOf(object).getName()))
                            .append('\n');
                }
                yield names.toString();
            }
            case YAML ->
                single && objects.size() == 1
                        ? Manifests.toYaml(objects.get(0))
                        : objects.isEmpty() ? "" : Manifests.toYaml(objects);
            case JSON -> single && objects.size() == 1 ? Manifests.toJson(objects.get(0)) : jsonList(objects);
        };
    }

    private String table(
            List<TypedObject> objects, ManifestKind kind, boolean headers, boolean withNamespace, Instant now) {
        boolean wide = format == OutputFormat.WIDE;
        Table table = new Table();
        if (headers) {
            List<String> header = new ArrayList<>(TableColumns.headers(kind, wide));
            if (withNamespace) {
                header.add(0, "NAMESPACE");
            }
            table.add(header);
        }
        for (TypedObject object : objects) {
            List<String> row = new ArrayList<>(TableColumns.cells(object, wide, now, allocations));
            if (withNamespace) {
                row.add(0, Kind.metadataOf(object).getNamespace());
            }
            table.add(row);
        }
        return table.render();
    }

    /** A {@code kind: List} holding the objects, as kubectl prints a list in JSON. */
    private static String jsonList(List<TypedObject> objects) {
        ObjectNode list = JsonNodeFactory.instance.objectNode();
        list.put("apiVersion", "v1");
        ArrayNode items = list.putArray("items");
        for (TypedObject object : objects) {
            items.add(Manifests.toTree(object));
        }
        list.put("kind", "List");
        try {
            return new JsonMapper().writerWithDefaultPrettyPrinter().writeValueAsString(list) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing a tree of plain values failed", e);
        }
    }
}
