package io.capstan.apiserver.registry;

import io.capstan.proto.api.v1.EndpointAddress;
import io.capstan.proto.api.v1.EndpointPort;
import io.capstan.proto.api.v1.EndpointSubset;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServicePort;
import io.capstan.proto.api.v1.ServiceSpec;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes' ValidateService and ValidateEndpoints. The allocators, not validation, check that a
 * clusterIP or nodePort is free and inside its range.
 */
final class ServiceValidation {
    static final String HEADLESS = "None";

    private static final FieldPath SPEC = FieldPath.of("spec");

    private ServiceValidation() {}

    static void service(Service service, ErrorList errors) {
        ServiceSpec spec = service.getSpec();
        errors.specified(SPEC.child("type"), spec.getType());
        errors.specified(SPEC.child("sessionAffinity"), spec.getSessionAffinity());
        FieldPath clusterIp = SPEC.child("clusterIP");
        boolean headless = spec.getClusterIp().equals(HEADLESS);
        if (!spec.getClusterIp().isEmpty() && !headless) {
            Names.ipv4(spec.getClusterIp())
                    .ifPresent(
                            problem -> errors.add(clusterIp, "must be empty, \"None\" or an IPv4 address: " + problem));
        }
        boolean nodePort = spec.getType() == ServiceSpec.Type.TYPE_NODE_PORT;
        if (headless && nodePort) {
            errors.add(clusterIp, "must not be \"None\" for a NodePort service");
        }
        if (spec.getPortsCount() == 0 && !headless) {
            errors.add(SPEC.child("ports"), "required (unless clusterIP is \"None\")");
        }
        ports(spec.getPortsList(), nodePort, errors);
        MetadataValidation.labels(spec.getSelectorMap(), SPEC.child("selector"), errors);
    }

    private static void ports(List<ServicePort> ports, boolean nodePortType, ErrorList errors) {
        Set<String> names = new HashSet<>();
        Map<String, Integer> portsSeen = new HashMap<>();
        Map<String, Integer> nodePortsSeen = new HashMap<>();
        for (int i = 0; i < ports.size(); i++) {
            ServicePort port = ports.get(i);
            FieldPath at = SPEC.child("ports").index(i);
            FieldPath name = at.child("name");
            if (port.getName().isEmpty()) {
                if (ports.size() > 1) {
                    errors.add(name, "required when there is more than one port");
                }
            } else {
                errors.add(name, Names.dns1123Label(port.getName()));
                if (!names.add(port.getName())) {
                    errors.duplicate(name, port.getName());
                }
            }
            errors.port(at.child("port"), port.getPort());
            errors.specified(at.child("protocol"), port.getProtocol());
            if (port.hasTargetPort()) {
                ProbeValidation.portNumberOrName(port.getTargetPort(), at.child("targetPort"), errors);
            }
            Integer first = portsSeen.putIfAbsent(port.getPort() + "/" + port.getProtocol(), i);
            if (first != null) {
                errors.add(
                        at,
                        "duplicate port and protocol of " + SPEC.child("ports").index(first));
            }
            FieldPath nodePort = at.child("nodePort");
            if (port.getNodePort() != 0) {
                if (!nodePortType) {
                    errors.add(nodePort, "must be 0 unless type is NodePort, got " + port.getNodePort());
                } else {
                    errors.port(nodePort, port.getNodePort());
                }
                Integer firstNodePort = nodePortsSeen.putIfAbsent(port.getNodePort() + "/" + port.getProtocol(), i);
                if (firstNodePort != null) {
                    errors.duplicate(nodePort, port.getNodePort());
                }
            }
        }
    }

    /**
     * spec.clusterIP is immutable once set, whatever the type change (both of Capstan's types have
     * one): the server carries an allocated clusterIP over into an update that leaves it empty
     * before validating, as Kubernetes does.
     */
    static void serviceUpdate(Service updated, Service old, ErrorList errors) {
        String oldClusterIp = old.getSpec().getClusterIp();
        if (!oldClusterIp.isEmpty() && !updated.getSpec().getClusterIp().equals(oldClusterIp)) {
            errors.immutable(SPEC.child("clusterIP"));
        }
    }

    static void serviceStatus(Service service, ErrorList errors) {
        Conditions.validate(
                service.getStatus().getConditionsList(), FieldPath.of("status").child("conditions"), errors);
    }

    static void endpoints(Endpoints endpoints, ErrorList errors) {
        for (int i = 0; i < endpoints.getSubsetsCount(); i++) {
            EndpointSubset subset = endpoints.getSubsets(i);
            FieldPath at = FieldPath.of("subsets").index(i);
            if (subset.getAddressesCount() == 0 && subset.getNotReadyAddressesCount() == 0) {
                errors.add(at, "must have addresses or notReadyAddresses");
            }
            addresses(subset.getAddressesList(), at.child("addresses"), errors);
            addresses(subset.getNotReadyAddressesList(), at.child("notReadyAddresses"), errors);
            if (subset.getPortsCount() == 0) {
                errors.required(at.child("ports"));
            }
            Set<String> names = new HashSet<>();
            for (int j = 0; j < subset.getPortsCount(); j++) {
                EndpointPort port = subset.getPorts(j);
                FieldPath portPath = at.child("ports").index(j);
                FieldPath name = portPath.child("name");
                if (port.getName().isEmpty()) {
                    if (subset.getPortsCount() > 1) {
                        errors.add(name, "required when there is more than one port");
                    }
                } else {
                    errors.add(name, Names.dns1123Label(port.getName()));
                    if (!names.add(port.getName())) {
                        errors.duplicate(name, port.getName());
                    }
                }
                errors.port(portPath.child("port"), port.getPort());
                errors.specified(portPath.child("protocol"), port.getProtocol());
            }
        }
    }

    private static void addresses(List<EndpointAddress> addresses, FieldPath path, ErrorList errors) {
        for (int i = 0; i < addresses.size(); i++) {
            EndpointAddress address = addresses.get(i);
            FieldPath at = path.index(i);
            // unlike Kubernetes, loopback addresses are fine: every Capstan endpoint is a host port
            if (address.getIp().isEmpty()) {
                errors.required(at.child("ip"));
            } else {
                errors.add(at.child("ip"), Names.ip(address.getIp()));
            }
            if (!address.getHostname().isEmpty()) {
                errors.add(at.child("hostname"), Names.dns1123Label(address.getHostname()));
            }
            if (!address.getNodeName().isEmpty()) {
                errors.add(at.child("nodeName"), Names.dns1123Subdomain(address.getNodeName()));
            }
            if (address.hasTargetRef() && address.getTargetRef().getName().isEmpty()) {
                errors.required(at.child("targetRef").child("name"));
            }
        }
    }
}
