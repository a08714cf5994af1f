package io.capstan.api.selector;

import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.TypedObject.ObjectCase;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Field requirements on objects of one kind that must all hold (AND), as Kubernetes' {@code
 * fields.Selector}: {@code field=value}, {@code field==value} or {@code field!=value}, separated by
 * commas. In a value, {@code \,}, {@code \=} and {@code \\} stand for the character itself.
 *
 * <p><b>Fields.</b> Every kind supports {@code metadata.name} and {@code metadata.namespace}; Pod
 * adds {@code spec.nodeName} and {@code status.phase}; Event adds {@code involvedObject.kind},
 * {@code involvedObject.name}, {@code involvedObject.uid}, {@code involvedObject.namespace}, {@code
 * reason} and {@code type}; Secret adds {@code type}; Node adds {@code spec.unschedulable}. Values
 * are compared as strings in their manifest spelling: {@code status.phase=Running}, {@code
 * type=Warning}, {@code spec.unschedulable=true}; an unset enum reads as "". Values are not
 * checked, so {@code status.phase=Runing} is valid and matches nothing, as in Kubernetes.
 *
 * <p><b>Canonical form.</b> Requirements are kept sorted, so {@link #equals} ignores their order,
 * and {@link #toString()} ({@code ==} written as {@code =}) parses back to an equal selector.
 *
 * <p>Immutable and thread-safe.
 */
public final class FieldSelector {
    private static final Comparator<Requirement> ORDER = Comparator.comparing(Requirement::field)
            .thenComparing(Requirement::operator)
            .thenComparing(Requirement::value);

    public enum Operator {
        EQUALS,
        NOT_EQUALS
    }

    /** One field test. */
    public record Requirement(String field, Operator operator, String value) {
        @Override
        public String toString() {
            return field + (operator == Operator.EQUALS ? "=" : "!=") + escape(value);
        }
    }

    /**
     * The fields a selector may name, with the kinds that have them (empty: every kind) and how to
     * read them. Enum fields map the proto value to its manifest word explicitly: the proto name is
     * the enum prefix plus the word in UPPER_SNAKE (PHASE_RUNNING is "Running").
     */
    private enum Field {
        METADATA_NAME("metadata.name", null),
        METADATA_NAMESPACE("metadata.namespace", null),
        POD_NODE_NAME("spec.nodeName", ObjectCase.POD),
        POD_PHASE("status.phase", ObjectCase.POD),
        EVENT_OBJECT_KIND("involvedObject.kind", ObjectCase.EVENT),
        EVENT_OBJECT_NAME("involvedObject.name", ObjectCase.EVENT),
        EVENT_OBJECT_UID("involvedObject.uid", ObjectCase.EVENT),
        EVENT_OBJECT_NAMESPACE("involvedObject.namespace", ObjectCase.EVENT),
        EVENT_REASON("reason", ObjectCase.EVENT),
        EVENT_TYPE("type", ObjectCase.EVENT),
        SECRET_TYPE("type", ObjectCase.SECRET),
        NODE_UNSCHEDULABLE("spec.unschedulable", ObjectCase.NODE);

        private final String path;
        /** The one kind that has this field, or null for every kind. */
        private final @Nullable ObjectCase kind;

        Field(String path, @Nullable ObjectCase kind) {
            this.path = path;
            this.kind = kind;
        }

        boolean appliesTo(ObjectCase objectCase) {
            return kind == null || kind == objectCase;
        }

        /** The field's value in {@code object}, which is of a kind the field applies to. */
        String read(TypedObject object) {
            return switch (this) {
                case METADATA_NAME -> metadata(object).getName();
                case METADATA_NAMESPACE -> metadata(object).getNamespace();
                case POD_NODE_NAME -> object.getPod().getSpec().getNodeName();
                case POD_PHASE -> phase(object.getPod().getStatus().getPhase());
                case EVENT_OBJECT_KIND -> object.getEvent().getInvolvedObject().getKind();
                case EVENT_OBJECT_NAME -> object.getEvent().getInvolvedObject().getName();
                case EVENT_OBJECT_UID -> object.getEvent().getInvolvedObject().getUid();
                case EVENT_OBJECT_NAMESPACE ->
                    object.getEvent().getInvolvedObject().getNamespace();
                case EVENT_REASON -> object.getEvent().getReason();
                case EVENT_TYPE -> eventType(object.getEvent().getType());
                case SECRET_TYPE -> object.getSecret().getType();
                case NODE_UNSCHEDULABLE ->
                    Boolean.toString(object.getNode().getSpec().getUnschedulable());
            };
        }

        static @Nullable Field find(ObjectCase kind, String path) {
            for (Field field : values()) {
                if (field.path.equals(path) && field.appliesTo(kind)) {
                    return field;
                }
            }
            return null;
        }
    }

    private record Term(Requirement requirement, Field field) {}

    private final ObjectCase kind;
    private final List<Term> terms;

    private FieldSelector(ObjectCase kind, List<Term> terms) {
        this.kind = kind;
        this.terms = terms;
    }

    /** Matches every object of {@code kind}. */
    public static FieldSelector everything(ObjectCase kind) {
        checkKind(kind);
        return new FieldSelector(kind, List.of());
    }

    /**
     * Parses {@code selector} for objects of {@code kind}; blank matches everything.
     *
     * @throws IllegalArgumentException with a message starting {@code fieldSelector: } for bad
     *     syntax (with the 0-based position of the term) or a field {@code kind} does not support
     *     (listing the ones it does)
     */
    public static FieldSelector parse(ObjectCase kind, String selector) {
        checkKind(kind);
        List<Term> terms = new ArrayList<>();
        if (selector.isBlank()) {
            return new FieldSelector(kind, List.of());
        }
        int start = 0;
        for (String term : splitUnescaped(selector)) {
            terms.add(parseTerm(kind, selector, term, start));
            start += term.length() + 1;
        }
        terms.sort(Comparator.comparing(Term::requirement, ORDER));
        return new FieldSelector(kind, List.copyOf(terms));
    }

    /** The field paths {@code kind} supports, in a stable order. */
    public static List<String> supportedFields(ObjectCase kind) {
        checkKind(kind);
        List<String> paths = new ArrayList<>();
        for (Field field : Field.values()) {
            if (field.appliesTo(kind)) {
                paths.add(field.path);
            }
        }
        return paths;
    }

    /**
     * True if every requirement holds for {@code object}.
     *
     * @throws IllegalArgumentException if {@code object} is not of this selector's kind
     */
    public boolean matches(TypedObject object) {
        if (object.getObjectCase() != kind) {
            throw new IllegalArgumentException("fieldSelector: selector for " + kindName(kind) + " applied to a "
                    + kindName(object.getObjectCase()));
        }
        for (Term term : terms) {
            boolean equal = term.field().read(object).equals(term.requirement().value());
            if (equal != (term.requirement().operator() == Operator.EQUALS)) {
                return false;
            }
        }
        return true;
    }

    public boolean isEverything() {
        return terms.isEmpty();
    }

    public ObjectCase kind() {
        return kind;
    }

    /** In canonical order. */
    public List<Requirement> requirements() {
        return terms.stream().map(Term::requirement).toList();
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof FieldSelector other
                && kind == other.kind
                && requirements().equals(other.requirements());
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, requirements());
    }

    /** The canonical string form, which {@link #parse} reads back; "" for everything. */
    @Override
    public String toString() {
        return terms.stream().map(t -> t.requirement().toString()).collect(Collectors.joining(","));
    }

    private static Term parseTerm(ObjectCase kind, String selector, String term, int position) {
        int at = -1;
        int opLength = 0;
        Operator operator = Operator.EQUALS;
        for (int i = 0; i < term.length() && at < 0; i++) {
            char c = term.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '!' && i + 1 < term.length() && term.charAt(i + 1) == '=') {
                at = i;
                opLength = 2;
                operator = Operator.NOT_EQUALS;
            } else if (c == '=') {
                at = i;
                opLength = i + 1 < term.length() && term.charAt(i + 1) == '=' ? 2 : 1;
            }
        }
        if (term.isBlank()) {
            throw syntax(selector, position, "empty requirement");
        }
        if (at < 0) {
            throw syntax(selector, position, "\"" + term.strip() + "\" has no operator (use =, == or !=)");
        }
        String path = term.substring(0, at).strip();
        if (path.isEmpty()) {
            throw syntax(selector, position, "\"" + term.strip() + "\" has no field name");
        }
        String value = unescape(
                selector,
                position + at + opLength,
                term.substring(at + opLength).strip());
        Field field = Field.find(kind, path);
        if (field == null) {
            throw new IllegalArgumentException("fieldSelector: field \"" + path + "\" is not supported for "
                    + kindName(kind) + "; supported: " + String.join(", ", supportedFields(kind)));
        }
        return new Term(new Requirement(path, operator, value), field);
    }

    /** Splits at commas that are not escaped; keeps empty parts so that positions add up. */
    private static List<String> splitUnescaped(String selector) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < selector.length(); i++) {
            char c = selector.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == ',') {
                parts.add(selector.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(selector.substring(start));
        return parts;
    }

    private static String unescape(String selector, int position, String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                char next = i + 1 < value.length() ? value.charAt(i + 1) : '\0';
                if (next != '\\' && next != ',' && next != '=') {
                    throw syntax(
                            selector, position, "invalid escape in value \"" + value + "\" (only \\\\, \\, and \\=)");
                }
                out.append(next);
                i++;
            } else if (c == '=' || c == ',') {
                throw syntax(selector, position, "unescaped '" + c + "' in value \"" + value + "\"");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == ',' || c == '=') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    private static IllegalArgumentException syntax(String selector, int position, String message) {
        return new IllegalArgumentException(
                "fieldSelector: at position " + position + " of \"" + selector + "\": " + message);
    }

    private static void checkKind(ObjectCase kind) {
        if (kind == ObjectCase.OBJECT_NOT_SET) {
            throw new IllegalArgumentException("fieldSelector: no kind given");
        }
    }

    private static String phase(PodStatus.Phase phase) {
        return switch (phase) {
            case PHASE_PENDING -> "Pending";
            case PHASE_RUNNING -> "Running";
            case PHASE_SUCCEEDED -> "Succeeded";
            case PHASE_FAILED -> "Failed";
            case PHASE_UNKNOWN -> "Unknown";
            case PHASE_UNSPECIFIED, UNRECOGNIZED -> "";
        };
    }

    private static String eventType(Event.Type type) {
        return switch (type) {
            case TYPE_NORMAL -> "Normal";
            case TYPE_WARNING -> "Warning";
            case TYPE_UNSPECIFIED, UNRECOGNIZED -> "";
        };
    }

    private static ObjectMeta metadata(TypedObject object) {
        return switch (object.getObjectCase()) {
            case NAMESPACE -> object.getNamespace().getMetadata();
            case NODE -> object.getNode().getMetadata();
            case POD -> object.getPod().getMetadata();
            case REPLICA_SET -> object.getReplicaSet().getMetadata();
            case DEPLOYMENT -> object.getDeployment().getMetadata();
            case SERVICE -> object.getService().getMetadata();
            case ENDPOINTS -> object.getEndpoints().getMetadata();
            case CONFIG_MAP -> object.getConfigMap().getMetadata();
            case SECRET -> object.getSecret().getMetadata();
            case LEASE -> object.getLease().getMetadata();
            case EVENT -> object.getEvent().getMetadata();
            case INGRESS -> object.getIngress().getMetadata();
            case ALERT_ROUTE -> object.getAlertRoute().getMetadata();
            case OBJECT_NOT_SET -> ObjectMeta.getDefaultInstance();
        };
    }

    private static String kindName(ObjectCase kind) {
        return switch (kind) {
            case NAMESPACE -> "Namespace";
            case NODE -> "Node";
            case POD -> "Pod";
            case REPLICA_SET -> "ReplicaSet";
            case DEPLOYMENT -> "Deployment";
            case SERVICE -> "Service";
            case ENDPOINTS -> "Endpoints";
            case CONFIG_MAP -> "ConfigMap";
            case SECRET -> "Secret";
            case LEASE -> "Lease";
            case EVENT -> "Event";
            case INGRESS -> "Ingress";
            case ALERT_ROUTE -> "AlertRoute";
            case OBJECT_NOT_SET -> "object with no kind";
        };
    }
}
