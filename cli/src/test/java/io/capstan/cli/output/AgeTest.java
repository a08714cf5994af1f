package io.capstan.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgeTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0s",
        "5, 5s",
        "119, 119s",
        "120, 2m",
        "200, 3m20s",
        "600, 10m",
        "10799, 179m",
        "10800, 3h",
        "11700, 3h15m",
        "28800, 8h",
        "172799, 47h",
        "172800, 2d",
        "183600, 2d3h",
        "691200, 8d",
        "63072000, 2y",
        "63158400, 2y1d",
        "252288000, 8y",
        "-1, 0s",
        "-5, <invalid>"
    })
    void formatsAsKubectl(long seconds, String expected) {
        assertThat(Age.format(Duration.ofSeconds(seconds))).isEqualTo(expected);
    }

    @Test
    void measuresFromATimestampAndKnowsUnset() {
        Instant now = Instant.parse("2026-01-02T03:04:05Z");
        Timestamp created = Timestamp.newBuilder()
                .setSeconds(now.minusSeconds(4 * 86400).getEpochSecond())
                .build();
        assertThat(Age.since(created, now)).isEqualTo("4d");
        assertThat(Age.since(Timestamp.getDefaultInstance(), now)).isEqualTo("<unknown>");
    }
}
