/**
 * Startup, liveness and readiness probes, as Kubernetes' prober runs them. {@link
 * io.capstan.kubelet.probe.ActionProber} runs one attempt of a probe's action (exec, HTTP GET, TCP
 * connect); {@link io.capstan.kubelet.probe.ProbeManager} schedules the probes of each running
 * container and turns attempts into state (started, live, ready) with the probe's thresholds;
 * {@link io.capstan.kubelet.probe.ProbeListener} hears of each transition and each failed attempt.
 * The package knows nothing of pod workers: its inputs are a container's {@code Probe} messages
 * and a {@link io.capstan.kubelet.probe.ProbeTarget}, its outputs are listener calls.
 */
@NullMarked
package io.capstan.kubelet.probe;

import org.jspecify.annotations.NullMarked;
