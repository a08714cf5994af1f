/**
 * The Deployment controller: one ReplicaSet per pod template (named {@code <deployment>-<hash>},
 * selecting {@code pod-template-hash=<hash>}), rolled out by RollingUpdate within maxSurge and
 * maxUnavailable or by Recreate, with revisions, history cleanup, rollback, pause, proportional
 * scaling and the Available and Progressing conditions, as Kubernetes' deployment controller. The
 * decisions are pure functions over a deployment and its ReplicaSets; the controller reads them
 * from informers and writes the changes they ask for.
 */
@NullMarked
package io.capstan.controllers.deployment;

import org.jspecify.annotations.NullMarked;
