package io.capstan.api.manifest;

import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.ProtocolMessageEnum;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The manifest spelling of proto enum values, as meta.proto defines it: each value other than the
 * zero one is named by its enum's prefix (the enum type's name in UPPER_SNAKE, then {@code _}) and
 * the manifest word in UPPER_SNAKE. The spelling joins the words in PascalCase, keeping the
 * acronyms IP, TCP, UDP, SCTP, HTTP, HTTPS and DNS in capitals:
 *
 * <pre>
 * Container.PullPolicy.PULL_POLICY_IF_NOT_PRESENT  -&gt; "IfNotPresent"
 * ServiceSpec.Type.TYPE_CLUSTER_IP                 -&gt; "ClusterIP"
 * NodeAddress.Type.TYPE_INTERNAL_DNS               -&gt; "InternalDNS"
 * </pre>
 *
 * <p>The zero value ({@code *_UNSPECIFIED}, "not set") is spelled "", as Kubernetes' Go zero value:
 * it is never written in a manifest, and only "" reads as it. Thread-safe.
 */
public final class EnumSpelling {
    private static final Set<String> ACRONYMS = Set.of("IP", "TCP", "UDP", "SCTP", "HTTP", "HTTPS", "DNS");
    private static final Map<EnumDescriptor, Table> TABLES = new ConcurrentHashMap<>();

    private EnumSpelling() {}

    /** The spelling of {@code value}; "" for the zero value. */
    public static String of(ProtocolMessageEnum value) {
        return of(value.getValueDescriptor());
    }

    /**
     * The spelling of {@code value}; "" for the zero value.
     *
     * @throws IllegalArgumentException for a number the enum does not declare
     */
    public static String of(EnumValueDescriptor value) {
        if (value.getNumber() == 0) {
            return "";
        }
        String spelling = table(value.getType()).byNumber.get(value.getNumber());
        if (spelling == null) {
            throw new IllegalArgumentException(
                    String.format("%s has no value numbered %d", value.getType().getFullName(), value.getNumber()));
        }
        return spelling;
    }

    /** The value spelled {@code spelling} (exact case); "" gives the zero value. */
    public static Optional<EnumValueDescriptor> parse(EnumDescriptor type, String spelling) {
        if (spelling.isEmpty()) {
            return Optional.of(type.findValueByNumber(0));
        }
        return Optional.ofNullable(table(type).bySpelling.get(spelling));
    }

    /** The spellings of every value but the zero one, in declaration order. */
    public static List<String> spellings(EnumDescriptor type) {
        return List.copyOf(table(type).bySpelling.keySet());
    }

    /** The UPPER_SNAKE prefix of every value name of {@code type}, e.g. {@code PULL_POLICY_}. */
    static String prefix(EnumDescriptor type) {
        return upperSnake(type.getName()) + "_";
    }

    private static Table table(EnumDescriptor type) {
        return TABLES.computeIfAbsent(type, Table::new);
    }

    private static String upperSnake(String pascalCase) {
        StringBuilder snake = new StringBuilder();
        for (int i = 0; i < pascalCase.length(); i++) {
            char c = pascalCase.charAt(i);
            boolean wordStart = i > 0
                    && Character.isUpperCase(c)
                    && (!Character.isUpperCase(pascalCase.charAt(i - 1))
                            || (i + 1 < pascalCase.length() && Character.isLowerCase(pascalCase.charAt(i + 1))));
            if (wordStart) {
                snake.append('_');
            }
            snake.append(Character.toUpperCase(c));
        }
        return snake.toString();
    }

    private static String pascalCase(String upperSnake) {
        StringBuilder spelling = new StringBuilder();
        for (String word : upperSnake.split("_", -1)) {
            if (word.isEmpty()) {
                throw new IllegalStateException("empty word in enum value name part \"" + upperSnake + "\"");
            }
            if (ACRONYMS.contains(word)) {
                spelling.append(word);
            } else {
                spelling.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
            }
        }
        return spelling.toString();
    }

    private static final class Table {
        final Map<String, EnumValueDescriptor> bySpelling = new LinkedHashMap<>();
        final Map<Integer, String> byNumber = new HashMap<>();

        Table(EnumDescriptor type) {
            String prefix = prefix(type);
            List<String> problems = new ArrayList<>();
            for (EnumValueDescriptor value : type.getValues()) {
                if (value.getNumber() == 0 || byNumber.containsKey(value.getNumber())) {
                    continue; // the zero value is "not set"; an alias keeps the first name's spelling
                }
                if (!value.getName().startsWith(prefix) || value.getName().length() == prefix.length()) {
                    problems.add(value.getName());
                    continue;
                }
                String spelling = pascalCase(value.getName().substring(prefix.length()));
                bySpelling.put(spelling, value);
                byNumber.put(value.getNumber(), spelling);
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException(String.format(
                        "%s: values %s do not start with the prefix %s", type.getFullName(), problems, prefix));
            }
        }
    }
}
