package io.capstan.apiserver.registry;

/**
 * A path to a field in manifest spelling, built one step at a time as Kubernetes' {@code
 * field.Path}: {@code FieldPath.of("spec").child("containers").index(0).child("image")} is
 * {@code spec.containers[0].image}; {@code key("cpu")} appends {@code [cpu]}.
 */
record FieldPath(String value) {
    static FieldPath of(String name) {
        return new FieldPath(name);
    }

    FieldPath child(String name) {
        return new FieldPath(value + "." + name);
    }

    FieldPath index(int index) {
        return new FieldPath(value + "[" + index + "]");
    }

    FieldPath key(String key) {
        return new FieldPath(value + "[" + key + "]");
    }

    @Override
    public String toString() {
        return value;
    }
}
