/**
 * The ReplicaSet controller: keeps spec.replicas active pods matching the selector, owned through a
 * controller reference; adopts matching orphans and releases pods that stop matching; deletes the
 * pods least worth keeping first ({@link io.capstan.controllers.replicaset.PodRanking}); and never
 * creates twice while its own creations are in flight ({@link
 * io.capstan.controllers.common.Expectations}). The decisions are pure functions here, tested
 * without an API; the controller applies them.
 */
@NullMarked
package io.capstan.controllers.replicaset;

import org.jspecify.annotations.NullMarked;
