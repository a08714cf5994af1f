package io.capstan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.client.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The objects delete, patch, label and annotate act on, and the namespace of each. */
class ObjectBatchTest {

    @Test
    void namespacedObjectsAreInTheGivenNamespaceAndClusterScopedOnesInNone() {
        NamespaceOption namespace = new NamespaceOption();
        namespace.namespace = "shop";

        assertThat(ObjectBatch.targets(List.of("deploy/web", "node/n1"), namespace))
                .containsExactly(
                        new ObjectBatch.Target(new ObjectRef(ResourceType.of(Kind.DEPLOYMENT), "web"), "shop"),
                        new ObjectBatch.Target(new ObjectRef(ResourceType.of(Kind.NODE), "n1"), ""));
    }

    @Test
    void withoutDashNObjectsAreInTheDefaultNamespace() {
        assertThat(ObjectBatch.targets(List.of("pods", "a", "b"), new NamespaceOption()))
                .extracting(ObjectBatch.Target::namespace)
                .containsExactly("default", "default");
    }

    @Test
    void noObjectIsAnError() {
        assertThatThrownBy(() -> ObjectBatch.targets(List.of(), new NamespaceOption()))
                .isInstanceOf(CommandException.class)
                .hasMessage("you must specify the type of resource and a name");
    }
}
