package io.capstan.api.manifest;

import org.jspecify.annotations.Nullable;

/**
 * Where a value sits in a manifest, for error messages: {@code
 * spec.template.spec.containers[0].env[1].value} or {@code metadata.labels[app]}. It also gives the
 * JSON pointer of the value ({@code /spec/template/spec/containers/0}), which is how a reader finds
 * the line a value came from.
 */
final class FieldPath {
    static final FieldPath ROOT = new FieldPath(null, "", "");

    private final @Nullable FieldPath parent;
    private final String display;
    private final String token;

    private FieldPath(@Nullable FieldPath parent, String display, String token) {
        this.parent = parent;
        this.display = display;
        this.token = token;
    }

    /** A message field, by its manifest name. */
    FieldPath field(String name) {
        return new FieldPath(this, display.isEmpty() ? name : display + "." + name, name);
    }

    /** An entry of a map field. */
    FieldPath key(String key) {
        return new FieldPath(this, display + "[" + key + "]", key);
    }

    /** An element of a list. */
    FieldPath index(int index) {
        return new FieldPath(this, display + "[" + index + "]", Integer.toString(index));
    }

    /** The RFC 6901 JSON pointer of this value; "" for the whole document. */
    String pointer() {
        if (parent == null) {
            return "";
        }
        return parent.pointer() + "/" + escape(token);
    }

    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    /** The dotted form; "" for the whole document. */
    @Override
    public String toString() {
        return display;
    }
}
