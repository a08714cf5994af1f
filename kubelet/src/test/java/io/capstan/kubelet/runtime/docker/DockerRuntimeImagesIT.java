package io.capstan.kubelet.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.kubelet.runtime.ImageException;
import io.capstan.kubelet.runtime.ImageRef;
import io.capstan.kubelet.runtime.PullPolicy;
import io.capstan.kubelet.runtime.docker.DockerSettings.NetworkMode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Images and the engine probe. No registry is reachable here, so every pull fails: the tests show
 * it fails fast, as ErrImagePull with the engine's message, and never pull successfully.
 */
@ExtendWith(DockerTestSupport.EngineAnswers.class)
class DockerRuntimeImagesIT {
    private static final Logger log = LoggerFactory.getLogger(DockerRuntimeImagesIT.class);
    private static final String MISSING = "capstan/no-such-image:0";

    @TempDir
    Path tempDir;

    private DockerFixture fixture;
    private DockerRuntime runtime;

    @BeforeEach
    void connect() {
        fixture = new DockerFixture(tempDir);
        runtime = fixture.runtime(NetworkMode.HOST);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void aPresentImageIsUsedWithoutPulling() throws Exception {
        ImageRef ifNotPresent = runtime.ensureImage(DockerTestSupport.IMAGE, PullPolicy.IF_NOT_PRESENT);
        ImageRef never = runtime.ensureImage(DockerTestSupport.IMAGE, PullPolicy.NEVER);

        assertThat(ifNotPresent.pulled()).isFalse();
        assertThat(ifNotPresent.image()).isEqualTo(DockerTestSupport.IMAGE);
        assertThat(ifNotPresent.imageId()).startsWith("sha256:");
        assertThat(never).isEqualTo(ifNotPresent);
    }

    @Test
    void alwaysFallsBackToThePresentImageWhenThePullFails() throws Exception {
        ImageRef always = runtime.ensureImage(DockerTestSupport.IMAGE, PullPolicy.ALWAYS);

        assertThat(always.pulled()).isFalse();
        assertThat(always.imageId()).startsWith("sha256:");
    }

    @Test
    void aMissingImageThatCannotBePulledIsErrImagePullQuickly() {
        long started = System.nanoTime();

        assertThatThrownBy(() -> runtime.ensureImage(MISSING, PullPolicy.IF_NOT_PRESENT))
                .isInstanceOfSatisfying(ImageException.class, e -> {
                    assertThat(e.reason()).isEqualTo("ErrImagePull");
                    assertThat(e.getMessage())
                            .startsWith("pulling image " + MISSING + ": ")
                            .doesNotContain("Status 5");
                });
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        log.info("the failed pull of {} took {} ms", MISSING, took.toMillis());
        assertThat(took).isLessThan(Duration.ofSeconds(20));
        assertThatThrownBy(() -> runtime.ensureImage("capstan/no-such-image", PullPolicy.ALWAYS))
                .isInstanceOfSatisfying(
                        ImageException.class, e -> assertThat(e.reason()).isEqualTo("ErrImagePull"));
    }

    @Test
    void aMissingImageWithPolicyNeverIsErrImageNeverPull() {
        assertThatThrownBy(() -> runtime.ensureImage(MISSING, PullPolicy.NEVER))
                .isInstanceOfSatisfying(
                        ImageException.class, e -> assertThat(e.reason()).isEqualTo("ErrImageNeverPull"))
                .hasMessageContaining(MISSING);
    }

    @Test
    void anInvalidReferenceIsErrImagePull() {
        assertThatThrownBy(() -> runtime.ensureImage("Not A Valid:Reference", PullPolicy.IF_NOT_PRESENT))
                .isInstanceOfSatisfying(
                        ImageException.class, e -> assertThat(e.reason()).isEqualTo("ErrImagePull"));
    }

    @Test
    void reportsTheEngineVersionAndAnswersTheProbe() {
        assertThat(runtime.name()).isEqualTo("docker");
        assertThat(runtime.version()).matches("docker://\\d+\\.\\d+.*");

        long started = System.nanoTime();
        assertThat(DockerEngine.available(DockerEngine.defaultDockerHost(), Duration.ofSeconds(5)))
                .isTrue();
        log.info("a warm probe took {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    @Test
    void theProbeSaysNoWhenNothingAnswers() {
        long started = System.nanoTime();

        assertThat(DockerEngine.available("unix://" + tempDir.resolve("no-docker.sock"), Duration.ofSeconds(2)))
                .isFalse();
        assertThat(DockerEngine.available("tcp://127.0.0.1:" + DockerFixture.freePort(), Duration.ofSeconds(2)))
                .isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
        assertThatThrownBy(() -> DockerRuntime.connect(
                        "n", DockerSettings.defaults().withDockerHost("unix://" + tempDir.resolve("none.sock"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no Docker engine answers at unix://");
    }
}
