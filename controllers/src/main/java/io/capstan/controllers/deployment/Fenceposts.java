package io.capstan.controllers.deployment;

import io.capstan.controllers.common.Replicas;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentStrategy;
import io.capstan.proto.api.v1.IntOrString;
import io.capstan.proto.api.v1.RollingUpdateDeployment;

/**
 * The bounds of a rolling update in pods: how many may exist above spec.replicas ({@code
 * maxSurge}) and how many may be unavailable below it ({@code maxUnavailable}), as Kubernetes'
 * ResolveFenceposts. Percentages are of spec.replicas; surge rounds up and unavailable rounds down,
 * so 25% of 10 is a surge of 3 and an unavailability of 2. If both come to 0, unavailability is 1
 * (surge alone might never fit a quota). Recreate has neither.
 */
public record Fenceposts(int maxSurge, int maxUnavailable) {
    /** What an unset maxSurge or maxUnavailable means. */
    static final String DEFAULT = "25%";

    /**
     * The deployment's bounds. maxUnavailable is at most spec.replicas, and 0 when spec.replicas
     * is 0.
     *
     * @throws IllegalArgumentException if a value is a string but not a percentage, naming the
     *     field
     */
    public static Fenceposts of(Deployment deployment) {
        DeploymentStrategy strategy = deployment.getSpec().getStrategy();
        if (strategy.getType() == DeploymentStrategy.Type.TYPE_RECREATE) {
            return new Fenceposts(0, 0);
        }
        int replicas = Replicas.of(deployment);
        RollingUpdateDeployment rolling = strategy.getRollingUpdate();
        int surge = scaled(rolling.getMaxSurge(), replicas, true, "spec.strategy.rollingUpdate.maxSurge");
        int unavailable =
                scaled(rolling.getMaxUnavailable(), replicas, false, "spec.strategy.rollingUpdate.maxUnavailable");
        if (surge == 0 && unavailable == 0) {
            unavailable = 1;
        }
        if (replicas == 0) {
            unavailable = 0;
        }
        return new Fenceposts(surge, Math.min(unavailable, replicas));
    }

    /**
     * {@code value} as a number of pods out of {@code total}: a number as it is, a percentage of
     * {@code total} rounded up or down; unset is {@value #DEFAULT}. As Kubernetes'
     * GetScaledValueFromIntOrPercent.
     */
    static int scaled(IntOrString value, int total, boolean roundUp, String field) {
        if (value.getValueCase() == IntOrString.ValueCase.INT_VAL) {
            return value.getIntVal();
        }
        String text = value.getValueCase() == IntOrString.ValueCase.STR_VAL ? value.getStrVal() : DEFAULT;
        if (!text.endsWith("%")) {
            throw new IllegalArgumentException(field + ": must be an integer or a percentage, got \"" + text + "\"");
        }
        long percent;
        try {
            percent = Long.parseLong(text.substring(0, text.length() - 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": must be an integer or a percentage, got \"" + text + "\"", e);
        }
        long product = percent * total;
        long result = roundUp ? -Math.floorDiv(-product, 100L) : Math.floorDiv(product, 100L);
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, result));
    }
}
