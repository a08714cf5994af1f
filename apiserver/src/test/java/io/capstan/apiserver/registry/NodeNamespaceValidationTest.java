package io.capstan.apiserver.registry;

import static io.capstan.apiserver.registry.ValidationAssertions.assertRejected;
import static io.capstan.apiserver.registry.ValidationAssertions.assertValid;

import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeSpec;
import io.capstan.proto.api.v1.Taint;
import io.capstan.proto.api.v1.TaintEffect;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The content of the cluster-scoped kinds: a Node's spec and a Namespace's spec. */
class NodeNamespaceValidationTest {

    private static Node nodeWith(UnaryOperator<NodeSpec.Builder> change) {
        Node node = Fixtures.node();
        return node.toBuilder()
                .setSpec(change.apply(node.getSpec().toBuilder()))
                .build();
    }

    private static Taint.Builder taint(String key, TaintEffect effect) {
        return Taint.newBuilder().setKey(key).setEffect(effect);
    }

    @Test
    void nodeNamesAreDnsSubdomains() {
        Node node = Fixtures.node();
        assertRejected(
                node.toBuilder()
                        .setMetadata(node.getMetadata().toBuilder().setName("Node_1"))
                        .build(),
                "metadata.name",
                "DNS-1123 subdomain");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.244.0.0/16", "127.0.0.0/8", "0.0.0.0/0", "fd00::/64"})
    void podCidrIsACidr(String cidr) {
        assertValid(nodeWith(spec -> spec.setPodCidr(cidr)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.244.0.0", "10.244.0.0/33", "10.244.0.0/", "/16", "fd00::/129", "net/16"})
    void otherPodCidrsAreRejected(String cidr) {
        assertRejected(nodeWith(spec -> spec.setPodCidr(cidr)), "spec.podCIDR", "must be a CIDR");
    }

    @Test
    void taintsNeedAQualifiedKeyALabelValueAndAnEffect() {
        assertRejected(
                nodeWith(spec -> spec.addTaints(taint("", TaintEffect.TAINT_EFFECT_NO_EXECUTE))),
                "spec.taints[1].key",
                "required");
        assertRejected(
                nodeWith(spec -> spec.addTaints(taint("a/b/c", TaintEffect.TAINT_EFFECT_NO_EXECUTE))),
                "spec.taints[1].key",
                "DNS subdomain prefix");
        assertRejected(
                nodeWith(spec -> spec.addTaints(taint("example.com/x", TaintEffect.TAINT_EFFECT_NO_EXECUTE)
                        .setValue("bad value"))),
                "spec.taints[1].value",
                "label value");
        assertRejected(
                nodeWith(spec -> spec.addTaints(taint("example.com/x", TaintEffect.TAINT_EFFECT_UNSPECIFIED))),
                "spec.taints[1].effect",
                "required");
    }

    @Test
    void taintsAreUniqueByKeyAndEffect() {
        assertValid(nodeWith(spec -> spec.addTaints(taint("dedicated", TaintEffect.TAINT_EFFECT_NO_EXECUTE))));
        assertRejected(
                nodeWith(spec -> spec.addTaints(
                        taint("dedicated", TaintEffect.TAINT_EFFECT_NO_SCHEDULE).setValue("other"))),
                "spec.taints[1]",
                "duplicate key and effect of spec.taints[0]");
    }

    @Test
    void namespaceFinalizersAreQualifiedNames() {
        Namespace namespace = Fixtures.namespace();
        assertRejected(
                namespace.toBuilder()
                        .setSpec(namespace.getSpec().toBuilder().addFinalizers("bad finalizer"))
                        .build(),
                "spec.finalizers[1]",
                "name part");
    }
}
