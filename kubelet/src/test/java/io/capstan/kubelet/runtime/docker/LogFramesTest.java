package io.capstan.kubelet.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LogFramesTest {
    private static final String EARLY = "2026-05-01T10:00:00.250000000Z";
    private static final String LATE = "2026-05-01T10:00:00.750000000Z";

    private static Frame frame(StreamType type, String text) {
        return new Frame(type, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void withoutSinceOrTimestampsFramesPassAsTheyAre() {
        LogFrames frames = new LogFrames(null, false);
        CollectingSink sink = new CollectingSink();

        frames.write(frame(StreamType.STDOUT, "out\n"), sink);
        frames.write(frame(StreamType.STDERR, "err\n"), sink);
        frames.write(frame(StreamType.RAW, "tty\n"), sink);

        assertThat(frames.engineTimestamps()).isFalse();
        assertThat(sink.stdout()).isEqualTo("out\ntty\n");
        assertThat(sink.stderr()).isEqualTo("err\n");
    }

    @Test
    void sinceDropsEntriesEarlierInTheSameSecondAndStripsTheTimestamps() {
        LogFrames frames = new LogFrames(Instant.parse("2026-05-01T10:00:00.500Z"), false);
        CollectingSink sink = new CollectingSink();

        frames.write(frame(StreamType.STDOUT, EARLY + " early\n"), sink);
        frames.write(frame(StreamType.STDOUT, LATE + " late\n"), sink);

        assertThat(frames.engineTimestamps()).isTrue();
        assertThat(sink.all()).isEqualTo("late\n");
    }

    @Test
    void timestampsAreKeptWhenAskedFor() {
        LogFrames frames = new LogFrames(null, true);
        CollectingSink sink = new CollectingSink();

        frames.write(frame(StreamType.STDOUT, LATE + " late\n"), sink);

        assertThat(sink.all()).isEqualTo(LATE + " late\n");
    }

    @Test
    void aFrameWithoutATimestampIsPassedOn() {
        LogFrames frames = new LogFrames(Instant.parse("2026-05-01T10:00:00.500Z"), false);
        CollectingSink sink = new CollectingSink();

        frames.write(frame(StreamType.STDOUT, "continued part of a long line\n"), sink);

        assertThat(sink.all()).isEqualTo("continued part of a long line\n");
    }
}
