package io.capstan.controllers.gc;

import io.capstan.proto.api.v1.DeleteRequest.PropagationPolicy;
import java.util.Set;

/**
 * What the garbage collector does with one object looked at as a dependent.
 *
 * @param ownerUids for {@link Action#REMOVE_REFERENCES}: the owner references to drop; for {@link
 *     Action#UNBLOCK_AND_DELETE}: those to make non-blocking first
 * @param policy for the deleting actions: the propagation policy of the delete
 */
record Verdict(Action action, Set<String> ownerUids, PropagationPolicy policy) {

    enum Action {
        /** Every owner is there: nothing to do. */
        KEEP,
        /** Some owners remain, others are gone or going: drop the references to the latter. */
        REMOVE_REFERENCES,
        /** No owner remains: delete the object, with {@link #policy()}. */
        DELETE,
        /**
         * As DELETE in the foreground, after making the references to the owners waiting for it
         * non-blocking: one of its own dependents is deleting dependents too, which could wait in a
         * cycle.
         */
        UNBLOCK_AND_DELETE
    }

    static Verdict keep() {
        return new Verdict(Action.KEEP, Set.of(), PropagationPolicy.PROPAGATION_POLICY_UNSPECIFIED);
    }

    static Verdict removeReferences(Set<String> ownerUids) {
        return new Verdict(
                Action.REMOVE_REFERENCES, Set.copyOf(ownerUids), PropagationPolicy.PROPAGATION_POLICY_UNSPECIFIED);
    }

    static Verdict delete(PropagationPolicy policy) {
        return new Verdict(Action.DELETE, Set.of(), policy);
    }

    static Verdict unblockAndDelete(Set<String> ownerUids) {
        return new Verdict(
                Action.UNBLOCK_AND_DELETE, Set.copyOf(ownerUids), PropagationPolicy.PROPAGATION_POLICY_FOREGROUND);
    }
}
