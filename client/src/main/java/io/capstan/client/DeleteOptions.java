package io.capstan.client;

import io.capstan.proto.api.v1.DeleteRequest.PropagationPolicy;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How to delete. Immutable; start from {@link #defaults()}.
 *
 * @param gracePeriod null for the kind's default (a pod's terminationGracePeriodSeconds); zero
 *     removes at once; whole seconds are sent, rounded up
 * @param preconditionUid non-empty: delete only that incarnation of the name (else Conflict)
 * @param preconditionResourceVersion non-empty: delete only if unchanged since (else Conflict)
 * @param propagation what happens to dependents; UNSPECIFIED for the default, background
 */
public record DeleteOptions(
        @Nullable Duration gracePeriod,
        String preconditionUid,
        String preconditionResourceVersion,
        PropagationPolicy propagation) {

    public static DeleteOptions defaults() {
        return new DeleteOptions(null, "", "", PropagationPolicy.PROPAGATION_POLICY_UNSPECIFIED);
    }

    public DeleteOptions withGracePeriod(Duration period) {
        if (period.isNegative()) {
            throw new IllegalArgumentException("gracePeriod: must be >= 0, got " + period);
        }
        return new DeleteOptions(period, preconditionUid, preconditionResourceVersion, propagation);
    }

    public DeleteOptions withPreconditions(String uid, String resourceVersion) {
        return new DeleteOptions(gracePeriod, uid, resourceVersion, propagation);
    }

    public DeleteOptions withPropagation(PropagationPolicy policy) {
        return new DeleteOptions(gracePeriod, preconditionUid, preconditionResourceVersion, policy);
    }
}
