package io.capstan.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.TypedObject;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A fully valid object of each kind passes every validation; the rule tests start from these. */
class ValidObjectsTest {

    static Stream<TypedObject> objects() {
        return Fixtures.all().stream();
    }

    @Test
    void everyKindHasAFixture() {
        assertThat(Fixtures.all())
                .extracting(TypedObject::getObjectCase)
                .containsExactlyInAnyOrderElementsOf(
                        EnumSet.complementOf(EnumSet.of(TypedObject.ObjectCase.OBJECT_NOT_SET)));
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("objects")
    void passesCreate(TypedObject object) {
        assertThat(Validation.validateCreate(object)).isEmpty();
    }

    @ParameterizedTest(name = "{index}")
    @MethodSource("objects")
    void passesAnUpdateThatChangesNothing(TypedObject object) {
        assertThat(Validation.validateUpdate(object, object)).isEmpty();
    }

    @ParameterizedTest(name = "{index}")
    @MethodSource("objects")
    void passesAStatusUpdateIfItsKindHasStatus(TypedObject object) {
        List<FieldError> errors = Validation.validateStatusUpdate(object, object);

        if (ObjectContent.hasStatus(object)) {
            assertThat(errors).isEmpty();
        } else {
            assertThat(errors).extracting(FieldError::path).containsExactly("status");
        }
    }

    @ParameterizedTest(name = "{index}")
    @MethodSource("objects")
    void isAlreadyDefaulted(TypedObject object) {
        assertThat(Defaults.apply(object)).isEqualTo(object);
    }

    @Test
    void aRunningPodPassesItsStatusUpdate() {
        ValidationAssertions.assertStatusValid(Fixtures.runningPod(), Fixtures.runningPod());
    }

    @Test
    void anObjectWithoutAKindIsReportedAtObject() {
        TypedObject empty = TypedObject.getDefaultInstance();

        assertThat(Validation.validateCreate(empty)).containsExactly(new FieldError("object", "required: no kind set"));
        assertThat(Validation.validateUpdate(empty, Fixtures.typed(Fixtures.pod())))
                .extracting(FieldError::path)
                .containsExactly("object");
    }

    @Test
    void anUpdateCannotChangeTheKind() {
        List<FieldError> errors =
                Validation.validateUpdate(Fixtures.typed(Fixtures.service()), Fixtures.typed(Fixtures.endpoints()));

        assertThat(errors).containsExactly(new FieldError("object", "kind cannot change, was Endpoints, got Service"));
    }
}
