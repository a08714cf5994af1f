package io.capstan.apiserver.watch;

import static io.capstan.apiserver.watch.Fixtures.pod;
import static io.capstan.apiserver.watch.Fixtures.podKey;
import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.apiserver.storage.ObjectKind;
import io.capstan.apiserver.watch.CacheState.Change;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The objects and the window a watch cache keeps, without its lock, store or watchers. */
class WatchCacheStateTest {
    private final KindCodec codec = new KindCodec(ObjectKind.POD);

    @Test
    void fullWindowDropsItsOldestChangeAndStartsAfterIt() {
        CacheState state = new CacheState(codec, 2);
        state.reset(List.of(), 10);

        state.apply(put("default", "a", 11));
        state.apply(put("default", "b", 12));
        state.apply(put("default", "c", 13));

        assertThat(state.windowSize()).isEqualTo(2);
        assertThat(state.windowStart()).isEqualTo(11);
        assertThat(state.changesAfter(11)).extracting(CacheEvent::revision).containsExactly(12L, 13L);
        assertThat(state.changesAfter(13)).isEmpty();
        assertThat(state.objectCount()).isEqualTo(3);
    }

    @Test
    void deleteCarriesTheLastStateAtTheDeleteRevision() {
        CacheState state = new CacheState(codec, 10);
        state.reset(List.of(), 10);
        state.apply(put("default", "a", 11));

        CacheEvent deleted = requireNonNull(state.apply(new Change(podKey("default", "a"), 12, true, null)));

        assertThat(deleted.revision()).isEqualTo(12);
        assertThat(deleted.object().metadata().getResourceVersion()).isEqualTo("12");
        assertThat(state.get(podKey("default", "a"))).isNull();
    }

    @Test
    void changeOfAKeyNeverHeldLeavesStateAndWindowAlone() {
        CacheState state = new CacheState(codec, 10);
        state.reset(List.of(), 10);

        assertThat(state.apply(new Change(podKey("default", "gone"), 11, true, null)))
                .isNull();
        assertThat(state.apply(new Change(podKey("default", "undecodable"), 12, false, null)))
                .isNull();

        assertThat(state.windowSize()).isZero();
        assertThat(state.objectCount()).isZero();
    }

    @Test
    void namespaceViewHoldsOnlyThatNamespaceNotOnesItPrefixes() {
        CacheState state = new CacheState(codec, 10);
        state.reset(List.of(object("a", "x", 5), object("ab", "y", 6), object("b", "z", 7)), 7);

        assertThat(state.inNamespace("a").keySet()).containsExactly(podKey("a", "x"));
        assertThat(state.inNamespace("").keySet())
                .containsExactly(podKey("a", "x"), podKey("ab", "y"), podKey("b", "z"));
        assertThat(state.initialEvents("ab", 7))
                .extracting(event -> event.object().key())
                .containsExactly(podKey("ab", "y"));
    }

    @Test
    void resetStartsTheWindowAfresh() {
        CacheState state = new CacheState(codec, 10);
        state.reset(List.of(), 10);
        state.apply(put("default", "a", 11));

        state.reset(List.of(object("default", "b", 20)), 20);

        assertThat(state.windowSize()).isZero();
        assertThat(state.windowStart()).isEqualTo(20);
        assertThat(state.inNamespace("").keySet()).containsExactly(podKey("default", "b"));
    }

    private Change put(String namespace, String name, long revision) {
        return new Change(podKey(namespace, name), revision, false, object(namespace, name, revision));
    }

    private CachedObject object(String namespace, String name, long revision) {
        return codec.decode(
                podKey(namespace, name), pod(namespace, name, Map.of()).getPod().toByteString(), revision);
    }
}
