package io.capstan.client.controller;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** What a reconcile asks for next: nothing, or another run after a delay. */
public record Result(@Nullable Duration requeueAfter) {

    public static Result done() {
        return new Result(null);
    }

    public static Result requeueAfter(Duration delay) {
        return new Result(delay);
    }
}
