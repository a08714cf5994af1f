package io.capstan.controllers.alerts;

import java.time.Duration;

/**
 * How alerts are retried.
 *
 * @param initialBackoff the wait after the first failed attempt, doubled after each further one
 * @param maxBackoff the longest wait between attempts
 */
public record AlertConfig(Duration initialBackoff, Duration maxBackoff) {
    public static AlertConfig defaults() {
        return new AlertConfig(Duration.ofSeconds(1), Duration.ofSeconds(60));
    }
}
