package io.capstan.apiserver.registry;

import static io.capstan.apiserver.registry.ValidationAssertions.assertRejected;
import static io.capstan.apiserver.registry.ValidationAssertions.assertValid;

import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentSpec;
import io.capstan.proto.api.v1.DeploymentStrategy;
import io.capstan.proto.api.v1.IntOrString;
import io.capstan.proto.api.v1.LabelSelector;
import io.capstan.proto.api.v1.LabelSelectorRequirement;
import io.capstan.proto.api.v1.LabelSelectorRequirement.Operator;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.api.v1.ReplicaSet;
import io.capstan.proto.api.v1.ReplicaSetSpec;
import io.capstan.proto.api.v1.RollingUpdateDeployment;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class WorkloadValidationTest {

    private static ReplicaSet replicaSetWith(UnaryOperator<ReplicaSetSpec.Builder> change) {
        ReplicaSet replicaSet = Fixtures.replicaSet();
        return replicaSet.toBuilder()
                .setSpec(change.apply(replicaSet.getSpec().toBuilder()))
                .build();
    }

    private static Deployment deploymentWith(UnaryOperator<DeploymentSpec.Builder> change) {
        Deployment deployment = Fixtures.deployment();
        return deployment.toBuilder()
                .setSpec(change.apply(deployment.getSpec().toBuilder()))
                .build();
    }

    private static LabelSelectorRequirement.Builder requirement(String key, Operator operator, String... values) {
        LabelSelectorRequirement.Builder requirement =
                LabelSelectorRequirement.newBuilder().setKey(key).setOperator(operator);
        for (String value : values) {
            requirement.addValues(value);
        }
        return requirement;
    }

    @Test
    void replicasAreNotNegative() {
        assertValid(replicaSetWith(spec -> spec.setReplicas(0)));
        assertRejected(replicaSetWith(spec -> spec.setReplicas(-1)), "spec.replicas", "must be >= 0, got -1");
        assertRejected(deploymentWith(spec -> spec.setReplicas(-2)), "spec.replicas", "must be >= 0, got -2");
    }

    @Test
    void minReadySecondsAreNotNegative() {
        assertRejected(
                replicaSetWith(spec -> spec.setMinReadySeconds(-1)), "spec.minReadySeconds", "must be >= 0, got -1");
    }

    @Test
    void selectorIsRequiredAndNotEmpty() {
        assertRejected(replicaSetWith(ReplicaSetSpec.Builder::clearSelector), "spec.selector", "required");
        assertRejected(
                deploymentWith(spec -> spec.setSelector(LabelSelector.getDefaultInstance())),
                "spec.selector",
                "must not be empty");
    }

    @Test
    void selectorMustMatchTheTemplateLabels() {
        assertRejected(
                deploymentWith(
                        spec -> spec.setSelector(LabelSelector.newBuilder().putMatchLabels("app", "api"))),
                "spec.template.metadata.labels",
                "must match spec.selector");
        assertRejected(
                replicaSetWith(spec -> spec.setSelector(spec.getSelector().toBuilder()
                        .addMatchExpressions(requirement("tier", Operator.OPERATOR_NOT_IN, "frontend")))),
                "spec.template.metadata.labels",
                "must match spec.selector");
        assertValid(replicaSetWith(spec -> spec.setSelector(spec.getSelector().toBuilder()
                .addMatchExpressions(requirement("tier", Operator.OPERATOR_EXISTS))
                .addMatchExpressions(requirement("legacy", Operator.OPERATOR_DOES_NOT_EXIST))
                .addMatchExpressions(requirement("track", Operator.OPERATOR_NOT_IN, "canary")))));
    }

    @Test
    void selectorExpressionsNeedAKeyAnOperatorAndFittingValues() {
        assertRejected(
                deploymentWith(spec -> spec.setSelector(
                        spec.getSelector().toBuilder().addMatchExpressions(requirement("", Operator.OPERATOR_EXISTS)))),
                "spec.selector.matchExpressions[0].key",
                "required");
        assertRejected(
                deploymentWith(spec -> spec.setSelector(spec.getSelector().toBuilder()
                        .addMatchExpressions(requirement("tier", Operator.OPERATOR_UNSPECIFIED)))),
                "spec.selector.matchExpressions[0].operator",
                "required");
        assertRejected(
                deploymentWith(spec -> spec.setSelector(
                        spec.getSelector().toBuilder().addMatchExpressions(requirement("tier", Operator.OPERATOR_IN)))),
                "spec.selector.matchExpressions[0].values",
                "required when operator is In or NotIn");
        assertRejected(
                deploymentWith(spec -> spec.setSelector(spec.getSelector().toBuilder()
                        .addMatchExpressions(requirement("tier", Operator.OPERATOR_EXISTS, "frontend")))),
                "spec.selector.matchExpressions[0].values",
                "must be empty when operator is Exists or DoesNotExist");
        assertRejected(
                deploymentWith(spec -> spec.setSelector(spec.getSelector().toBuilder()
                        .addMatchExpressions(requirement("tier", Operator.OPERATOR_NOT_IN, "-bad")))),
                "spec.selector.matchExpressions[0].values[0]",
                "label value");
    }

    @Test
    void selectorLabelsUseLabelSyntax() {
        assertRejected(
                deploymentWith(
                        spec -> spec.setSelector(LabelSelector.newBuilder().putMatchLabels("app", "web app"))),
                "spec.selector.matchLabels[app]",
                "label value");
    }

    @Test
    void templateIsRequired() {
        assertRejected(replicaSetWith(ReplicaSetSpec.Builder::clearTemplate), "spec.template", "required");
    }

    @Test
    void templateLabelsAreValidLabels() {
        assertRejected(
                deploymentWith(spec -> spec.setTemplate(spec.getTemplate().toBuilder()
                        .setMetadata(
                                spec.getTemplate().getMetadata().toBuilder().putLabels("bad key", "x")))),
                "spec.template.metadata.labels[bad key]",
                "key ");
    }

    @Test
    void templateSpecIsValidatedAsAPodSpecUnderItsPath() {
        assertRejected(
                deploymentWith(spec -> spec.setTemplate(spec.getTemplate().toBuilder()
                        .setSpec(spec.getTemplate().getSpec().toBuilder()
                                .setContainers(
                                        0,
                                        spec.getTemplate().getSpec().getContainers(0).toBuilder()
                                                .clearImage())))),
                "spec.template.spec.containers[0].image",
                "required");
    }

    @Test
    void templatePodsRestartAlways() {
        assertRejected(
                replicaSetWith(spec -> spec.setTemplate(spec.getTemplate().toBuilder()
                        .setSpec(spec.getTemplate().getSpec().toBuilder()
                                .setRestartPolicy(PodSpec.RestartPolicy.RESTART_POLICY_NEVER)))),
                "spec.template.spec.restartPolicy",
                "must be Always");
    }

    private static Deployment rollingUpdate(IntOrString.Builder maxUnavailable, IntOrString.Builder maxSurge) {
        return deploymentWith(spec -> spec.setStrategy(DeploymentStrategy.newBuilder()
                .setType(DeploymentStrategy.Type.TYPE_ROLLING_UPDATE)
                .setRollingUpdate(RollingUpdateDeployment.newBuilder()
                        .setMaxUnavailable(maxUnavailable)
                        .setMaxSurge(maxSurge))));
    }

    private static IntOrString.Builder number(int value) {
        return IntOrString.newBuilder().setIntVal(value);
    }

    private static IntOrString.Builder text(String value) {
        return IntOrString.newBuilder().setStrVal(value);
    }

    @Test
    void strategyTypeMustBeSpecifiedAfterDefaulting() {
        assertRejected(
                deploymentWith(spec -> spec.setStrategy(DeploymentStrategy.getDefaultInstance())),
                "spec.strategy.type",
                "required");
    }

    @Test
    void recreateHasNoRollingUpdateParameters() {
        assertValid(deploymentWith(spec ->
                spec.setStrategy(DeploymentStrategy.newBuilder().setType(DeploymentStrategy.Type.TYPE_RECREATE))));
        assertRejected(
                deploymentWith(spec -> spec.setStrategy(
                        spec.getStrategy().toBuilder().setType(DeploymentStrategy.Type.TYPE_RECREATE))),
                "spec.strategy.rollingUpdate",
                "must not be set when type is Recreate");
    }

    @Test
    void maxSurgeAndMaxUnavailableAreNumbersOrPercentages() {
        assertValid(rollingUpdate(number(0), text("100%")));
        assertValid(rollingUpdate(text("0%"), number(2)));
        assertRejected(
                rollingUpdate(number(-1), number(1)),
                "spec.strategy.rollingUpdate.maxUnavailable",
                "must be >= 0, got -1");
        assertRejected(
                rollingUpdate(number(1), text("25")),
                "spec.strategy.rollingUpdate.maxSurge",
                "must be a number or a percentage such as \"25%\", got \"25\"");
        assertRejected(rollingUpdate(number(1), text("a%")), "spec.strategy.rollingUpdate.maxSurge", "percentage");
    }

    @Test
    void maxUnavailableIsAtMost100Percent() {
        assertRejected(
                rollingUpdate(text("101%"), number(1)),
                "spec.strategy.rollingUpdate.maxUnavailable",
                "must not be greater than 100%, got 101%");
    }

    @Test
    void maxSurgeAndMaxUnavailableAreNotBothZero() {
        assertRejected(
                rollingUpdate(number(0), text("0%")),
                "spec.strategy.rollingUpdate.maxUnavailable",
                "must not be 0 when maxSurge is 0");
        assertValid(rollingUpdate(number(0), number(1)));
    }

    @Test
    void unsetRollingParametersMeanTheDefault() {
        assertValid(deploymentWith(spec -> spec.setStrategy(spec.getStrategy().toBuilder()
                .setRollingUpdate(RollingUpdateDeployment.newBuilder().setMaxSurge(number(0))))));
    }

    @Test
    void revisionHistoryLimitIsNotNegative() {
        assertValid(deploymentWith(spec -> spec.setRevisionHistoryLimit(0)));
        assertRejected(
                deploymentWith(spec -> spec.setRevisionHistoryLimit(-1)),
                "spec.revisionHistoryLimit",
                "must be >= 0, got -1");
    }

    @Test
    void progressDeadlineExceedsMinReadySeconds() {
        assertRejected(
                deploymentWith(spec -> spec.setProgressDeadlineSeconds(5)),
                "spec.progressDeadlineSeconds",
                "must be greater than spec.minReadySeconds (5), got 5");
        assertValid(deploymentWith(spec -> spec.setProgressDeadlineSeconds(6)));
    }
}
