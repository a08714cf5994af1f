package io.capstan.apiserver.registry;

import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.DeploymentCondition;
import io.capstan.proto.api.v1.NodeCondition;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** Status conditions: each has a type and a status, and a type appears at most once per object. */
final class Conditions {
    private Conditions() {}

    static void validate(List<Condition> conditions, FieldPath path, ErrorList errors) {
        validate(conditions, Condition::getType, Condition::getStatus, path, errors);
    }

    static void validateNode(List<NodeCondition> conditions, FieldPath path, ErrorList errors) {
        validate(conditions, NodeCondition::getType, NodeCondition::getStatus, path, errors);
    }

    static void validateDeployment(List<DeploymentCondition> conditions, FieldPath path, ErrorList errors) {
        validate(conditions, DeploymentCondition::getType, DeploymentCondition::getStatus, path, errors);
    }

    private static <C> void validate(
            List<C> conditions,
            Function<C, String> type,
            Function<C, ConditionStatus> status,
            FieldPath path,
            ErrorList errors) {
        Set<String> types = new HashSet<>();
        for (int i = 0; i < conditions.size(); i++) {
            C condition = conditions.get(i);
            FieldPath at = path.index(i);
            String conditionType = type.apply(condition);
            if (conditionType.isEmpty()) {
                errors.required(at.child("type"));
            } else if (!types.add(conditionType)) {
                errors.duplicate(at.child("type"), conditionType);
            }
            errors.specified(at.child("status"), status.apply(condition));
        }
    }
}
