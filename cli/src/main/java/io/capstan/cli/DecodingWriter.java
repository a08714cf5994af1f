package io.capstan.cli;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Output bytes (a log, a command's stdout) decoded as UTF-8 onto one of the CLI's writers, flushed
 * after every chunk so a followed log shows at once. A character split across two chunks is held
 * back until its rest arrives; malformed bytes become U+FFFD. Thread-safe.
 */
final class DecodingWriter {
    private final PrintWriter out;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    // guarded by this: the start of a character whose other bytes have not come yet (at most 3 bytes)
    private byte[] pending = new byte[0];

    DecodingWriter(PrintWriter out) {
        this.out = out;
    }

    synchronized void write(byte[] data) {
        ByteBuffer in = ByteBuffer.allocate(pending.length + data.length);
        in.put(pending).put(data).flip();
        decode(in, false);
        pending = new byte[in.remaining()];
        in.get(pending);
    }

    /** Writes what is held back (as U+FFFD: the stream ended inside a character) and flushes. */
    synchronized void finish() {
        decode(ByteBuffer.wrap(pending), true);
        pending = new byte[0];
        CharBuffer rest = CharBuffer.allocate(4);
        decoder.flush(rest);
        rest.flip();
        out.append(rest);
        out.flush();
        decoder.reset();
    }

    private void decode(ByteBuffer in, boolean endOfInput) {
        // UTF-8 never decodes to more chars than bytes, plus one for a replacement
        CharBuffer chars = CharBuffer.allocate(in.remaining() + 1);
        decoder.decode(in, chars, endOfInput);
        chars.flip();
        out.append(chars);
        out.flush();
    }
}
