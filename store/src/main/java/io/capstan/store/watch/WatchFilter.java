package io.capstan.store.watch;

/** Event types a watcher asks not to receive, as etcd's {@code WatchCreateRequest.FilterType}. */
public enum WatchFilter {
    /** Drop PUT events. */
    NOPUT,
    /** Drop DELETE events. */
    NODELETE
}
