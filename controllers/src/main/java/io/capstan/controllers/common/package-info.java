/**
 * What the workload controllers share: pod readiness and availability, controller references
 * (ownership, adoption and release), and the expectations that keep a controller from acting twice
 * on changes it has asked for but not yet seen. Pure functions and small thread-safe structures; no
 * I/O.
 */
@NullMarked
package io.capstan.controllers.common;

import org.jspecify.annotations.NullMarked;
