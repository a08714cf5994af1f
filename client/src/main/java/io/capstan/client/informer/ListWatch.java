package io.capstan.client.informer;

import com.google.protobuf.Message;
import io.capstan.client.KindClient;
import io.capstan.client.ListOptions;
import io.capstan.client.ObjectList;
import io.capstan.client.Watch;
import io.capstan.client.WatchListener;
import io.capstan.client.WatchOptions;

/**
 * Where an informer's objects come from: a list and a watch over one scope (a kind, a namespace,
 * selectors), as client-go's ListerWatcher. Implementations are thread-safe.
 */
public interface ListWatch<T> {

    /**
     * Every object in scope, consistent at the list's resourceVersion.
     *
     * @throws io.capstan.client.ApiException if it cannot be listed now
     */
    ObjectList<T> list();

    /**
     * Every change in scope after {@code resourceVersion}, with bookmarks. The stream's end reaches
     * {@link WatchListener#onClose}.
     */
    Watch watch(String resourceVersion, WatchListener<T> listener);

    /** Over the API: pages of 500, consistent reads, watches with bookmarks. */
    static <T extends Message> ListWatch<T> of(KindClient<T> client, ListOptions scope) {
        return new ListWatch<>() {
            @Override
            public ObjectList<T> list() {
                return client.listAll(scope.withLimit(500).withContinue("").withResourceVersion(""));
            }

            @Override
            public Watch watch(String resourceVersion, WatchListener<T> listener) {
                return client.watch(WatchOptions.matching(scope).withResourceVersion(resourceVersion), listener);
            }
        };
    }
}
