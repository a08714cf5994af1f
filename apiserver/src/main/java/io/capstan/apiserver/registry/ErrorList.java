package io.capstan.apiserver.registry;

import com.google.protobuf.ProtocolMessageEnum;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Collects the {@link FieldError}s of one validation, with the messages every kind shares. */
final class ErrorList {
    private final List<FieldError> errors = new ArrayList<>();

    void add(FieldPath path, String message) {
        errors.add(new FieldError(path.value(), message));
    }

    /** Adds {@code problem}, if there is one, at {@code path}. */
    void add(FieldPath path, Optional<String> problem) {
        problem.ifPresent(message -> add(path, message));
    }

    void required(FieldPath path) {
        add(path, "required");
    }

    void immutable(FieldPath path) {
        add(path, "field is immutable");
    }

    void duplicate(FieldPath path, Object value) {
        add(path, "duplicate value \"" + value + "\"");
    }

    void atLeast(FieldPath path, long value, long minimum) {
        if (value < minimum) {
            add(path, "must be >= " + minimum + ", got " + value);
        }
    }

    void notNegative(FieldPath path, long value) {
        atLeast(path, value, 0);
    }

    /** A port number: 1 to 65535. */
    void port(FieldPath path, int port) {
        if (port < 1 || port > 65535) {
            add(path, "must be between 1 and 65535, got " + port);
        }
    }

    /**
     * An enum must be set by now: its *_UNSPECIFIED zero has been defaulted where Kubernetes has a
     * default, and is missing input otherwise. A number this build does not know is unsupported.
     */
    <E extends Enum<E> & ProtocolMessageEnum> void specified(FieldPath path, E value) {
        if (value.name().equals("UNRECOGNIZED")) {
            add(path, "unsupported value");
        } else if (value.getNumber() == 0) {
            required(path);
        }
    }

    int size() {
        return errors.size();
    }

    List<FieldError> toList() {
        return List.copyOf(errors);
    }
}
