package io.capstan.client;

/**
 * What to watch. Immutable; start from {@link #all()} or {@link #inNamespace}.
 *
 * @param namespace empty for every namespace
 * @param labelSelector as {@link ListOptions#labelSelector()}; an object that starts matching
 *     arrives as ADDED, one that stops matching as DELETED
 * @param fieldSelector as {@link ListOptions#fieldSelector()}
 * @param resourceVersion every change after this one (typically a list's); empty for changes from
 *     now on. Older than the server retains: the watch ends with {@link ExpiredException}
 * @param allowBookmarks whether the server may send BOOKMARK events while the stream is quiet
 * @param sendInitialEvents first an ADDED for each matching object, then a BOOKMARK that ends them
 *     (requires bookmarks)
 */
public record WatchOptions(
        String namespace,
        String labelSelector,
        String fieldSelector,
        String resourceVersion,
        boolean allowBookmarks,
        boolean sendInitialEvents) {

    public static WatchOptions all() {
        return new WatchOptions("", "", "", "", true, false);
    }

    public static WatchOptions inNamespace(String namespace) {
        return all().withNamespace(namespace);
    }

    /** The namespace and selectors of {@code list}, from no resourceVersion, with bookmarks. */
    public static WatchOptions matching(ListOptions list) {
        return new WatchOptions(list.namespace(), list.labelSelector(), list.fieldSelector(), "", true, false);
    }

    public WatchOptions withNamespace(String ns) {
        return new WatchOptions(ns, labelSelector, fieldSelector, resourceVersion, allowBookmarks, sendInitialEvents);
    }

    public WatchOptions withLabelSelector(String selector) {
        return new WatchOptions(namespace, selector, fieldSelector, resourceVersion, allowBookmarks, sendInitialEvents);
    }

    public WatchOptions withFieldSelector(String selector) {
        return new WatchOptions(namespace, labelSelector, selector, resourceVersion, allowBookmarks, sendInitialEvents);
    }

    public WatchOptions withResourceVersion(String version) {
        return new WatchOptions(namespace, labelSelector, fieldSelector, version, allowBookmarks, sendInitialEvents);
    }

    public WatchOptions withBookmarks(boolean allow) {
        return new WatchOptions(namespace, labelSelector, fieldSelector, resourceVersion, allow, sendInitialEvents);
    }

    public WatchOptions withInitialEvents(boolean send) {
        return new WatchOptions(namespace, labelSelector, fieldSelector, resourceVersion, allowBookmarks || send, send);
    }
}
