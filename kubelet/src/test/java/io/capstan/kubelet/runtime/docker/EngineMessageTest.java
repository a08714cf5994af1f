package io.capstan.kubelet.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EngineMessageTest {
    @Test
    void takesTheMessageOutOfTheEnginesJsonBody() {
        RuntimeException e =
                new RuntimeException("Status 500: {\"message\":\"Get \\\"https://registry-1.docker.io/v2/\\\":"
                        + " dial tcp: lookup registry-1.docker.io: no such host\"}\n");

        assertThat(DockerEngine.message(e))
                .isEqualTo(
                        "Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: no such host");
    }

    @Test
    void keepsAnyOtherMessageAndNamesTheExceptionWithoutOne() {
        assertThat(DockerEngine.message(new IllegalStateException(" connection refused ")))
                .isEqualTo("connection refused");
        assertThat(DockerEngine.message(new IllegalStateException())).isEqualTo("IllegalStateException");
    }
}
