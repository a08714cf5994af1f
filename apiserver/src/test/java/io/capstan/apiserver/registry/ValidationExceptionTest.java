package io.capstan.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.proto.api.v1.Deployment;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidationExceptionTest {

    @Test
    void joinsErrorsPathFirst() {
        ValidationException exception = new ValidationException(List.of(
                new FieldError("spec.replicas", "must be >= 0, got -1"), new FieldError("metadata.name", "required")));

        assertThat(exception).isInstanceOf(IllegalArgumentException.class);
        assertThat(exception.getMessage()).isEqualTo("spec.replicas: must be >= 0, got -1; metadata.name: required");
        assertThat(exception.errors()).hasSize(2);
    }

    @Test
    void throwIfAnyThrowsOnlyWithErrors() {
        assertThatCode(() -> ValidationException.throwIfAny(List.of())).doesNotThrowAnyException();
        assertThatThrownBy(() -> ValidationException.throwIfAny(List.of(new FieldError("type", "required"))))
                .isInstanceOf(ValidationException.class)
                .hasMessage("type: required");
    }

    @Test
    void needsAtLeastOneError() {
        assertThatThrownBy(() -> new ValidationException(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void carriesTheErrorsOfARealValidation() {
        Deployment deployment = Fixtures.deployment();
        Deployment invalid = deployment.toBuilder()
                .setSpec(deployment.getSpec().toBuilder().setReplicas(-1))
                .setMetadata(deployment.getMetadata().toBuilder().clearName())
                .build();

        assertThatThrownBy(() -> ValidationException.throwIfAny(Validation.validateCreate(Fixtures.typed(invalid))))
                .hasMessage("metadata.name: required (or metadata.generateName); spec.replicas: must be >= 0, got -1");
    }
}
