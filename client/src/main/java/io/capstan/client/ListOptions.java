package io.capstan.client;

/**
 * What to list: one namespace or all, selectors in Kubernetes' string syntax, and paging.
 * Immutable; the {@code with*} methods return changed copies. Start from {@link #all()} or {@link
 * #inNamespace}.
 *
 * @param namespace empty for every namespace (and for cluster-scoped kinds)
 * @param labelSelector e.g. {@code app=web,tier!=db}; empty matches everything
 * @param fieldSelector e.g. {@code spec.nodeName=n1}; empty matches everything
 * @param limit at most this many items per page; 0 for no limit
 * @param continueToken from the previous page, or empty for the first
 * @param resourceVersion empty for the latest state, {@code "0"} for any recent state the server
 *     holds (its cache), else a state at least that new; must be empty with a continue token
 */
public record ListOptions(
        String namespace,
        String labelSelector,
        String fieldSelector,
        long limit,
        String continueToken,
        String resourceVersion) {

    public ListOptions {
        if (limit < 0) {
            throw new IllegalArgumentException("limit: must be >= 0, got " + limit);
        }
    }

    public static ListOptions all() {
        return new ListOptions("", "", "", 0, "", "");
    }

    public static ListOptions inNamespace(String namespace) {
        return all().withNamespace(namespace);
    }

    public ListOptions withNamespace(String ns) {
        return new ListOptions(ns, labelSelector, fieldSelector, limit, continueToken, resourceVersion);
    }

    public ListOptions withLabelSelector(String selector) {
        return new ListOptions(namespace, selector, fieldSelector, limit, continueToken, resourceVersion);
    }

    public ListOptions withFieldSelector(String selector) {
        return new ListOptions(namespace, labelSelector, selector, limit, continueToken, resourceVersion);
    }

    public ListOptions withLimit(long max) {
        return new ListOptions(namespace, labelSelector, fieldSelector, max, continueToken, resourceVersion);
    }

    public ListOptions withContinue(String token) {
        return new ListOptions(namespace, labelSelector, fieldSelector, limit, token, resourceVersion);
    }

    public ListOptions withResourceVersion(String version) {
        return new ListOptions(namespace, labelSelector, fieldSelector, limit, continueToken, version);
    }
}
