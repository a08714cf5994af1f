package io.capstan.kubelet.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.kubelet.runtime.OutputSink;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LogRecordTest {
    private static final Instant TIME = Instant.parse("2024-05-01T12:00:00.123456789Z");

    @Test
    void encodesInTheCriFormat() {
        LogRecord record = new LogRecord(TIME, OutputSink.Stream.STDERR, false, bytes("hello world"));

        assertThat(new String(record.encode(), StandardCharsets.UTF_8))
                .isEqualTo("2024-05-01T12:00:00.123456789Z stderr F hello world\n");
    }

    @Test
    void decodesWhatItEncodes() {
        byte[] line = new LogRecord(TIME, OutputSink.Stream.STDOUT, true, bytes("a piece")).encode();

        LogRecord decoded = LogRecord.decode(line, 0, line.length - 1);

        assertThat(decoded).isNotNull();
        assertThat(decoded.time()).isEqualTo(TIME);
        assertThat(decoded.stream()).isEqualTo(OutputSink.Stream.STDOUT);
        assertThat(decoded.partial()).isTrue();
        assertThat(new String(decoded.render(false, true), StandardCharsets.UTF_8))
                .isEqualTo("a piece");
    }

    @Test
    void keepsEmptyLines() {
        byte[] line = new LogRecord(TIME, OutputSink.Stream.STDOUT, false, new byte[0]).encode();

        LogRecord decoded = LogRecord.decode(line, 0, line.length - 1);

        assertThat(decoded).isNotNull();
        assertThat(new String(decoded.render(false, true), StandardCharsets.UTF_8))
                .isEqualTo("\n");
    }

    @Test
    void rendersTheTimeOnlyWhereALineStarts() {
        LogRecord record = new LogRecord(TIME, OutputSink.Stream.STDOUT, false, bytes("rest"));

        assertThat(new String(record.render(true, true), StandardCharsets.UTF_8))
                .isEqualTo("2024-05-01T12:00:00.123456789Z rest\n");
        assertThat(new String(record.render(true, false), StandardCharsets.UTF_8))
                .isEqualTo("rest\n");
    }

    @Test
    void skipsGarbage() {
        byte[] garbage = bytes("not a record at all");
        byte[] torn = bytes("2024-05-01T12:00:00Z stdo");

        assertThat(LogRecord.decode(garbage, 0, garbage.length)).isNull();
        assertThat(LogRecord.decode(torn, 0, torn.length)).isNull();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
