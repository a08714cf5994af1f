/**
 * The work queue of controllers, as client-go's workqueue: de-duplicating keys, one worker per key
 * at a time, delayed and rate-limited adds.
 */
@NullMarked
package io.capstan.client.workqueue;

import org.jspecify.annotations.NullMarked;
