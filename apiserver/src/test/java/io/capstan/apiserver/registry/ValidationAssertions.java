package io.capstan.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import java.util.List;

/** Asserts that an object passes validation, or fails it with exactly one error at one path. */
final class ValidationAssertions {
    private ValidationAssertions() {}

    static List<FieldError> createErrors(Message object) {
        return Validation.validateCreate(Fixtures.typed(object));
    }

    static void assertValid(Message object) {
        assertThat(createErrors(object)).isEmpty();
    }

    /** Creating {@code object} fails with one error, at {@code path}, whose message contains {@code message}. */
    static void assertRejected(Message object, String path, String message) {
        assertSingleError(createErrors(object), path, message);
    }

    static void assertUpdateRejected(Message updated, Message old, String path, String message) {
        assertSingleError(Validation.validateUpdate(Fixtures.typed(updated), Fixtures.typed(old)), path, message);
    }

    static void assertUpdateValid(Message updated, Message old) {
        assertThat(Validation.validateUpdate(Fixtures.typed(updated), Fixtures.typed(old)))
                .isEmpty();
    }

    static void assertStatusRejected(Message updated, Message old, String path, String message) {
        assertSingleError(Validation.validateStatusUpdate(Fixtures.typed(updated), Fixtures.typed(old)), path, message);
    }

    static void assertStatusValid(Message updated, Message old) {
        assertThat(Validation.validateStatusUpdate(Fixtures.typed(updated), Fixtures.typed(old)))
                .isEmpty();
    }

    static void assertSingleError(List<FieldError> errors, String path, String message) {
        assertThat(errors).extracting(FieldError::path).containsExactly(path);
        assertThat(errors.get(0).message()).contains(message);
    }
}
