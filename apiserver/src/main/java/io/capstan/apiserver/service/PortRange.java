package io.capstan.apiserver.service;

/** An inclusive range of TCP ports, such as the node-port range {@code 30000-32767}. */
public record PortRange(int first, int last) {
    public PortRange {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("node port range: must be within 1-65535 and first <= last");
        }
    }

    /** Parses {@code first-last}. */
    public static PortRange parse(String text) {
        int dash = text.indexOf('-');
        try {
            if (dash > 0) {
                return new PortRange(
                        Integer.parseInt(text.substring(0, dash).trim()),
                        Integer.parseInt(text.substring(dash + 1).trim()));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("node port range: expected first-last, got \"" + text + "\"");
    }

    int size() {
        return last - first + 1;
    }

    boolean contains(int port) {
        return port >= first && port <= last;
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
