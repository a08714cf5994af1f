package io.capstan.apiserver.registry;

import io.capstan.proto.api.v1.LabelSelector;
import io.capstan.proto.api.v1.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/** Kubernetes' LabelSelector: its syntax, and whether it matches a set of labels. */
final class LabelSelectors {
    private LabelSelectors() {}

    static void validate(LabelSelector selector, FieldPath path, ErrorList errors) {
        MetadataValidation.labels(selector.getMatchLabelsMap(), path.child("matchLabels"), errors);
        List<LabelSelectorRequirement> expressions = selector.getMatchExpressionsList();
        for (int i = 0; i < expressions.size(); i++) {
            LabelSelectorRequirement requirement = expressions.get(i);
            FieldPath at = path.child("matchExpressions").index(i);
            if (requirement.getKey().isEmpty()) {
                errors.required(at.child("key"));
            } else {
                errors.add(at.child("key"), Names.qualifiedName(requirement.getKey()));
            }
            errors.specified(at.child("operator"), requirement.getOperator());
            FieldPath values = at.child("values");
            switch (requirement.getOperator()) {
                case OPERATOR_IN, OPERATOR_NOT_IN -> {
                    if (requirement.getValuesCount() == 0) {
                        errors.add(values, "required when operator is In or NotIn");
                    }
                }
                case OPERATOR_EXISTS, OPERATOR_DOES_NOT_EXIST -> {
                    if (requirement.getValuesCount() > 0) {
                        errors.add(values, "must be empty when operator is Exists or DoesNotExist");
                    }
                }
                case OPERATOR_UNSPECIFIED, UNRECOGNIZED -> {
                    // reported above
                }
            }
            for (int j = 0; j < requirement.getValuesCount(); j++) {
                errors.add(values.index(j), Names.labelValue(requirement.getValues(j)));
            }
        }
    }

    /** True if the selector has neither labels nor expressions, and so would match everything. */
    static boolean isEmpty(LabelSelector selector) {
        return selector.getMatchLabelsCount() == 0 && selector.getMatchExpressionsCount() == 0;
    }

    /** Whether {@code labels} satisfy every part of {@code selector}; an invalid expression matches nothing. */
    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        for (Map.Entry<String, String> label : selector.getMatchLabelsMap().entrySet()) {
            if (!label.getValue().equals(labels.get(label.getKey()))) {
                return false;
            }
        }
        for (LabelSelectorRequirement requirement : selector.getMatchExpressionsList()) {
            String value = labels.get(requirement.getKey());
            boolean satisfied = switch (requirement.getOperator()) {
                case OPERATOR_IN -> value != null && requirement.getValuesList().contains(value);
                case OPERATOR_NOT_IN ->
                    value == null || !requirement.getValuesList().contains(value);
                case OPERATOR_EXISTS -> value != null;
                case OPERATOR_DOES_NOT_EXIST -> value == null;
                case OPERATOR_UNSPECIFIED, UNRECOGNIZED -> false;
            };
            if (!satisfied) {
                return false;
            }
        }
        return true;
    }
}
