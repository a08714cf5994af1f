package io.capstan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DecodingWriterTest {
    private final StringWriter text = new StringWriter();
    private final DecodingWriter writer = new DecodingWriter(new PrintWriter(text));

    @Test
    void aCharacterSplitAcrossChunksIsWrittenWhole() {
        byte[] bytes = "née ✓\n".getBytes(StandardCharsets.UTF_8);
        // cut inside "é" (2 bytes) and inside "✓" (3 bytes)
        writer.write(Arrays.copyOfRange(bytes, 0, 2));
        assertThat(text.toString()).isEqualTo("n");
        writer.write(Arrays.copyOfRange(bytes, 2, 6));
        writer.write(Arrays.copyOfRange(bytes, 6, bytes.length));
        writer.finish();

        assertThat(text.toString()).isEqualTo("née ✓\n");
    }

    @Test
    void aStreamEndingInsideACharacterEndsWithAReplacement() {
        writer.write(new byte[] {'o', 'k', (byte) 0xE2, (byte) 0x9C});
        writer.finish();

        assertThat(text.toString()).isEqualTo("ok\uFFFD");
    }
}
