package io.capstan.cli;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** {@code -n NAMESPACE}; {@code default} when not given. */
final class NamespaceOption {
    static final String DEFAULT = "default";

    @Option(
            names = {"-n", "--namespace"},
            paramLabel = "NAMESPACE",
            description = "The namespace (default: default).")
    @Nullable
    String namespace;

    String namespace() {
        return namespace != null ? namespace : DEFAULT;
    }

    boolean isExplicit() {
        return namespace != null;
    }

    /** The namespace for objects of {@code type}: "" for cluster-scoped kinds. */
    String namespaceFor(ResourceType type) {
        return type.isNamespaced() ? namespace() : "";
    }
}
