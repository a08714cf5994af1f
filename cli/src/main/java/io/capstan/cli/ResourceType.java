package io.capstan.cli;

import io.capstan.client.Kind;
import java.util.List;
import java.util.Locale;

/**
 * A kind as the command line names it, with kubectl's plural and short names: {@code pods}, {@code
 * pod} and {@code po} all name {@link Kind#POD}. Immutable.
 *
 * @param kind the API kind
 * @param plural the resource name, e.g. {@code deployments}
 * @param shortNames kubectl's abbreviations, e.g. {@code deploy}
 */
public record ResourceType(Kind<?> kind, String plural, List<String> shortNames) {

    private static final List<ResourceType> ALL = List.of(
            new ResourceType(Kind.POD, "pods", List.of("po")),
            new ResourceType(Kind.DEPLOYMENT, "deployments", List.of("deploy")),
            new ResourceType(Kind.REPLICA_SET, "replicasets", List.of("rs")),
            new ResourceType(Kind.SERVICE, "services", List.of("svc")),
            new ResourceType(Kind.ENDPOINTS, "endpoints", List.of("ep")),
            new ResourceType(Kind.CONFIG_MAP, "configmaps", List.of("cm")),
            new ResourceType(Kind.SECRET, "secrets", List.of()),
            new ResourceType(Kind.NAMESPACE, "namespaces", List.of("ns")),
            new ResourceType(Kind.NODE, "nodes", List.of("no")),
            new ResourceType(Kind.EVENT, "events", List.of("ev")),
            new ResourceType(Kind.LEASE, "leases", List.of()),
            new ResourceType(Kind.INGRESS, "ingresses", List.of("ing")),
            new ResourceType(Kind.ALERT_ROUTE, "alertroutes", List.of("ar")));

    public ResourceType {
        shortNames = List.copyOf(shortNames);
    }

    /** Every type, in the order {@code capstan get --help} lists them. */
    public static List<ResourceType> all() {
        return ALL;
    }

    /**
     * The type named {@code name}: its plural, singular ({@code deployment}), short name or Kind
     * ({@code Deployment}), case-insensitively, optionally qualified by its group ({@code
     * deployments.apps}).
     *
     * @throws CommandException with kubectl's message for a name no type has
     */
    public static ResourceType resolve(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        for (ResourceType type : ALL) {
            String group = type.group();
            String unqualified = !group.isEmpty() && wanted.endsWith("." + group)
                    ? wanted.substring(0, wanted.length() - group.length() - 1)
                    : wanted;
            if (unqualified.equals(type.plural())
                    || unqualified.equals(type.singular())
                    || type.shortNames().contains(unqualified)) {
                return type;
            }
        }
        throw new CommandException("the server doesn't have a resource type \"" + name + "\"");
    }

    /** The type of objects of {@code kind}. */
    public static ResourceType of(Kind<?> kind) {
        for (ResourceType type : ALL) {
            if (type.kind() == kind) {
                return type;
            }
        }
        throw new IllegalStateException("no resource type for kind " + kind);
    }

    /** The lower-case kind: {@code deployment}. */
    public String singular() {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    /** The API group, from the kind's apiVersion: {@code apps}; empty for the core group. */
    public String group() {
        String apiVersion = kind.manifestKind().apiVersion();
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    /** As kubectl names the resource in errors: {@code deployments.apps}, {@code pods}. */
    public String qualifiedPlural() {
        return group().isEmpty() ? plural : plural + "." + group();
    }

    /** {@code deployment/web}: how the verbs name one object in their output. */
    public String ref(String name) {
        return singular() + "/" + name;
    }

    public boolean isNamespaced() {
        return kind.isNamespaced();
    }
}
