package io.capstan.kubelet.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExitTrackerTest {
    private static final Instant WRITTEN = Instant.parse("2026-01-02T03:04:05Z");

    @TempDir
    Path directory;

    @Test
    void readsTheWrappersCodeWithTheFilesTimeAsFinish() throws IOException {
        writeExit("143\n");

        assertThat(ExitTracker.read(directory)).contains(new ExitTracker.Exit(143, "", "", WRITTEN));
    }

    @Test
    void readsALostExitWithItsReasonAndMessage() throws IOException {
        writeExit("137 ContainerStatusUnknown\n");

        ExitTracker.Exit exit = ExitTracker.read(directory).orElseThrow();

        assertThat(exit.code()).isEqualTo(137);
        assertThat(exit.reason()).isEqualTo("ContainerStatusUnknown");
        assertThat(exit.message()).contains("its wrapper was killed");
    }

    @Test
    void noExitWhileTheFileIsMissingEmptyOrNotACode() throws IOException {
        assertThat(ExitTracker.read(directory)).isEmpty();

        writeExit("");
        assertThat(ExitTracker.read(directory)).isEmpty();

        writeExit("killed\n");
        assertThat(ExitTracker.read(directory)).isEmpty();
    }

    private void writeExit(String text) throws IOException {
        Path file = directory.resolve(ExitTracker.EXIT_FILE);
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(WRITTEN));
    }
}
