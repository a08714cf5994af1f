package io.capstan.kubelet.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The collector and the segments, with the process's writes simulated by appending to the spools. */
class ContainerLogTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void collectsCompleteLinesAndLeavesAnUnfinishedOneForLater() throws IOException {
        ContainerLog log = new ContainerLog(dir, 1 << 20, 3, CLOCK);
        write("stdout.raw", "one\ntw");

        log.collect(false);
        assertThat(contents(log)).containsExactly("stdout F one");

        write("stdout.raw", "o\n");
        log.collect(false);
        assertThat(contents(log)).containsExactly("stdout F one", "stdout F two");
    }

    @Test
    void takesTheUnfinishedLineWhenTheProcessHasExited() throws IOException {
        ContainerLog log = new ContainerLog(dir, 1 << 20, 3, CLOCK);
        write("stderr.raw", "bye");

        log.collect(true);

        assertThat(contents(log)).containsExactly("stderr P bye");
        assertThat(log.snapshot().finished()).isTrue();
    }

    @Test
    void rotatesIntoAtMostMaxFilesAndTruncatesCollectedSpools() throws IOException {
        ContainerLog log = new ContainerLog(dir, 1024, 3, CLOCK);
        for (int round = 0; round < 20; round++) {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                lines.append("round-").append(round).append("-line-").append(i).append('\n');
            }
            write("stdout.raw", lines.toString());
            log.collect(false);
        }

        ContainerLog.Snapshot snapshot = log.snapshot();
        assertThat(snapshot.starts()).hasSize(3);
        assertThat(snapshot.oldest()).isPositive();
        try (var files = Files.list(dir.resolve("log"))) {
            assertThat(files.toList()).hasSize(3).allMatch(f -> size(f) <= 1024);
        }
        assertThat(contents(log)).last().isEqualTo("stdout F round-19-line-9");
        assertThat(Files.size(dir.resolve("stdout.raw"))).isLessThan(1024);
    }

    @Test
    void aReopenedLogContinuesWhereTheLastOneStopped() throws IOException {
        ContainerLog first = new ContainerLog(dir, 1 << 20, 3, CLOCK);
        write("stdout.raw", "one\n");
        first.collect(false);
        write("stdout.raw", "two\n");

        ContainerLog second = new ContainerLog(dir, 1 << 20, 3, CLOCK);
        second.collect(false);

        assertThat(contents(second)).containsExactly("stdout F one", "stdout F two");
        assertThat(second.snapshot().end()).isEqualTo(first.snapshot().end() * 2);
    }

    @Test
    void splitsLinesLongerThan16KiB() throws IOException {
        ContainerLog log = new ContainerLog(dir, 1 << 20, 3, CLOCK);
        write("stdout.raw", "x".repeat(LogRecord.MAX_CONTENT_BYTES + 5) + "\n");

        log.collect(false);

        List<String> records = contents(log);
        assertThat(records).hasSize(2);
        assertThat(records.get(0))
                .startsWith("stdout P xxx")
                .hasSize("stdout P ".length() + LogRecord.MAX_CONTENT_BYTES);
        assertThat(records.get(1)).isEqualTo("stdout F xxxxx");
    }

    private void write(String spool, String text) throws IOException {
        Files.writeString(
                dir.resolve(spool), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Each record as "stream tag content", oldest first. */
    private static List<String> contents(ContainerLog log) throws IOException {
        List<String> records = new ArrayList<>();
        ContainerLog.Snapshot snapshot = log.snapshot();
        log.read(
                snapshot,
                snapshot.oldest(),
                snapshot.end(),
                record -> records.add(LogRecord.streamName(record.stream()) + " " + (record.partial() ? "P" : "F") + " "
                        + new String(record.render(false, true), StandardCharsets.UTF_8).replace("\n", "")));
        return records;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
