package io.capstan.cli.output;

import io.capstan.proto.api.v1.AlertDelivery;
import io.capstan.proto.api.v1.AlertRoute;
import io.capstan.proto.api.v1.HttpIngressPath;
import io.capstan.proto.api.v1.Ingress;
import io.capstan.proto.api.v1.IngressBackend;
import io.capstan.proto.api.v1.IngressLoadBalancerIngress;
import io.capstan.proto.api.v1.IngressRule;
import io.capstan.proto.api.v1.IngressSpec;
import io.capstan.proto.api.v1.ServiceBackendPort;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The table cells of the routing and alerting kinds: Ingress (as kubectl) and AlertRoute. */
final class IngressColumns {
    private static final String NONE = "<none>";

    private IngressColumns() {}

    /**
     * NAME CLASS HOSTS ADDRESS PORTS AGE, and when wide RULES: each path as {@code
     * host/path=service:port} (Exact paths marked {@code (exact)}), then the default backend as
     * {@code *=service:port}.
     */
    static List<String> ingress(Ingress ingress, boolean wide, String age) {
        Set<String> hosts = new LinkedHashSet<>();
        for (IngressRule rule : ingress.getSpec().getRulesList()) {
            hosts.add(rule.getHost().isEmpty() ? "*" : rule.getHost());
        }
        Set<String> addresses = new LinkedHashSet<>();
        Set<String> ports = new LinkedHashSet<>();
        for (IngressLoadBalancerIngress entry :
                ingress.getStatus().getLoadBalancer().getIngressList()) {
            addresses.add(entry.getIp().isEmpty() ? entry.getHostname() : entry.getIp());
            entry.getPortsList().forEach(p -> ports.add(String.valueOf(p.getPort())));
        }
        String className = ingress.getSpec().getIngressClassName();
        List<String> cells = new ArrayList<>(List.of(
                ingress.getMetadata().getName(),
                className.isEmpty() ? NONE : className,
                hosts.isEmpty() ? "*" : String.join(",", hosts),
                addresses.isEmpty() ? "" : String.join(",", addresses),
                ports.isEmpty() ? "" : String.join(",", ports),
                age));
        if (wide) {
            cells.add(rules(ingress.getSpec()));
        }
        return cells;
    }

    private static String rules(IngressSpec spec) {
        List<String> rules = new ArrayList<>();
        for (IngressRule rule : spec.getRulesList()) {
            String host = rule.getHost().isEmpty() ? "*" : rule.getHost();
            for (HttpIngressPath path : rule.getHttp().getPathsList()) {
                String exact = path.getPathType() == HttpIngressPath.PathType.PATH_TYPE_EXACT ? "(exact)" : "";
                rules.add(host + path.getPath() + exact + "=" + backend(path.getBackend()));
            }
        }
        if (spec.hasDefaultBackend()) {
            rules.add("*=" + backend(spec.getDefaultBackend()));
        }
        return rules.isEmpty() ? NONE : String.join(",", rules);
    }

    private static String backend(IngressBackend backend) {
        ServiceBackendPort port = backend.getService().getPort();
        return backend.getService().getName() + ":"
                + (port.getName().isEmpty() ? String.valueOf(port.getNumber()) : port.getName());
    }

    /** NAME WEBHOOK DELIVERED LAST DELIVERED LAST ERROR AGE. */
    static List<String> alertRoute(AlertRoute route, Instant now, String age) {
        AlertDelivery last = route.getStatus().getLastDelivered();
        String lastDelivered = route.getStatus().hasLastDelivered()
                ? last.getReason() + " " + last.getObject() + " (" + Age.since(last.getTime(), now) + " ago)"
                : NONE;
        String lastError = route.getStatus().hasLastError()
                ? route.getStatus().getLastError().getMessage() + " ("
                        + Age.since(route.getStatus().getLastError().getTime(), now) + " ago)"
                : NONE;
        return List.of(
                route.getMetadata().getName(),
                route.getSpec().getWebhook().getUrl(),
                String.valueOf(route.getStatus().getDeliveredCount()),
                lastDelivered,
                lastError,
                age);
    }
}
