package io.capstan.apiserver.service;

/**
 * An IPv4 CIDR block such as {@code 127.77.0.0/16}; its first and last addresses are not handed
 * out (the network and broadcast addresses of a real subnet, kept unused here for the same
 * reason users expect it).
 */
public record Ipv4Range(long base, int prefixLength) {
    public Ipv4Range {
        if (prefixLength < 8 || prefixLength > 30) {
            throw new IllegalArgumentException("service CIDR: prefix length must be 8..30, got " + prefixLength);
        }
        long mask = (0xffffffffL << (32 - prefixLength)) & 0xffffffffL;
        if ((base & ~mask & 0xffffffffL) != 0) {
            throw new IllegalArgumentException("service CIDR: host bits must be zero");
        }
    }

    /** Parses {@code a.b.c.d/n}. */
    public static Ipv4Range parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("service CIDR: expected a.b.c.d/n, got \"" + cidr + "\"");
        }
        long base = parseAddress(cidr.substring(0, slash));
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("service CIDR: bad prefix length in \"" + cidr + "\"", e);
        }
        return new Ipv4Range(base, prefix);
    }

    /** The address as a number, or -1 if {@code text} is not a dotted IPv4 address. */
    static long tryParseAddress(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return -1;
        }
        long value = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                return -1;
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                return -1;
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    private static long parseAddress(String text) {
        long value = tryParseAddress(text);
        if (value < 0) {
            throw new IllegalArgumentException("service CIDR: bad address \"" + text + "\"");
        }
        return value;
    }

    long size() {
        return 1L << (32 - prefixLength);
    }

    long usableSize() {
        return size() - 2;
    }

    /** The i-th usable address (0-based), skipping the first of the block. */
    String usable(long index) {
        return format(base + 1 + index);
    }

    boolean contains(String address) {
        long value = tryParseAddress(address);
        return value > base && value < base + size() - 1;
    }

    static String format(long value) {
        return ((value >> 24) & 0xff) + "." + ((value >> 16) & 0xff) + "." + ((value >> 8) & 0xff) + "."
                + (value & 0xff);
    }

    @Override
    public String toString() {
        return format(base) + "/" + prefixLength;
    }
}
