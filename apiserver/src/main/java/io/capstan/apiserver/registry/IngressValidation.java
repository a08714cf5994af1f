package io.capstan.apiserver.registry;

import io.capstan.proto.api.v1.HttpIngressPath;
import io.capstan.proto.api.v1.Ingress;
import io.capstan.proto.api.v1.IngressBackend;
import io.capstan.proto.api.v1.IngressRule;
import io.capstan.proto.api.v1.IngressSpec;
import io.capstan.proto.api.v1.IngressStatus;
import io.capstan.proto.api.v1.ServiceBackendPort;
import java.util.HashSet;
import java.util.Set;

/** Kubernetes' ValidateIngress (networking.k8s.io/v1) for the service backends Capstan serves. */
final class IngressValidation {
    private static final FieldPath SPEC = FieldPath.of("spec");

    private IngressValidation() {}

    static void ingress(Ingress ingress, ErrorList errors) {
        IngressSpec spec = ingress.getSpec();
        if (!spec.getIngressClassName().isEmpty()) {
            errors.add(SPEC.child("ingressClassName"), Names.dns1123Subdomain(spec.getIngressClassName()));
        }
        if (spec.hasDefaultBackend()) {
            backend(spec.getDefaultBackend(), SPEC.child("defaultBackend"), errors);
        } else if (spec.getRulesCount() == 0) {
            errors.add(SPEC, "either defaultBackend or rules must be specified");
        }
        Set<String> hostPaths = new HashSet<>();
        for (int i = 0; i < spec.getRulesCount(); i++) {
            rule(spec.getRules(i), SPEC.child("rules").index(i), hostPaths, errors);
        }
    }

    private static void rule(IngressRule rule, FieldPath at, Set<String> hostPaths, ErrorList errors) {
        String host = rule.getHost();
        if (!host.isEmpty()) {
            String name = host.startsWith("*.") ? host.substring(2) : host;
            errors.add(at.child("host"), Names.dns1123Subdomain(name));
            if (name.contains("*")) {
                errors.add(at.child("host"), "a wildcard is allowed only as the whole first label (\"*.example.com\")");
            }
            if (Names.ipv4(host).isEmpty()) {
                errors.add(at.child("host"), "must be a DNS name, not an IP address");
            }
        }
        FieldPath paths = at.child("http").child("paths");
        if (!rule.hasHttp() || rule.getHttp().getPathsCount() == 0) {
            errors.required(paths);
            return;
        }
        for (int j = 0; j < rule.getHttp().getPathsCount(); j++) {
            HttpIngressPath path = rule.getHttp().getPaths(j);
            FieldPath p = paths.index(j);
            errors.specified(p.child("pathType"), path.getPathType());
            if (!path.getPath().startsWith("/")) {
                errors.add(
                        p.child("path"), "must be an absolute path (start with \"/\"), got \"" + path.getPath() + "\"");
            } else if (path.getPath().contains("//")
                    || path.getPath().contains("/../")
                    || path.getPath().endsWith("/..")) {
                errors.add(p.child("path"), "must not contain \"//\" or \"..\" segments");
            }
            if (!hostPaths.add(host + " " + path.getPathType() + " " + path.getPath())) {
                errors.duplicate(p.child("path"), path.getPath());
            }
            if (path.hasBackend()) {
                backend(path.getBackend(), p.child("backend"), errors);
            } else {
                errors.required(p.child("backend"));
            }
        }
    }

    private static void backend(IngressBackend backend, FieldPath at, ErrorList errors) {
        FieldPath service = at.child("service");
        if (!backend.hasService()) {
            errors.required(service);
            return;
        }
        String name = backend.getService().getName();
        if (name.isEmpty()) {
            errors.required(service.child("name"));
        } else {
            errors.add(service.child("name"), Names.dns1035Label(name));
        }
        FieldPath port = service.child("port");
        ServiceBackendPort p = backend.getService().getPort();
        boolean named = !p.getName().isEmpty();
        boolean numbered = p.getNumber() != 0;
        if (named == numbered) {
            errors.add(port, "exactly one of name and number is required");
        } else if (named) {
            errors.add(port.child("name"), Names.ianaServiceName(p.getName()));
        } else {
            errors.port(port.child("number"), p.getNumber());
        }
    }

    static void status(IngressStatus status, ErrorList errors) {
        FieldPath ingress = FieldPath.of("status").child("loadBalancer").child("ingress");
        for (int i = 0; i < status.getLoadBalancer().getIngressCount(); i++) {
            var entry = status.getLoadBalancer().getIngress(i);
            if (!entry.getIp().isEmpty()) {
                errors.add(ingress.index(i).child("ip"), Names.ip(entry.getIp()));
            }
            for (int j = 0; j < entry.getPortsCount(); j++) {
                errors.port(
                        ingress.index(i).child("ports").index(j).child("port"),
                        entry.getPorts(j).getPort());
            }
        }
    }
}
