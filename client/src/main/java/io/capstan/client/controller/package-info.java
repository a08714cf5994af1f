/**
 * The controller pattern: informers map changes to keys, a work queue holds the keys, workers call
 * a {@link io.capstan.client.controller.Reconciler} and requeue with back-off on failure.
 */
@NullMarked
package io.capstan.client.controller;

import org.jspecify.annotations.NullMarked;
