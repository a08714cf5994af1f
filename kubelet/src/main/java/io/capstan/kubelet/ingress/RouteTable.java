package io.capstan.kubelet.ingress;

import io.capstan.proto.api.v1.HttpIngressPath;
import io.capstan.proto.api.v1.Ingress;
import io.capstan.proto.api.v1.IngressRule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The matching rules of every Ingress, as networking.proto states them, compiled into an immutable
 * table: a pure function from (host, path) to a {@link Route}.
 *
 * <ul>
 *   <li>A rule's host matches when it equals the request's host (without its port, case-insensitive),
 *       is empty (any host), or is {@code *.example.com} and the host is exactly one label more
 *       ({@code a.example.com}, not {@code a.b.example.com} nor {@code example.com}).
 *   <li>Among the paths of every matching rule, the longest match wins; at equal length an Exact
 *       path beats a Prefix path. Exact matches the request path exactly; Prefix (and
 *       ImplementationSpecific) element by element: {@code /api} matches {@code /api}, {@code
 *       /api/} and {@code /api/x}, not {@code /apix}; {@code /} matches everything.
 *   <li>When no path matches, the first default backend of the Ingresses (in namespace/name order)
 *       serves; without one there is no route (404).
 *   <li>Ties otherwise (same path and type in two rules or Ingresses) go to the first in
 *       namespace/name order, rules in their order: deterministic on every node.
 * </ul>
 *
 * The request path is matched as sent, without its query string; it is not decoded or normalized.
 */
public final class RouteTable {
    private static final RouteTable EMPTY = new RouteTable(List.of(), null);

    private record Entry(String host, String path, boolean exact, Route route) {}

    private final List<Entry> entries;
    private final @org.jspecify.annotations.Nullable Route defaultRoute;

    private RouteTable(List<Entry> entries, @org.jspecify.annotations.Nullable Route defaultRoute) {
        this.entries = entries;
        this.defaultRoute = defaultRoute;
    }

    public static RouteTable empty() {
        return EMPTY;
    }

    /** The table of {@code ingresses}, whatever their order. */
    public static RouteTable of(List<Ingress> ingresses) {
        List<Ingress> sorted = new ArrayList<>(ingresses);
        sorted.sort(Comparator.comparing((Ingress i) -> i.getMetadata().getNamespace())
                .thenComparing(i -> i.getMetadata().getName()));
        List<Entry> entries = new ArrayList<>();
        Route defaultRoute = null;
        for (Ingress ingress : sorted) {
            String namespace = ingress.getMetadata().getNamespace();
            String name = ingress.getMetadata().getName();
            for (IngressRule rule : ingress.getSpec().getRulesList()) {
                String host = rule.getHost().toLowerCase(Locale.ROOT);
                for (HttpIngressPath path : rule.getHttp().getPathsList()) {
                    if (!path.getBackend().hasService()) {
                        continue;
                    }
                    String p = path.getPath().isEmpty() ? "/" : path.getPath();
                    boolean exact = path.getPathType() == HttpIngressPath.PathType.PATH_TYPE_EXACT;
                    entries.add(new Entry(
                            host,
                            exact ? p : trimSlash(p),
                            exact,
                            new Route(namespace, name, path.getBackend().getService())));
                }
            }
            if (defaultRoute == null && ingress.getSpec().getDefaultBackend().hasService()) {
                defaultRoute = new Route(
                        namespace, name, ingress.getSpec().getDefaultBackend().getService());
            }
        }
        return new RouteTable(List.copyOf(entries), defaultRoute);
    }

    /**
     * The route of a request for {@code host} (a Host header; a port and a trailing dot are
     * ignored) and {@code path} (the request target; a query string is ignored); empty when no rule
     * and no default backend match.
     */
    public Optional<Route> match(String host, String path) {
        String bareHost = bareHost(host);
        String barePath = barePath(path);
        Entry best = null;
        int bestLength = -1;
        for (Entry entry : entries) {
            if (!hostMatches(entry.host(), bareHost)) {
                continue;
            }
            boolean matches = entry.exact() ? entry.path().equals(barePath) : prefixMatches(entry.path(), barePath);
            if (!matches) {
                continue;
            }
            int length = entry.path().length();
            if (length > bestLength || (length == bestLength && entry.exact() && best != null && !best.exact())) {
                best = entry;
                bestLength = length;
            }
        }
        if (best != null) {
            return Optional.of(best.route());
        }
        return Optional.ofNullable(defaultRoute);
    }

    /** Whether there is nothing to serve: no rule and no default backend. */
    public boolean isEmpty() {
        return entries.isEmpty() && defaultRoute == null;
    }

    static boolean hostMatches(String ruleHost, String host) {
        if (ruleHost.isEmpty()) {
            return true;
        }
        if (ruleHost.startsWith("*.")) {
            String suffix = ruleHost.substring(1); // ".example.com"
            if (!host.endsWith(suffix)) {
                return false;
            }
            String label = host.substring(0, host.length() - suffix.length());
            return !label.isEmpty() && label.indexOf('.') < 0;
        }
        return ruleHost.equals(host);
    }

    /** {@code prefix} has no trailing slash (except "/" itself, stored as ""). */
    static boolean prefixMatches(String prefix, String path) {
        if (prefix.isEmpty()) {
            return path.startsWith("/") || path.isEmpty();
        }
        if (!path.startsWith(prefix)) {
            return false;
        }
        return path.length() == prefix.length() || path.charAt(prefix.length()) == '/';
    }

    static String bareHost(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            return close < 0 ? h : h.substring(0, close + 1);
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            h = h.substring(0, colon);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }

    static String barePath(String target) {
        int end = target.length();
        int query = target.indexOf('?');
        if (query >= 0) {
            end = query;
        }
        int fragment = target.indexOf('#');
        if (fragment >= 0 && fragment < end) {
            end = fragment;
        }
        String path = target.substring(0, end);
        if (!path.startsWith("/")) {
            // absolute-form "http://host/path": keep the path part
            int scheme = path.indexOf("://");
            if (scheme >= 0) {
                int slash = path.indexOf('/', scheme + 3);
                return slash < 0 ? "/" : path.substring(slash);
            }
        }
        return path;
    }

    private static String trimSlash(String path) {
        String p = path;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
