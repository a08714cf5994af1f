package io.capstan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.manifest.Manifests;
import io.capstan.client.Kind;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.TypedObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CONTAINER=IMAGE arguments of set image, and what they do to an object. */
class ContainerImagesTest {
    private static final TypedObject DEPLOYMENT = Manifests.readYaml("""
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: web, namespace: d}
                    spec:
                      selector: {matchLabels: {app: web}}
                      template:
                        metadata: {labels: {app: web}}
                        spec:
                          initContainers: [{name: setup, image: busybox:1}]
                          containers: [{name: main, image: nginx:1}, {name: side, image: envoy:1}]
                    """).get(0);
    private static final ObjectRef REF = new ObjectRef(ResourceType.of(Kind.DEPLOYMENT), "web");

    @Test
    void parsesPairsAndTheirOrder() {
        ContainerImages images = ContainerImages.parse(List.of("main=nginx:1.27", "side=registry:5000/envoy:2"));

        assertThat(images.images())
                .containsExactly(Map.entry("main", "nginx:1.27"), Map.entry("side", "registry:5000/envoy:2"));
        assertThat(images.imageFor("main")).isEqualTo("nginx:1.27");
        assertThat(images.imageFor("other")).isNull();
    }

    @Test
    void refusesHalfPairsRepeatsAndNothing() {
        assertThatThrownBy(() -> ContainerImages.parse(List.of("=nginx")))
                .hasMessage("invalid image update \"=nginx\": the container name is empty");
        assertThatThrownBy(() -> ContainerImages.parse(List.of("main=")))
                .hasMessage("invalid image update \"main=\": the image is empty");
        assertThatThrownBy(() -> ContainerImages.parse(List.of("main=a", "main=b")))
                .hasMessage("container \"main\" is given more than once");
        assertThatThrownBy(() -> ContainerImages.parse(List.of()))
                .hasMessage("at least one image update is required (CONTAINER=IMAGE)");
    }

    @Test
    void setsTheNamedContainersOfATemplate() {
        TypedObject updated = SetImageCommand.withImages(
                DEPLOYMENT, ContainerImages.parse(List.of("side=envoy:2", "setup=busybox:2")), REF);

        var spec = updated.getDeployment().getSpec().getTemplate().getSpec();
        assertThat(spec.getContainersList()).extracting(Container::getImage).containsExactly("nginx:1", "envoy:2");
        assertThat(spec.getInitContainers(0).getImage()).isEqualTo("busybox:2");
    }

    @Test
    void starSetsEveryContainer() {
        TypedObject updated = SetImageCommand.withImages(DEPLOYMENT, ContainerImages.parse(List.of("*=x:9")), REF);

        var spec = updated.getDeployment().getSpec().getTemplate().getSpec();
        assertThat(spec.getContainersList()).extracting(Container::getImage).containsExactly("x:9", "x:9");
        assertThat(spec.getInitContainers(0).getImage()).isEqualTo("x:9");
    }

    @Test
    void aContainerTheObjectLacksIsAnError() {
        assertThatThrownBy(() ->
                        SetImageCommand.withImages(DEPLOYMENT, ContainerImages.parse(List.of("main=a", "nope=b")), REF))
                .hasMessage("deployment/web: unable to find container named \"nope\"");
    }
}
