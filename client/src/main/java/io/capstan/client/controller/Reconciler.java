package io.capstan.client.controller;

import io.capstan.client.ObjectKey;

/**
 * Drives the object named by {@code key} toward its spec. Must be idempotent: a second run with
 * the same cache changes nothing. Reads come from informers' caches; writes go through the API
 * with the object's resourceVersion. Throwing means "retry this key with back-off".
 */
@FunctionalInterface
public interface Reconciler {
    Result reconcile(ObjectKey key) throws Exception;
}
