/**
 * The garbage collector: dependents of deleted owners go (background, foreground or orphan
 * propagation). {@code GarbageCollection} decides over object metadata; {@link
 * io.capstan.controllers.gc.GarbageCollector} runs one collector per watched kind.
 */
package io.capstan.controllers.gc;
