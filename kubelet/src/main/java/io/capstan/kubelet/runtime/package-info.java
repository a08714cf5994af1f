/** The container runtime contract and its implementations (Docker, host processes, fake). */
@NullMarked
package io.capstan.kubelet.runtime;

import org.jspecify.annotations.NullMarked;
