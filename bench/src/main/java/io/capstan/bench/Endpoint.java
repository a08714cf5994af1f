package io.capstan.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One client endpoint of a store, {@code 127.0.0.1:port}. The bench refuses any other host: it is a
 * tool for clusters on the machine it runs on, and must never load a shared or remote service.
 */
record Endpoint(String host, int port) {
    static final String LOOPBACK = "127.0.0.1";

    Endpoint {
        if (!LOOPBACK.equals(host)) {
            throw new IllegalArgumentException("--endpoints: only " + LOOPBACK + " is allowed, got " + host);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--endpoints: port must be 1..65535, got " + port);
        }
    }

    /** Parses {@code 127.0.0.1:2379,127.0.0.1:22379}; a leading {@code http://} is tolerated. */
    static List<Endpoint> parseList(String list) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (String item : list.split(",", -1)) {
            String trimmed = item.trim();
            if (trimmed.startsWith("http://")) {
                trimmed = trimmed.substring("http://".length());
            }
            int colon = trimmed.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--endpoints: expected host:port, got '" + item + "'");
            }
            int port;
            try {
                port = Integer.parseInt(trimmed.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--endpoints: bad port in '" + item + "'", e);
            }
            endpoints.add(new Endpoint(trimmed.substring(0, colon), port));
        }
        if (endpoints.isEmpty() || endpoints.size() > 16) {
            throw new IllegalArgumentException("--endpoints: expected 1..16 endpoints, got " + endpoints.size());
        }
        return List.copyOf(endpoints);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
