package io.capstan.apiserver.registry;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The string syntaxes Kubernetes checks (its {@code k8s.io/apimachinery/pkg/util/validation}).
 * Each check returns what is wrong, quoting the value, or empty when the value is fine.
 */
final class Names {
    static final int DNS1123_LABEL_MAX = 63;
    static final int DNS1123_SUBDOMAIN_MAX = 253;
    static final int QUALIFIED_NAME_MAX = 63;
    static final int LABEL_VALUE_MAX = 63;
    static final int IANA_SERVICE_NAME_MAX = 15;
    static final int CONFIG_KEY_MAX = 253;

    private static final String LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final Pattern DNS1123_LABEL = Pattern.compile(LABEL);
    private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(LABEL + "(\\." + LABEL + ")*");
    private static final Pattern DNS1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern QUALIFIED_NAME_PART = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern IANA_SERVICE_NAME = Pattern.compile("[-a-z0-9]+");
    private static final Pattern HAS_LETTER = Pattern.compile(".*[a-z].*");
    private static final Pattern ENV_VAR_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
    private static final Pattern CONFIG_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    private static final Pattern HTTP_HEADER_NAME = Pattern.compile("[-A-Za-z0-9]+");

    private Names() {}

    /** RFC 1123 label: Namespace names, container and volume names, service port names. */
    static Optional<String> dns1123Label(String value) {
        if (value.length() > DNS1123_LABEL_MAX || !DNS1123_LABEL.matcher(value).matches()) {
            return problem(
                    "must be a DNS-1123 label (at most 63 lowercase letters, digits or '-', starting and ending"
                            + " with a letter or digit)",
                    value);
        }
        return Optional.empty();
    }

    /** RFC 1123 subdomain: the names of most kinds, node names, label key prefixes. */
    static Optional<String> dns1123Subdomain(String value) {
        if (value.length() > DNS1123_SUBDOMAIN_MAX
                || !DNS1123_SUBDOMAIN.matcher(value).matches()) {
            return problem(
                    "must be a DNS-1123 subdomain (at most 253 lowercase letters, digits, '-' or '.', each part"
                            + " starting and ending with a letter or digit)",
                    value);
        }
        return Optional.empty();
    }

    /** RFC 1035 label, which starts with a letter: Service names. */
    static Optional<String> dns1035Label(String value) {
        if (value.length() > DNS1123_LABEL_MAX || !DNS1035_LABEL.matcher(value).matches()) {
            return problem(
                    "must be a DNS-1035 label (at most 63 lowercase letters, digits or '-', starting with a letter"
                            + " and ending with a letter or digit)",
                    value);
        }
        return Optional.empty();
    }

    /**
     * A name with an optional DNS subdomain prefix and '/': label and annotation keys, finalizers,
     * taint keys, e.g. {@code app} or {@code example.com/tier}.
     */
    static Optional<String> qualifiedName(String value) {
        String[] parts = value.split("/", -1);
        String name;
        if (parts.length == 1) {
            name = parts[0];
        } else if (parts.length == 2) {
            if (parts[0].isEmpty() || dns1123Subdomain(parts[0]).isPresent()) {
                return problem("must have a DNS-1123 subdomain before '/'", value);
            }
            name = parts[1];
        } else {
            return problem(
                    "must be a name with an optional DNS subdomain prefix and one '/', e.g. example.com/name", value);
        }
        if (name.isEmpty()) {
            return problem("must have a name (after any prefix and '/')", value);
        }
        if (name.length() > QUALIFIED_NAME_MAX) {
            return problem("must have a name part of at most 63 characters", value);
        }
        if (!QUALIFIED_NAME_PART.matcher(name).matches()) {
            return problem(
                    "must have a name part of letters, digits, '-', '_' or '.', starting and ending with a letter or"
                            + " digit",
                    value);
        }
        return Optional.empty();
    }

    /** A label value: empty, or at most 63 letters, digits, '-', '_' or '.' between alphanumerics. */
    static Optional<String> labelValue(String value) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (value.length() > LABEL_VALUE_MAX
                || !QUALIFIED_NAME_PART.matcher(value).matches()) {
            return problem(
                    "must be a label value (at most 63 letters, digits, '-', '_' or '.', starting and ending with a"
                            + " letter or digit)",
                    value);
        }
        return Optional.empty();
    }

    /** An IANA service name (RFC 6335): container port names and named target ports. */
    static Optional<String> ianaServiceName(String value) {
        if (value.length() > IANA_SERVICE_NAME_MAX
                || !IANA_SERVICE_NAME.matcher(value).matches()
                || !HAS_LETTER.matcher(value).matches()
                || value.startsWith("-")
                || value.endsWith("-")
                || value.contains("--")) {
            return problem(
                    "must be an IANA service name (at most 15 lowercase letters, digits or '-', with at least one"
                            + " letter, no '-' at either end and no \"--\")",
                    value);
        }
        return Optional.empty();
    }

    /** An environment variable name, as Kubernetes' IsEnvVarName. */
    static Optional<String> envVarName(String value) {
        if (!ENV_VAR_NAME.matcher(value).matches()) {
            return problem(
                    "must be an environment variable name (letters, digits, '_', '-' or '.', not starting with a"
                            + " digit)",
                    value);
        }
        return Optional.empty();
    }

    /** A key of a ConfigMap or Secret: at most 253 of letters, digits, '-', '_' and '.'. */
    static Optional<String> configKey(String value) {
        if (value.isEmpty()
                || value.length() > CONFIG_KEY_MAX
                || !CONFIG_KEY.matcher(value).matches()
                || value.equals(".")
                || value.startsWith("..")) {
            return problem(
                    "must be a config key (at most 253 letters, digits, '-', '_' or '.', and neither \".\" nor"
                            + " starting with \"..\")",
                    value);
        }
        return Optional.empty();
    }

    /** An HTTP header name (a token of letters, digits and '-'). */
    static Optional<String> httpHeaderName(String value) {
        if (!HTTP_HEADER_NAME.matcher(value).matches()) {
            return problem("must be an HTTP header name (letters, digits or '-')", value);
        }
        return Optional.empty();
    }

    /** A dotted-quad IPv4 address without leading zeros, e.g. {@code 127.77.0.10}. */
    static Optional<String> ipv4(String value) {
        return isIpv4(value) ? Optional.empty() : problem("must be an IPv4 address", value);
    }

    /** An IPv4 or IPv6 address. */
    static Optional<String> ip(String value) {
        return isIpv4(value) || isIpv6(value) ? Optional.empty() : problem("must be an IP address", value);
    }

    /** An address range in CIDR notation, e.g. {@code 10.244.1.0/24} or {@code fd00::/64}. */
    static Optional<String> cidr(String value) {
        int slash = value.indexOf('/');
        if (slash > 0) {
            String address = value.substring(0, slash);
            String bits = value.substring(slash + 1);
            int maxBits = isIpv4(address) ? 32 : isIpv6(address) ? 128 : -1;
            if (maxBits > 0 && isDecimal(bits, 3) && Integer.parseInt(bits) <= maxBits) {
                return Optional.empty();
            }
        }
        return problem("must be a CIDR, e.g. 10.244.1.0/24", value);
    }

    private static boolean isIpv4(String value) {
        String[] octets = value.split("\\.", -1);
        if (octets.length != 4) {
            return false;
        }
        for (String octet : octets) {
            if (!isDecimal(octet, 3)
                    || (octet.length() > 1 && octet.charAt(0) == '0')
                    || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv6(String value) {
        if (value.isEmpty() || value.indexOf(':') < 0) {
            return false;
        }
        String head = value;
        int groups = 0;
        int lastColon = value.lastIndexOf(':');
        if (value.indexOf('.', lastColon) >= 0) {
            // an embedded IPv4 address takes the last two groups, e.g. ::ffff:127.0.0.1
            if (!isIpv4(value.substring(lastColon + 1))) {
                return false;
            }
            head = value.substring(0, lastColon + 1) + "0";
            groups = 1;
        }
        int doubleColon = head.indexOf("::");
        if (doubleColon >= 0 && head.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        if (doubleColon >= 0) {
            int left = countGroups(head.substring(0, doubleColon));
            int right = countGroups(head.substring(doubleColon + 2));
            return left >= 0 && right >= 0 && left + right + groups <= 7;
        }
        int all = countGroups(head);
        return all >= 0 && all + groups == 8;
    }

    /** The number of ':'-separated groups of 1 to 4 hex digits in {@code part}, or -1 if malformed. */
    private static int countGroups(String part) {
        if (part.isEmpty()) {
            return 0;
        }
        String[] groups = part.split(":", -1);
        for (String group : groups) {
            if (group.isEmpty() || group.length() > 4) {
                return -1;
            }
            for (int i = 0; i < group.length(); i++) {
                if (Character.digit(group.charAt(i), 16) < 0) {
                    return -1;
                }
            }
        }
        return groups.length;
    }

    private static boolean isDecimal(String value, int maxDigits) {
        if (value.isEmpty() || value.length() > maxDigits) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static Optional<String> problem(String rule, String value) {
        return Optional.of(rule + ", got \"" + value + "\"");
    }
}
