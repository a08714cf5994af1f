package io.capstan.apiserver.registry;

import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeAddress;
import io.capstan.proto.api.v1.NodeSpec;
import io.capstan.proto.api.v1.NodeStatus;
import io.capstan.proto.api.v1.Taint;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** Kubernetes' ValidateNode and ValidateNodeUpdate, for what a Capstan node carries. */
final class NodeValidation {
    private static final FieldPath SPEC = FieldPath.of("spec");
    private static final FieldPath STATUS = FieldPath.of("status");

    private NodeValidation() {}

    static void node(Node node, ErrorList errors) {
        NodeSpec spec = node.getSpec();
        if (!spec.getPodCidr().isEmpty()) {
            errors.add(SPEC.child("podCIDR"), Names.cidr(spec.getPodCidr()));
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < spec.getTaintsCount(); i++) {
            Taint taint = spec.getTaints(i);
            FieldPath at = SPEC.child("taints").index(i);
            if (taint.getKey().isEmpty()) {
                errors.required(at.child("key"));
            } else {
                errors.add(at.child("key"), Names.qualifiedName(taint.getKey()));
            }
            errors.add(at.child("value"), Names.labelValue(taint.getValue()));
            errors.specified(at.child("effect"), taint.getEffect());
            Integer first = seen.putIfAbsent(taint.getKey() + "\u0000" + taint.getEffectValue(), i);
            if (first != null) {
                errors.add(
                        at,
                        "duplicate key and effect of " + SPEC.child("taints").index(first));
            }
        }
    }

    /** spec.podCIDR can be set once, from empty; after that it never changes. */
    static void nodeUpdate(Node updated, Node old, ErrorList errors) {
        String oldCidr = old.getSpec().getPodCidr();
        if (!oldCidr.isEmpty() && !updated.getSpec().getPodCidr().equals(oldCidr)) {
            errors.immutable(SPEC.child("podCIDR"));
        }
    }

    static void status(Node node, ErrorList errors) {
        NodeStatus status = node.getStatus();
        resources(status.getCapacityMap(), STATUS.child("capacity"), errors);
        resources(status.getAllocatableMap(), STATUS.child("allocatable"), errors);
        Conditions.validateNode(status.getConditionsList(), STATUS.child("conditions"), errors);
        for (int i = 0; i < status.getAddressesCount(); i++) {
            NodeAddress address = status.getAddresses(i);
            FieldPath at = STATUS.child("addresses").index(i);
            errors.specified(at.child("type"), address.getType());
            if (address.getAddress().isEmpty()) {
                errors.required(at.child("address"));
            }
        }
        String endpoint = status.getKubeletEndpoint();
        if (!endpoint.isEmpty()) {
            int colon = endpoint.lastIndexOf(':');
            String port = colon > 0 ? endpoint.substring(colon + 1) : "";
            if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                errors.add(
                        STATUS.child("kubeletEndpoint"),
                        "must be host:port with a port between 1 and 65535, got \"" + endpoint + "\"");
            }
        }
    }

    private static void resources(Map<String, String> resources, FieldPath path, ErrorList errors) {
        for (Map.Entry<String, String> entry : new TreeMap<>(resources).entrySet()) {
            FieldPath at = path.key(entry.getKey());
            Names.qualifiedName(entry.getKey()).ifPresent(problem -> errors.add(at, "resource name " + problem));
            PodValidation.quantity(entry.getValue(), at, errors);
        }
    }
}
