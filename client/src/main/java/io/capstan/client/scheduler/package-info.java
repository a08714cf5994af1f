/**
 * Injected time: a {@link io.capstan.client.scheduler.Scheduler} tells the time and runs tasks
 * later, one at a time. Everything in the client that waits, backs off, resyncs or heartbeats takes
 * one, so unit tests step a manual one instead of sleeping.
 */
@NullMarked
package io.capstan.client.scheduler;

import org.jspecify.annotations.NullMarked;
