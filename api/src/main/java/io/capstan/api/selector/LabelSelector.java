package io.capstan.api.selector;

import io.capstan.proto.api.v1.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A set of label requirements that must all hold (AND), as Kubernetes' {@code labels.Selector}.
 *
 * <p>Built from the string syntax of list and watch requests ({@link #parse}):
 *
 * <pre>
 *   app=web  app==web     the label is present with this value
 *   tier!=db              the label is absent or has another value
 *   env in (prod,staging) the label is present with one of these values
 *   env notin (dev)       the label is absent or has none of these values
 *   gpu                   the label is present
 *   !legacy               the label is absent
 * </pre>
 *
 * requirements separated by commas, with any whitespace between tokens; or from the {@code
 * LabelSelector} message of specs ({@link #fromProto}), where an absent message selects nothing
 * and an empty one everything.
 *
 * <p><b>Canonical form.</b> Requirements are kept sorted (by key, operator, values) and set values
 * sorted without duplicates, so two selectors that say the same thing in a different order are
 * {@link #equals equal}, and {@link #toString()} gives one spelling ({@code ==} becomes {@code =})
 * that {@link #parse} reads back to an equal selector. The selector that matches nothing has no
 * string syntax: its {@code toString()} is {@code <nothing>}, which does not parse.
 *
 * <p>Immutable and thread-safe.
 */
public final class LabelSelector {
    private static final LabelSelector EVERYTHING = new LabelSelector(List.of(), false);
    private static final LabelSelector NOTHING = new LabelSelector(List.of(), true);

    private static final int MAX_NAME_LENGTH = 63;
    private static final int MAX_PREFIX_LENGTH = 253;
    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private static final Comparator<Requirement> ORDER = Comparator.comparing(Requirement::key)
            .thenComparing(Requirement::operator)
            .thenComparing(r -> String.join(",", r.values()));

    /** How a requirement tests its label. */
    public enum Operator {
        /** Present with the one value. */
        EQUALS,
        /** Absent, or present with another value than the one. */
        NOT_EQUALS,
        /** Present with one of the values. */
        IN,
        /** Absent, or present with none of the values. */
        NOT_IN,
        /** Present, whatever the value. */
        EXISTS,
        /** Absent. */
        DOES_NOT_EXIST
    }

    /**
     * One test of one label. {@code values} has exactly one element for {@link Operator#EQUALS} and
     * {@link Operator#NOT_EQUALS}, at least one for {@link Operator#IN} and {@link Operator#NOT_IN},
     * and none otherwise; it is kept sorted without duplicates. The key must be a valid label key
     * and each value a valid label value, else {@link IllegalArgumentException}.
     */
    public record Requirement(String key, Operator operator, List<String> values) {
        public Requirement {
            String keyProblem = keyProblem(key);
            if (keyProblem != null) {
                throw new IllegalArgumentException("key \"" + key + "\": " + keyProblem);
            }
            values = List.copyOf(new TreeSet<>(values));
            for (String value : values) {
                String valueProblem = valueProblem(value);
                if (valueProblem != null) {
                    throw new IllegalArgumentException("value \"" + value + "\" of key " + key + ": " + valueProblem);
                }
            }
            int count = values.size();
            boolean countFits = switch (operator) {
                case EQUALS, NOT_EQUALS -> count == 1;
                case IN, NOT_IN -> count >= 1;
                case EXISTS, DOES_NOT_EXIST -> count == 0;
            };
            if (!countFits) {
                throw new IllegalArgumentException(
                        "key " + key + ": " + operator + " takes " + expectedCount(operator) + ", got " + count);
            }
        }

        public static Requirement equal(String key, String value) {
            return new Requirement(key, Operator.EQUALS, List.of(value));
        }

        public boolean matches(Map<String, String> labels) {
            String value = labels.get(key);
            return switch (operator) {
                case EQUALS, IN -> value != null && values.contains(value);
                case NOT_EQUALS, NOT_IN -> value == null || !values.contains(value);
                case EXISTS -> value != null;
                case DOES_NOT_EXIST -> value == null;
            };
        }

        /** The requirement in the string syntax: {@code k=v}, {@code k!=v}, {@code k in (a,b)}, {@code k}, {@code !k}. */
        @Override
        public String toString() {
            return switch (operator) {
                case EQUALS -> key + "=" + values.get(0);
                case NOT_EQUALS -> key + "!=" + values.get(0);
                case IN -> key + " in (" + String.join(",", values) + ")";
                case NOT_IN -> key + " notin (" + String.join(",", values) + ")";
                case EXISTS -> key;
                case DOES_NOT_EXIST -> "!" + key;
            };
        }

        private static String expectedCount(Operator operator) {
            return switch (operator) {
                case EQUALS, NOT_EQUALS -> "exactly one value";
                case IN, NOT_IN -> "at least one value";
                case EXISTS, DOES_NOT_EXIST -> "no values";
            };
        }
    }

    private final List<Requirement> requirements;
    private final boolean nothing;

    private LabelSelector(List<Requirement> requirements, boolean nothing) {
        this.requirements = requirements;
        this.nothing = nothing;
    }

    /** Matches every set of labels, including none. Its string form is "". */
    public static LabelSelector everything() {
        return EVERYTHING;
    }

    /** Matches no set of labels: what an absent selector in a spec means. */
    public static LabelSelector nothing() {
        return NOTHING;
    }

    /** All of {@code requirements}; none means everything. */
    public static LabelSelector of(List<Requirement> requirements) {
        if (requirements.isEmpty()) {
            return EVERYTHING;
        }
        List<Requirement> sorted = new ArrayList<>(requirements);
        sorted.sort(ORDER);
        return new LabelSelector(List.copyOf(sorted), false);
    }

    /**
     * Parses the string syntax; blank matches everything.
     *
     * @throws IllegalArgumentException with a message starting {@code labelSelector: } that names
     *     the problem and its 0-based character position in {@code selector}
     */
    public static LabelSelector parse(String selector) {
        return of(new Parser(selector).parse());
    }

    /**
     * The selector a spec's {@code LabelSelector} message describes: {@code match_labels} as
     * equality requirements and {@code match_expressions} by their operators, all ANDed. An absent
     * message ({@code null}) matches nothing; an empty one everything.
     *
     * @throws IllegalArgumentException if a key, value or operator is invalid, with a message
     *     starting with the field in the message ({@code matchExpressions[1].operator: ...})
     */
    public static LabelSelector fromProto(io.capstan.proto.api.v1.@Nullable LabelSelector message) {
        return fromProto(message, "");
    }

    /**
     * As {@link #fromProto(io.capstan.proto.api.v1.LabelSelector)}, with error messages starting
     * with {@code fieldPath} (e.g. {@code spec.selector.matchLabels: ...}).
     */
    public static LabelSelector fromProto(io.capstan.proto.api.v1.@Nullable LabelSelector message, String fieldPath) {
        if (message == null) {
            return NOTHING;
        }
        String path = fieldPath.isEmpty() ? "" : fieldPath + ".";
        List<Requirement> requirements = new ArrayList<>();
        for (Map.Entry<String, String> label : message.getMatchLabelsMap().entrySet()) {
            try {
                requirements.add(Requirement.equal(label.getKey(), label.getValue()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(path + "matchLabels: " + e.getMessage(), e);
            }
        }
        for (int i = 0; i < message.getMatchExpressionsCount(); i++) {
            LabelSelectorRequirement expression = message.getMatchExpressions(i);
            String at = path + "matchExpressions[" + i + "]";
            Operator operator = switch (expression.getOperator()) {
                case OPERATOR_IN -> Operator.IN;
                case OPERATOR_NOT_IN -> Operator.NOT_IN;
                case OPERATOR_EXISTS -> Operator.EXISTS;
                case OPERATOR_DOES_NOT_EXIST -> Operator.DOES_NOT_EXIST;
                case OPERATOR_UNSPECIFIED, UNRECOGNIZED ->
                    throw new IllegalArgumentException(
                            at + ".operator: must be one of In, NotIn, Exists, DoesNotExist");
            };
            try {
                requirements.add(new Requirement(expression.getKey(), operator, expression.getValuesList()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
            }
        }
        return of(requirements);
    }

    /** True if every requirement holds for {@code labels}; always false for {@link #nothing()}. */
    public boolean matches(Map<String, String> labels) {
        if (nothing) {
            return false;
        }
        for (Requirement requirement : requirements) {
            if (!requirement.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    public boolean isEverything() {
        return !nothing && requirements.isEmpty();
    }

    public boolean isNothing() {
        return nothing;
    }

    /** In canonical order; empty for both {@link #everything()} and {@link #nothing()}. */
    public List<Requirement> requirements() {
        return requirements;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof LabelSelector other && nothing == other.nothing && requirements.equals(other.requirements);
    }

    @Override
    public int hashCode() {
        return Objects.hash(requirements, nothing);
    }

    /** The canonical string form, which {@link #parse} reads back; {@code <nothing>} for {@link #nothing()}. */
    @Override
    public String toString() {
        if (nothing) {
            return "<nothing>";
        }
        return requirements.stream().map(Requirement::toString).collect(Collectors.joining(","));
    }

    /** Why {@code key} is not a label key ({@code [prefix/]name}), or null if it is one. */
    static @Nullable String keyProblem(String key) {
        int slash = key.indexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            if (prefix.isEmpty()) {
                return "prefix before '/' must not be empty";
            }
            if (prefix.length() > MAX_PREFIX_LENGTH) {
                return "prefix must be at most " + MAX_PREFIX_LENGTH + " characters";
            }
            if (!DNS_SUBDOMAIN.matcher(prefix).matches()) {
                return "prefix must be a DNS subdomain (lower-case letters, digits, '-' and '.')";
            }
        }
        if (name.isEmpty()) {
            return "name must not be empty";
        }
        if (name.length() > MAX_NAME_LENGTH) {
            return "name must be at most " + MAX_NAME_LENGTH + " characters";
        }
        if (!NAME.matcher(name).matches()) {
            return "name must start and end with a letter or digit and contain only letters, digits, '-', '_', '.'";
        }
        return null;
    }

    /** Why {@code value} is not a label value, or null if it is one (the empty value is one). */
    static @Nullable String valueProblem(String value) {
        if (value.length() > MAX_NAME_LENGTH) {
            return "must be at most " + MAX_NAME_LENGTH + " characters";
        }
        if (!value.isEmpty() && !NAME.matcher(value).matches()) {
            return "must be empty or start and end with a letter or digit and contain only letters, digits,"
                    + " '-', '_', '.'";
        }
        return null;
    }

    /**
     * A recursive-descent parser over Kubernetes' grammar:
     *
     * <pre>
     *   selector    = "" | requirement *( "," requirement )
     *   requirement = "!" key | key [ ("=" | "==" | "!=") value | ("in" | "notin") "(" value *( "," value ) ")" ]
     * </pre>
     *
     * A value may be empty ({@code a=}, {@code a in (x,)}). Identifiers run up to whitespace or one
     * of {@code ! = ( ) , < >}.
     */
    private static final class Parser {
        private enum Type {
            IDENTIFIER,
            NOT,
            EQUALS,
            DOUBLE_EQUALS,
            NOT_EQUALS,
            OPEN,
            CLOSE,
            COMMA,
            END
        }

        private record Token(Type type, String text, int position) {
            String describe() {
                return type == Type.END ? "end of input" : "'" + text + "'";
            }

            boolean isWord(String word) {
                return type == Type.IDENTIFIER && text.equals(word);
            }
        }

        private final String input;
        private int offset;
        private @Nullable Token peeked;

        Parser(String input) {
            this.input = input;
        }

        List<Requirement> parse() {
            List<Requirement> requirements = new ArrayList<>();
            if (peek().type() == Type.END) {
                return requirements;
            }
            while (true) {
                requirements.add(requirement());
                Token next = next();
                if (next.type() == Type.END) {
                    return requirements;
                }
                if (next.type() != Type.COMMA) {
                    throw error(next, "expected ',' or end of input, found " + next.describe());
                }
            }
        }

        private Requirement requirement() {
            Token first = next();
            if (first.type() == Type.NOT) {
                Token key = next();
                if (key.type() != Type.IDENTIFIER) {
                    throw error(key, "expected a label key after '!', found " + key.describe());
                }
                return build(key, Operator.DOES_NOT_EXIST, List.of());
            }
            if (first.type() != Type.IDENTIFIER) {
                throw error(first, "expected a label key or '!', found " + first.describe());
            }
            Token op = peek();
            switch (op.type()) {
                case COMMA, END -> {
                    return build(first, Operator.EXISTS, List.of());
                }
                case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> {
                    next();
                    String value = value();
                    return build(
                            first,
                            op.type() == Type.NOT_EQUALS ? Operator.NOT_EQUALS : Operator.EQUALS,
                            List.of(value));
                }
                default -> {
                    if (op.isWord("in") || op.isWord("notin")) {
                        next();
                        return build(first, op.isWord("in") ? Operator.IN : Operator.NOT_IN, valueList());
                    }
                    throw error(
                            op,
                            "expected '=', '==', '!=', 'in', 'notin', ',' or end of input after key " + first.text()
                                    + ", found " + op.describe());
                }
            }
        }

        /** One value, possibly empty; checked for validity. */
        private String value() {
            Token token = peek();
            if (token.type() == Type.IDENTIFIER) {
                next();
                String problem = valueProblem(token.text());
                if (problem != null) {
                    throw error(token, "value \"" + token.text() + "\" " + problem);
                }
                return token.text();
            }
            if (token.type() == Type.COMMA || token.type() == Type.END || token.type() == Type.CLOSE) {
                return "";
            }
            throw error(token, "expected a value, found " + token.describe());
        }

        private List<String> valueList() {
            Token open = next();
            if (open.type() != Type.OPEN) {
                throw error(open, "expected '(' after in/notin, found " + open.describe());
            }
            List<String> values = new ArrayList<>();
            while (true) {
                values.add(value());
                Token next = next();
                if (next.type() == Type.CLOSE) {
                    return values;
                }
                if (next.type() != Type.COMMA) {
                    throw error(next, "expected ',' or ')' in value list, found " + next.describe());
                }
            }
        }

        private Requirement build(Token key, Operator operator, List<String> values) {
            String problem = keyProblem(key.text());
            if (problem != null) {
                throw error(key, "key \"" + key.text() + "\": " + problem);
            }
            return new Requirement(key.text(), operator, values);
        }

        private IllegalArgumentException error(Token at, String message) {
            return new IllegalArgumentException(
                    "labelSelector: at position " + at.position() + " of \"" + input + "\": " + message);
        }

        private Token peek() {
            Token token = peeked;
            if (token == null) {
                token = lex();
                peeked = token;
            }
            return token;
        }

        private Token next() {
            Token token = peek();
            peeked = null;
            return token;
        }

        private Token lex() {
            while (offset < input.length() && Character.isWhitespace(input.charAt(offset))) {
                offset++;
            }
            int start = offset;
            if (offset >= input.length()) {
                return new Token(Type.END, "", start);
            }
            char c = input.charAt(offset);
            switch (c) {
                case '!' -> {
                    if (offset + 1 < input.length() && input.charAt(offset + 1) == '=') {
                        offset += 2;
                        return new Token(Type.NOT_EQUALS, "!=", start);
                    }
                    offset++;
                    return new Token(Type.NOT, "!", start);
                }
                case '=' -> {
                    if (offset + 1 < input.length() && input.charAt(offset + 1) == '=') {
                        offset += 2;
                        return new Token(Type.DOUBLE_EQUALS, "==", start);
                    }
                    offset++;
                    return new Token(Type.EQUALS, "=", start);
                }
                case '(' -> {
                    offset++;
                    return new Token(Type.OPEN, "(", start);
                }
                case ')' -> {
                    offset++;
                    return new Token(Type.CLOSE, ")", start);
                }
                case ',' -> {
                    offset++;
                    return new Token(Type.COMMA, ",", start);
                }
                case '<', '>' ->
                    throw new IllegalArgumentException("labelSelector: at position " + start + " of \"" + input
                            + "\": operator '" + c + "' is not supported (use =, ==, !=, in, notin)");
                default -> {
                    while (offset < input.length() && isIdentifierChar(input.charAt(offset))) {
                        offset++;
                    }
                    return new Token(Type.IDENTIFIER, input.substring(start, offset), start);
                }
            }
        }

        private static boolean isIdentifierChar(char c) {
            return !Character.isWhitespace(c) && "!=(),<>".indexOf(c) < 0;
        }
    }
}
