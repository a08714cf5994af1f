package io.capstan.controllers.deployment;

import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentStatus;
import io.capstan.proto.api.v1.DeploymentStrategy;
import io.capstan.proto.api.v1.IntOrString;

/** Builds deployments for tests, defaulted as the API server does. */
final class TestDeployment {
    private final Deployment.Builder deployment = Deployment.newBuilder();

    private TestDeployment(String name) {
        deployment
                .getMetadataBuilder()
                .setNamespace("shop")
                .setName(name)
                .setUid("uid-" + name)
                .setGeneration(1);
        deployment
                .getSpecBuilder()
                .setReplicas(1)
                .setRevisionHistoryLimit(10)
                .setProgressDeadlineSeconds(600)
                .setTemplate(TestRs.template("web:1"));
        deployment.getSpecBuilder().getSelectorBuilder().putMatchLabels("app", "web");
        deployment
                .getSpecBuilder()
                .getStrategyBuilder()
                .setType(DeploymentStrategy.Type.TYPE_ROLLING_UPDATE)
                .getRollingUpdateBuilder()
                .setMaxSurge(IntOrString.newBuilder().setStrVal("25%"))
                .setMaxUnavailable(IntOrString.newBuilder().setStrVal("25%"));
    }

    static TestDeployment named(String name) {
        return new TestDeployment(name);
    }

    TestDeployment replicas(int replicas) {
        deployment.getSpecBuilder().setReplicas(replicas);
        return this;
    }

    TestDeployment image(String image) {
        deployment.getSpecBuilder().setTemplate(TestRs.template(image));
        return this;
    }

    TestDeployment surge(String surge) {
        deployment
                .getSpecBuilder()
                .getStrategyBuilder()
                .getRollingUpdateBuilder()
                .setMaxSurge(intOrString(surge));
        return this;
    }

    TestDeployment unavailable(String unavailable) {
        deployment
                .getSpecBuilder()
                .getStrategyBuilder()
                .getRollingUpdateBuilder()
                .setMaxUnavailable(intOrString(unavailable));
        return this;
    }

    TestDeployment recreate() {
        deployment
                .getSpecBuilder()
                .setStrategy(DeploymentStrategy.newBuilder().setType(DeploymentStrategy.Type.TYPE_RECREATE));
        return this;
    }

    TestDeployment historyLimit(int limit) {
        deployment.getSpecBuilder().setRevisionHistoryLimit(limit);
        return this;
    }

    TestDeployment noProgressDeadline() {
        deployment.getSpecBuilder().clearProgressDeadlineSeconds();
        return this;
    }

    TestDeployment progressDeadline(int seconds) {
        deployment.getSpecBuilder().setProgressDeadlineSeconds(seconds);
        return this;
    }

    TestDeployment paused() {
        deployment.getSpecBuilder().setPaused(true);
        return this;
    }

    TestDeployment generation(long generation) {
        deployment.getMetadataBuilder().setGeneration(generation);
        return this;
    }

    TestDeployment annotation(String key, String value) {
        deployment.getMetadataBuilder().putAnnotations(key, value);
        return this;
    }

    TestDeployment status(DeploymentStatus status) {
        deployment.setStatus(status);
        return this;
    }

    Deployment build() {
        return deployment.build();
    }

    static IntOrString intOrString(String value) {
        return value.matches("-?[0-9]+")
                ? IntOrString.newBuilder().setIntVal(Integer.parseInt(value)).build()
                : IntOrString.newBuilder().setStrVal(value).build();
    }
}
