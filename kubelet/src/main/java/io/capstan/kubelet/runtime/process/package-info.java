/**
 * The host-process runtime: containers as plain processes of the node's user, for machines
 * without Docker. {@link io.capstan.kubelet.runtime.process.ProcessRuntime} is the entry point;
 * everything else here is its machinery.
 */
@NullMarked
package io.capstan.kubelet.runtime.process;

import org.jspecify.annotations.NullMarked;
