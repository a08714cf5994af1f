package io.capstan.client.informer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.selector.LabelSelector;
import io.capstan.client.Kind;
import io.capstan.client.ObjectKey;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.OwnerReference;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IndexerTest {
    private final Indexer<Pod> pods = new Indexer<>(Kind.POD);

    @Test
    void getsByNamespaceAndNameAndListsInKeyOrder() {
        pods.put(pod("shop", "web-2", Map.of(), "", "n1"));
        pods.put(pod("dev", "web-1", Map.of(), "", "n1"));
        pods.put(pod("shop", "web-1", Map.of(), "", "n1"));

        assertThat(pods.get("shop", "web-1"))
                .map(p -> p.getMetadata().getName())
                .contains("web-1");
        assertThat(pods.get(ObjectKey.of("shop", "nope"))).isEmpty();
        assertThat(pods.list()).extracting(IndexerTest::key).containsExactly("dev/web-1", "shop/web-1", "shop/web-2");
        assertThat(pods.size()).isEqualTo(3);
    }

    @Test
    void indexesByNamespace() {
        pods.put(pod("shop", "a", Map.of(), "", ""));
        pods.put(pod("dev", "b", Map.of(), "", ""));

        assertThat(pods.byIndex(Indexer.NAMESPACE, "shop"))
                .extracting(IndexerTest::key)
                .containsExactly("shop/a");
        assertThat(pods.list("dev")).extracting(IndexerTest::key).containsExactly("dev/b");
        assertThat(pods.list("none")).isEmpty();
    }

    @Test
    void indexesEachLabelAsKeyEqualsValue() {
        pods.put(pod("shop", "a", Map.of("app", "web", "tier", "front"), "", ""));
        pods.put(pod("shop", "b", Map.of("app", "db"), "", ""));

        assertThat(pods.byIndex(Indexer.LABEL, "app=web"))
                .extracting(IndexerTest::key)
                .containsExactly("shop/a");
        assertThat(pods.byIndex(Indexer.LABEL, "tier=front"))
                .extracting(IndexerTest::key)
                .containsExactly("shop/a");
        assertThat(pods.byIndex(Indexer.LABEL, "app=db"))
                .extracting(IndexerTest::key)
                .containsExactly("shop/b");
        assertThat(pods.list("shop", LabelSelector.parse("app in (web,db),!tier")))
                .extracting(IndexerTest::key)
                .containsExactly("shop/b");
    }

    @Test
    void indexesByOwnerUid() {
        pods.put(pod("shop", "a", Map.of(), "rs-uid-1", ""));
        pods.put(pod("shop", "b", Map.of(), "rs-uid-2", ""));
        pods.put(pod("shop", "c", Map.of(), "rs-uid-1", ""));

        assertThat(pods.byIndex(Indexer.OWNER_UID, "rs-uid-1"))
                .extracting(IndexerTest::key)
                .containsExactly("shop/a", "shop/c");
    }

    @Test
    void indexesPodsByNodeNameWithEmptyForUnscheduled() {
        pods.put(pod("shop", "a", Map.of(), "", "n1"));
        pods.put(pod("shop", "b", Map.of(), "", ""));

        assertThat(pods.byIndex(Indexer.NODE_NAME, "n1"))
                .extracting(IndexerTest::key)
                .containsExactly("shop/a");
        assertThat(pods.byIndex(Indexer.NODE_NAME, ""))
                .extracting(IndexerTest::key)
                .containsExactly("shop/b");
    }

    @Test
    void nodeNameIndexExistsOnlyForPods() {
        Indexer<io.capstan.proto.api.v1.ConfigMap> configMaps = new Indexer<>(Kind.CONFIG_MAP);

        assertThatThrownBy(() -> configMaps.byIndex(Indexer.NODE_NAME, "n1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no index nodeName");
    }

    @Test
    void replacingAnObjectMovesItsIndexEntries() {
        pods.put(pod("shop", "a", Map.of("app", "web"), "", "n1"));
        Pod moved = pods.put(pod("shop", "a", Map.of("app", "api"), "", "n2"));

        assertThat(moved).isNotNull();
        assertThat(pods.byIndex(Indexer.LABEL, "app=web")).isEmpty();
        assertThat(pods.byIndex(Indexer.NODE_NAME, "n1")).isEmpty();
        assertThat(pods.byIndex(Indexer.LABEL, "app=api")).hasSize(1);
        assertThat(pods.byIndex(Indexer.NODE_NAME, "n2")).hasSize(1);
    }

    @Test
    void removingAnObjectRemovesItsIndexEntries() {
        pods.put(pod("shop", "a", Map.of("app", "web"), "u1", "n1"));

        assertThat(pods.remove(ObjectKey.of("shop", "a"))).isNotNull();
        assertThat(pods.remove(ObjectKey.of("shop", "a"))).isNull();
        assertThat(pods.list()).isEmpty();
        assertThat(pods.byIndex(Indexer.LABEL, "app=web")).isEmpty();
        assertThat(pods.byIndex(Indexer.OWNER_UID, "u1")).isEmpty();
        assertThat(pods.byIndex(Indexer.NAMESPACE, "shop")).isEmpty();
    }

    @Test
    void customIndexCoversObjectsAddedBeforeAndAfterIt() {
        pods.put(pod("shop", "a", Map.of(), "", "").toBuilder()
                .setSpec(PodSpec.newBuilder().putNodeSelector("disk", "ssd"))
                .build());
        pods.addIndex("disk", p -> List.of(p.getSpec().getNodeSelectorOrDefault("disk", "")));
        pods.put(pod("shop", "b", Map.of(), "", "").toBuilder()
                .setSpec(PodSpec.newBuilder().putNodeSelector("disk", "ssd"))
                .build());

        assertThat(pods.byIndex("disk", "ssd")).extracting(IndexerTest::key).containsExactly("shop/a", "shop/b");
        assertThatThrownBy(() -> pods.addIndex("disk", p -> List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static Pod pod(String namespace, String name, Map<String, String> labels, String ownerUid, String node) {
        ObjectMeta.Builder meta =
                ObjectMeta.newBuilder().setNamespace(namespace).setName(name).putAllLabels(labels);
        if (!ownerUid.isEmpty()) {
            meta.addOwnerReferences(OwnerReference.newBuilder()
                    .setKind("ReplicaSet")
                    .setName("rs")
                    .setUid(ownerUid)
                    .setController(true));
        }
        return Pod.newBuilder()
                .setMetadata(meta)
                .setSpec(PodSpec.newBuilder().setNodeName(node))
                .build();
    }

    private static String key(Pod pod) {
        return ObjectKey.of(pod.getMetadata()).toString();
    }
}
