/**
 * The node lifecycle controller: nodes whose kubelet stops renewing its Lease go Unknown and are
 * tainted, and their pods are evicted as their tolerations run out. Decisions ({@code Heartbeats},
 * {@code NodeHealth}, {@code NodeTaints}, {@code Evictions}, {@code PodActions}) are pure and take
 * the time as an argument; {@link io.capstan.controllers.nodelifecycle.NodeLifecycleController} is
 * the loop.
 */
package io.capstan.controllers.nodelifecycle;
