package io.capstan.api.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.TypedObject;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class EnumSpellingTest {

    /**
     * Every value of every enum an object can hold, with the spelling Kubernetes uses for it. A new
     * enum value must be added here, so that a value whose derived spelling is wrong fails.
     */
    private static final Map<String, String> EXPECTED = new TreeMap<>(Map.ofEntries(
            Map.entry("capstan.api.v1.LabelSelectorRequirement.Operator.OPERATOR_IN", "In"),
            Map.entry("capstan.api.v1.LabelSelectorRequirement.Operator.OPERATOR_NOT_IN", "NotIn"),
            Map.entry("capstan.api.v1.LabelSelectorRequirement.Operator.OPERATOR_EXISTS", "Exists"),
            Map.entry("capstan.api.v1.LabelSelectorRequirement.Operator.OPERATOR_DOES_NOT_EXIST", "DoesNotExist"),
            Map.entry("capstan.api.v1.ConditionStatus.CONDITION_STATUS_TRUE", "True"),
            Map.entry("capstan.api.v1.ConditionStatus.CONDITION_STATUS_FALSE", "False"),
            Map.entry("capstan.api.v1.ConditionStatus.CONDITION_STATUS_UNKNOWN", "Unknown"),
            Map.entry("capstan.api.v1.Protocol.PROTOCOL_TCP", "TCP"),
            Map.entry("capstan.api.v1.Protocol.PROTOCOL_UDP", "UDP"),
            Map.entry("capstan.api.v1.Protocol.PROTOCOL_SCTP", "SCTP"),
            Map.entry("capstan.api.v1.NamespaceStatus.Phase.PHASE_ACTIVE", "Active"),
            Map.entry("capstan.api.v1.NamespaceStatus.Phase.PHASE_TERMINATING", "Terminating"),
            Map.entry("capstan.api.v1.TaintEffect.TAINT_EFFECT_NO_SCHEDULE", "NoSchedule"),
            Map.entry("capstan.api.v1.TaintEffect.TAINT_EFFECT_PREFER_NO_SCHEDULE", "PreferNoSchedule"),
            Map.entry("capstan.api.v1.TaintEffect.TAINT_EFFECT_NO_EXECUTE", "NoExecute"),
            Map.entry("capstan.api.v1.NodeAddress.Type.TYPE_HOSTNAME", "Hostname"),
            Map.entry("capstan.api.v1.NodeAddress.Type.TYPE_INTERNAL_IP", "InternalIP"),
            Map.entry("capstan.api.v1.NodeAddress.Type.TYPE_EXTERNAL_IP", "ExternalIP"),
            Map.entry("capstan.api.v1.NodeAddress.Type.TYPE_INTERNAL_DNS", "InternalDNS"),
            Map.entry("capstan.api.v1.NodeAddress.Type.TYPE_EXTERNAL_DNS", "ExternalDNS"),
            Map.entry("capstan.api.v1.PodSpec.RestartPolicy.RESTART_POLICY_ALWAYS", "Always"),
            Map.entry("capstan.api.v1.PodSpec.RestartPolicy.RESTART_POLICY_ON_FAILURE", "OnFailure"),
            Map.entry("capstan.api.v1.PodSpec.RestartPolicy.RESTART_POLICY_NEVER", "Never"),
            Map.entry("capstan.api.v1.Container.PullPolicy.PULL_POLICY_ALWAYS", "Always"),
            Map.entry("capstan.api.v1.Container.PullPolicy.PULL_POLICY_IF_NOT_PRESENT", "IfNotPresent"),
            Map.entry("capstan.api.v1.Container.PullPolicy.PULL_POLICY_NEVER", "Never"),
            Map.entry("capstan.api.v1.HttpGetAction.Scheme.SCHEME_HTTP", "HTTP"),
            Map.entry("capstan.api.v1.HttpGetAction.Scheme.SCHEME_HTTPS", "HTTPS"),
            Map.entry("capstan.api.v1.HttpIngressPath.PathType.PATH_TYPE_EXACT", "Exact"),
            Map.entry("capstan.api.v1.HttpIngressPath.PathType.PATH_TYPE_PREFIX", "Prefix"),
            Map.entry(
                    "capstan.api.v1.HttpIngressPath.PathType.PATH_TYPE_IMPLEMENTATION_SPECIFIC",
                    "ImplementationSpecific"),
            Map.entry("capstan.api.v1.Toleration.Operator.OPERATOR_EQUAL", "Equal"),
            Map.entry("capstan.api.v1.Toleration.Operator.OPERATOR_EXISTS", "Exists"),
            Map.entry("capstan.api.v1.EmptyDirVolumeSource.Medium.MEDIUM_MEMORY", "Memory"),
            Map.entry("capstan.api.v1.PodStatus.Phase.PHASE_PENDING", "Pending"),
            Map.entry("capstan.api.v1.PodStatus.Phase.PHASE_RUNNING", "Running"),
            Map.entry("capstan.api.v1.PodStatus.Phase.PHASE_SUCCEEDED", "Succeeded"),
            Map.entry("capstan.api.v1.PodStatus.Phase.PHASE_FAILED", "Failed"),
            Map.entry("capstan.api.v1.PodStatus.Phase.PHASE_UNKNOWN", "Unknown"),
            Map.entry("capstan.api.v1.ServiceSpec.Type.TYPE_CLUSTER_IP", "ClusterIP"),
            Map.entry("capstan.api.v1.ServiceSpec.Type.TYPE_NODE_PORT", "NodePort"),
            Map.entry("capstan.api.v1.ServiceSpec.SessionAffinity.SESSION_AFFINITY_NONE", "None"),
            Map.entry("capstan.api.v1.ServiceSpec.SessionAffinity.SESSION_AFFINITY_CLIENT_IP", "ClientIP"),
            Map.entry("capstan.api.v1.Event.Type.TYPE_NORMAL", "Normal"),
            Map.entry("capstan.api.v1.Event.Type.TYPE_WARNING", "Warning"),
            Map.entry("capstan.api.v1.DeploymentStrategy.Type.TYPE_ROLLING_UPDATE", "RollingUpdate"),
            Map.entry("capstan.api.v1.DeploymentStrategy.Type.TYPE_RECREATE", "Recreate")));

    private static Set<EnumDescriptor> reachableEnums() {
        Set<EnumDescriptor> enums = new LinkedHashSet<>();
        collect(TypedObject.getDescriptor(), enums, new HashSet<>());
        return enums;
    }

    private static void collect(Descriptor type, Set<EnumDescriptor> enums, Set<Descriptor> seen) {
        if (!seen.add(type)) {
            return;
        }
        for (FieldDescriptor field : type.getFields()) {
            if (field.getJavaType() == FieldDescriptor.JavaType.ENUM) {
                enums.add(field.getEnumType());
            } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                collect(field.getMessageType(), enums, seen);
            }
        }
    }

    @Test
    void everyReachableEnumValueHasItsKubernetesSpelling() {
        Map<String, String> derived = new TreeMap<>();
        for (EnumDescriptor type : reachableEnums()) {
            for (EnumValueDescriptor value : type.getValues()) {
                if (value.getNumber() != 0) {
                    derived.put(type.getFullName() + "." + value.getName(), EnumSpelling.of(value));
                }
            }
        }

        assertThat(derived).isEqualTo(EXPECTED);
    }

    @Test
    void everySpellingReadsBackAsItsValue() {
        for (EnumDescriptor type : reachableEnums()) {
            for (EnumValueDescriptor value : type.getValues()) {
                assertThat(EnumSpelling.parse(type, EnumSpelling.of(value)))
                        .as(value.getFullName())
                        .contains(value);
            }
        }
    }

    @Test
    void theZeroValueIsSpelledEmptyAndNoNameReadsAsIt() {
        EnumDescriptor pullPolicy = Container.PullPolicy.getDescriptor();

        assertThat(EnumSpelling.of(Container.PullPolicy.PULL_POLICY_UNSPECIFIED))
                .isEmpty();
        assertThat(EnumSpelling.parse(pullPolicy, "")).contains(pullPolicy.findValueByNumber(0));
        assertThat(EnumSpelling.parse(pullPolicy, "Unspecified")).isEmpty();
        assertThat(EnumSpelling.parse(pullPolicy, "PULL_POLICY_UNSPECIFIED")).isEmpty();
        assertThat(EnumSpelling.parse(pullPolicy, "PULL_POLICY_ALWAYS")).isEmpty();
        assertThat(EnumSpelling.parse(pullPolicy, "always")).isEmpty();
        assertThat(EnumSpelling.spellings(pullPolicy)).containsExactly("Always", "IfNotPresent", "Never");
    }

    @Test
    void generatedEnumsHaveTheirSpelling() {
        assertThat(EnumSpelling.of(PodStatus.Phase.PHASE_RUNNING)).isEqualTo("Running");
    }

    @Test
    void prefixIsTheTypeNameInUpperSnake() {
        assertThat(EnumSpelling.prefix(Container.PullPolicy.getDescriptor())).isEqualTo("PULL_POLICY_");
        assertThat(EnumSpelling.prefix(syntheticEnum("HTTPScheme", "HTTP_SCHEME_UNSPECIFIED")))
                .isEqualTo("HTTP_SCHEME_");
        assertThat(EnumSpelling.prefix(syntheticEnum("Type", "TYPE_UNSPECIFIED")))
                .isEqualTo("TYPE_");
    }

    @Test
    void acronymsStayInCapitals() {
        EnumDescriptor type =
                syntheticEnum("PortKind", "PORT_KIND_UNSPECIFIED", "PORT_KIND_UDP_OVER_SCTP", "PORT_KIND_DNS_IP");

        assertThat(EnumSpelling.spellings(type)).containsExactly("UDPOverSCTP", "DNSIP");
    }

    @Test
    void aValueWithoutThePrefixIsAnErrorInTheProto() {
        EnumDescriptor type = syntheticEnum("Broken", "BROKEN_UNSPECIFIED", "BROKEN_FINE", "OTHER_THING");

        assertThatThrownBy(() -> EnumSpelling.spellings(type))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("OTHER_THING")
                .hasMessageContaining("BROKEN_");
    }

    private static EnumDescriptor syntheticEnum(String name, String... values) {
        EnumDescriptorProto.Builder type = EnumDescriptorProto.newBuilder().setName(name);
        for (int i = 0; i < values.length; i++) {
            type.addValue(
                    EnumValueDescriptorProto.newBuilder().setName(values[i]).setNumber(i));
        }
        FileDescriptorProto file = FileDescriptorProto.newBuilder()
                .setName("synthetic_" + name + ".proto")
                .setPackage("synthetic")
                .setSyntax("proto3")
                .addEnumType(type)
                .build();
        try {
            return FileDescriptor.buildFrom(file, new FileDescriptor[0]).findEnumTypeByName(name);
        } catch (DescriptorValidationException e) {
            throw new IllegalStateException(e);
        }
    }
}
