package io.capstan.apiserver.registry;

import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentSpec;
import io.capstan.proto.api.v1.DeploymentStatus;
import io.capstan.proto.api.v1.DeploymentStrategy;
import io.capstan.proto.api.v1.IntOrString;
import io.capstan.proto.api.v1.LabelSelector;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.api.v1.PodTemplateSpec;
import io.capstan.proto.api.v1.ReplicaSet;
import io.capstan.proto.api.v1.ReplicaSetSpec;
import io.capstan.proto.api.v1.ReplicaSetStatus;
import io.capstan.proto.api.v1.RollingUpdateDeployment;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/** Kubernetes' apps validation of ReplicaSets and Deployments: spec, update and status. */
final class WorkloadValidation {
    /** What an unset maxSurge or maxUnavailable means: the default, 25%. */
    static final int DEFAULT_ROLLING_PERCENT = 25;

    private static final FieldPath SPEC = FieldPath.of("spec");
    private static final FieldPath STATUS = FieldPath.of("status");
    private static final Pattern PERCENT = Pattern.compile("[0-9]{1,9}%");

    private WorkloadValidation() {}

    static void replicaSet(ReplicaSet replicaSet, ErrorList errors) {
        ReplicaSetSpec spec = replicaSet.getSpec();
        if (spec.hasReplicas()) {
            errors.notNegative(SPEC.child("replicas"), spec.getReplicas());
        }
        errors.notNegative(SPEC.child("minReadySeconds"), spec.getMinReadySeconds());
        selectorAndTemplate(spec.hasSelector(), spec.getSelector(), spec.hasTemplate(), spec.getTemplate(), errors);
    }

    static void deployment(Deployment deployment, ErrorList errors) {
        DeploymentSpec spec = deployment.getSpec();
        if (spec.hasReplicas()) {
            errors.notNegative(SPEC.child("replicas"), spec.getReplicas());
        }
        selectorAndTemplate(spec.hasSelector(), spec.getSelector(), spec.hasTemplate(), spec.getTemplate(), errors);
        strategy(spec.getStrategy(), SPEC.child("strategy"), errors);
        errors.notNegative(SPEC.child("minReadySeconds"), spec.getMinReadySeconds());
        if (spec.hasRevisionHistoryLimit()) {
            errors.notNegative(SPEC.child("revisionHistoryLimit"), spec.getRevisionHistoryLimit());
        }
        if (spec.hasProgressDeadlineSeconds()) {
            FieldPath deadline = SPEC.child("progressDeadlineSeconds");
            if (spec.getProgressDeadlineSeconds() <= spec.getMinReadySeconds()) {
                errors.add(
                        deadline,
                        "must be greater than spec.minReadySeconds (" + spec.getMinReadySeconds() + "), got "
                                + spec.getProgressDeadlineSeconds());
            }
        }
    }

    /** spec.selector is immutable, as in apps/v1. */
    static void replicaSetUpdate(ReplicaSet updated, ReplicaSet old, ErrorList errors) {
        selectorUpdate(updated.getSpec().getSelector(), old.getSpec().getSelector(), errors);
    }

    static void deploymentUpdate(Deployment updated, Deployment old, ErrorList errors) {
        selectorUpdate(updated.getSpec().getSelector(), old.getSpec().getSelector(), errors);
    }

    private static void selectorUpdate(LabelSelector updated, LabelSelector old, ErrorList errors) {
        if (!updated.equals(old)) {
            errors.immutable(SPEC.child("selector"));
        }
    }

    private static void selectorAndTemplate(
            boolean hasSelector,
            LabelSelector selector,
            boolean hasTemplate,
            PodTemplateSpec template,
            ErrorList errors) {
        FieldPath selectorPath = SPEC.child("selector");
        // as Kubernetes, the template is matched only against a selector that is itself valid
        boolean usableSelector = false;
        if (!hasSelector) {
            errors.required(selectorPath);
        } else {
            int before = errors.size();
            LabelSelectors.validate(selector, selectorPath, errors);
            if (LabelSelectors.isEmpty(selector)) {
                errors.add(selectorPath, "must not be empty (it would select every pod in the namespace)");
            }
            usableSelector = errors.size() == before;
        }
        FieldPath templatePath = SPEC.child("template");
        if (!hasTemplate) {
            errors.required(templatePath);
            return;
        }
        FieldPath labels = templatePath.child("metadata").child("labels");
        MetadataValidation.labels(template.getMetadata().getLabelsMap(), labels, errors);
        MetadataValidation.annotations(
                template.getMetadata().getAnnotationsMap(),
                templatePath.child("metadata").child("annotations"),
                errors);
        if (usableSelector
                && !LabelSelectors.matches(selector, template.getMetadata().getLabelsMap())) {
            errors.add(labels, "must match spec.selector");
        }
        FieldPath podSpec = templatePath.child("spec");
        PodValidation.spec(template.getSpec(), podSpec, errors);
        PodSpec.RestartPolicy restartPolicy = template.getSpec().getRestartPolicy();
        if (restartPolicy == PodSpec.RestartPolicy.RESTART_POLICY_ON_FAILURE
                || restartPolicy == PodSpec.RestartPolicy.RESTART_POLICY_NEVER) {
            errors.add(podSpec.child("restartPolicy"), "must be Always for the pods of a ReplicaSet or Deployment");
        }
    }

    private static void strategy(DeploymentStrategy strategy, FieldPath path, ErrorList errors) {
        errors.specified(path.child("type"), strategy.getType());
        FieldPath rollingUpdatePath = path.child("rollingUpdate");
        switch (strategy.getType()) {
            case TYPE_RECREATE -> {
                if (strategy.hasRollingUpdate()) {
                    errors.add(rollingUpdatePath, "must not be set when type is Recreate");
                }
            }
            case TYPE_ROLLING_UPDATE -> {
                RollingUpdateDeployment rollingUpdate = strategy.getRollingUpdate();
                FieldPath maxUnavailablePath = rollingUpdatePath.child("maxUnavailable");
                OptionalInt maxUnavailable =
                        intOrPercent(rollingUpdate.getMaxUnavailable(), maxUnavailablePath, errors);
                OptionalInt maxSurge =
                        intOrPercent(rollingUpdate.getMaxSurge(), rollingUpdatePath.child("maxSurge"), errors);
                if (rollingUpdate.getMaxUnavailable().hasStrVal()
                        && maxUnavailable.isPresent()
                        && maxUnavailable.getAsInt() > 100) {
                    errors.add(
                            maxUnavailablePath,
                            "must not be greater than 100%, got "
                                    + rollingUpdate.getMaxUnavailable().getStrVal());
                }
                if (maxUnavailable.isPresent()
                        && maxUnavailable.getAsInt() == 0
                        && maxSurge.isPresent()
                        && maxSurge.getAsInt() == 0) {
                    errors.add(maxUnavailablePath, "must not be 0 when maxSurge is 0");
                }
            }
            case TYPE_UNSPECIFIED, UNRECOGNIZED -> {
                // reported above
            }
        }
    }

    /**
     * The number or percentage given, or empty after reporting why it is neither. Unset means the
     * default, 25%.
     */
    private static OptionalInt intOrPercent(IntOrString value, FieldPath path, ErrorList errors) {
        return switch (value.getValueCase()) {
            case INT_VAL -> {
                if (value.getIntVal() < 0) {
                    errors.notNegative(path, value.getIntVal());
                    yield OptionalInt.empty();
                }
                yield OptionalInt.of(value.getIntVal());
            }
            case STR_VAL -> {
                String text = value.getStrVal();
                if (!PERCENT.matcher(text).matches()) {
                    errors.add(path, "must be a number or a percentage such as \"25%\", got \"" + text + "\"");
                    yield OptionalInt.empty();
                }
                yield OptionalInt.of(Integer.parseInt(text.substring(0, text.length() - 1)));
            }
            case VALUE_NOT_SET -> OptionalInt.of(DEFAULT_ROLLING_PERCENT);
        };
    }

    static void replicaSetStatus(ReplicaSetStatus status, ErrorList errors) {
        errors.notNegative(STATUS.child("replicas"), status.getReplicas());
        errors.notNegative(STATUS.child("fullyLabeledReplicas"), status.getFullyLabeledReplicas());
        errors.notNegative(STATUS.child("readyReplicas"), status.getReadyReplicas());
        errors.notNegative(STATUS.child("availableReplicas"), status.getAvailableReplicas());
        errors.notNegative(STATUS.child("observedGeneration"), status.getObservedGeneration());
        atMost("fullyLabeledReplicas", status.getFullyLabeledReplicas(), "replicas", status.getReplicas(), errors);
        atMost("readyReplicas", status.getReadyReplicas(), "replicas", status.getReplicas(), errors);
        atMost("availableReplicas", status.getAvailableReplicas(), "replicas", status.getReplicas(), errors);
        atMost("availableReplicas", status.getAvailableReplicas(), "readyReplicas", status.getReadyReplicas(), errors);
        Conditions.validate(status.getConditionsList(), STATUS.child("conditions"), errors);
    }

    static void deploymentStatus(DeploymentStatus status, DeploymentStatus old, ErrorList errors) {
        errors.notNegative(STATUS.child("observedGeneration"), status.getObservedGeneration());
        errors.notNegative(STATUS.child("replicas"), status.getReplicas());
        errors.notNegative(STATUS.child("updatedReplicas"), status.getUpdatedReplicas());
        errors.notNegative(STATUS.child("readyReplicas"), status.getReadyReplicas());
        errors.notNegative(STATUS.child("availableReplicas"), status.getAvailableReplicas());
        errors.notNegative(STATUS.child("unavailableReplicas"), status.getUnavailableReplicas());
        atMost("updatedReplicas", status.getUpdatedReplicas(), "replicas", status.getReplicas(), errors);
        atMost("readyReplicas", status.getReadyReplicas(), "replicas", status.getReplicas(), errors);
        atMost("availableReplicas", status.getAvailableReplicas(), "replicas", status.getReplicas(), errors);
        atMost("availableReplicas", status.getAvailableReplicas(), "readyReplicas", status.getReadyReplicas(), errors);
        FieldPath collisionCount = STATUS.child("collisionCount");
        if (status.hasCollisionCount()) {
            errors.notNegative(collisionCount, status.getCollisionCount());
        }
        if (old.hasCollisionCount()
                && (!status.hasCollisionCount() || status.getCollisionCount() < old.getCollisionCount())) {
            errors.add(
                    collisionCount,
                    "cannot be decreased or unset, was " + old.getCollisionCount() + ", got "
                            + (status.hasCollisionCount() ? String.valueOf(status.getCollisionCount()) : "unset"));
        }
        Conditions.validateDeployment(status.getConditionsList(), STATUS.child("conditions"), errors);
    }

    private static void atMost(String field, int value, String boundField, int bound, ErrorList errors) {
        if (value > bound) {
            errors.add(STATUS.child(field), "must be <= status." + boundField + " (" + bound + "), got " + value);
        }
    }
}
