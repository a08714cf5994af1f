/**
 * The scheduler: binds each pending pod (no {@code spec.nodeName}) to a node, as kube-scheduler
 * does.
 *
 * <p>The decision is pure and kept apart from the loop. {@link
 * io.capstan.controllers.scheduler.SchedulingAlgorithm} filters the nodes of a {@link
 * io.capstan.controllers.scheduler.ClusterSnapshot} (Ready, schedulable, taints against
 * tolerations, nodeSelector, free host ports, cpu/memory/other requests against allocatable minus
 * what is bound) and scores the feasible ones (least allocated, spreading of one owner's pods,
 * PreferNoSchedule taints). The snapshot is the scheduler's cache: it is updated incrementally from
 * the informers and holds <em>assumed</em> bindings, placed before the API confirms them, so that a
 * burst of pods does not all land on the same node.
 */
@NullMarked
package io.capstan.controllers.scheduler;

import org.jspecify.annotations.NullMarked;
