package io.capstan.apiserver.registry;

import io.capstan.api.quantity.Quantity;
import io.capstan.api.quantity.QuantityFormatException;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.ContainerPort;
import io.capstan.proto.api.v1.EmptyDirVolumeSource;
import io.capstan.proto.api.v1.EnvVar;
import io.capstan.proto.api.v1.HttpGetAction;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.Probe;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.ResourceRequirements;
import io.capstan.proto.api.v1.Toleration;
import io.capstan.proto.api.v1.Volume;
import java.util.Map;

/** Kubernetes' SetDefaults_PodSpec, SetDefaults_Container and friends, for our PodSpec. */
final class PodDefaults {
    static final long TERMINATION_GRACE_PERIOD_SECONDS = 30;
    /** 0644, the mode of the files of configMap and secret volumes. */
    static final int VOLUME_DEFAULT_MODE = 0644;

    static final int PROBE_TIMEOUT_SECONDS = 1;
    static final int PROBE_PERIOD_SECONDS = 10;
    static final int PROBE_SUCCESS_THRESHOLD = 1;
    static final int PROBE_FAILURE_THRESHOLD = 3;

    private PodDefaults() {}

    /**
     * The defaults of a pod's spec, also used for the pod templates of ReplicaSets and
     * Deployments. Includes Kubernetes' SetDefaults_Pod rule that a resource with a limit but no
     * request gets the limit as its request (Kubernetes applies it to pods only; applying it to a
     * template yields the same pods). Quantities that parse are rewritten in canonical form, as
     * Kubernetes stores them ("0.5" becomes "500m").
     */
    static PodSpec spec(PodSpec spec) {
        PodSpec.Builder builder = spec.toBuilder();
        if (builder.getRestartPolicy() == PodSpec.RestartPolicy.RESTART_POLICY_UNSPECIFIED) {
            builder.setRestartPolicy(PodSpec.RestartPolicy.RESTART_POLICY_ALWAYS);
        }
        if (!builder.hasTerminationGracePeriodSeconds()) {
            builder.setTerminationGracePeriodSeconds(TERMINATION_GRACE_PERIOD_SECONDS);
        }
        for (int i = 0; i < builder.getInitContainersCount(); i++) {
            builder.setInitContainers(i, container(builder.getInitContainers(i)));
        }
        for (int i = 0; i < builder.getContainersCount(); i++) {
            builder.setContainers(i, container(builder.getContainers(i)));
        }
        for (int i = 0; i < builder.getVolumesCount(); i++) {
            builder.setVolumes(i, volume(builder.getVolumes(i)));
        }
        for (int i = 0; i < builder.getTolerationsCount(); i++) {
            Toleration toleration = builder.getTolerations(i);
            if (toleration.getOperator() == Toleration.Operator.OPERATOR_UNSPECIFIED) {
                builder.setTolerations(i, toleration.toBuilder().setOperator(Toleration.Operator.OPERATOR_EQUAL));
            }
        }
        return builder.build();
    }

    /** The protocol of the host port bindings the kubelet reports. */
    static PodStatus status(PodStatus status) {
        PodStatus.Builder builder = status.toBuilder();
        for (int i = 0; i < builder.getHostPortsCount(); i++) {
            if (builder.getHostPorts(i).getProtocol() == Protocol.PROTOCOL_UNSPECIFIED) {
                builder.setHostPorts(i, builder.getHostPorts(i).toBuilder().setProtocol(Protocol.PROTOCOL_TCP));
            }
        }
        return builder.build();
    }

    private static Container container(Container container) {
        Container.Builder builder = container.toBuilder();
        if (builder.getImagePullPolicy() == Container.PullPolicy.PULL_POLICY_UNSPECIFIED) {
            builder.setImagePullPolicy(pullPolicy(builder.getImage()));
        }
        for (int i = 0; i < builder.getPortsCount(); i++) {
            ContainerPort port = builder.getPorts(i);
            if (port.getProtocol() == Protocol.PROTOCOL_UNSPECIFIED) {
                builder.setPorts(i, port.toBuilder().setProtocol(Protocol.PROTOCOL_TCP));
            }
        }
        for (int i = 0; i < builder.getEnvCount(); i++) {
            EnvVar variable = builder.getEnv(i);
            if (variable.getValueFrom().hasFieldRef()
                    && variable.getValueFrom().getFieldRef().getApiVersion().isEmpty()) {
                EnvVar.Builder defaulted = variable.toBuilder();
                defaulted.getValueFromBuilder().getFieldRefBuilder().setApiVersion("v1");
                builder.setEnv(i, defaulted);
            }
        }
        if (builder.hasResources()) {
            builder.setResources(resources(builder.getResources()));
        }
        if (builder.hasLivenessProbe()) {
            builder.setLivenessProbe(probe(builder.getLivenessProbe()));
        }
        if (builder.hasReadinessProbe()) {
            builder.setReadinessProbe(probe(builder.getReadinessProbe()));
        }
        if (builder.hasStartupProbe()) {
            builder.setStartupProbe(probe(builder.getStartupProbe()));
        }
        return builder.build();
    }

    /**
     * Always for an image tagged ":latest" or not tagged at all (without a digest), else
     * IfNotPresent, as Kubernetes decides from the reference's tag.
     */
    static Container.PullPolicy pullPolicy(String image) {
        if (image.isEmpty()) {
            return Container.PullPolicy.PULL_POLICY_IF_NOT_PRESENT;
        }
        int at = image.indexOf('@');
        boolean hasDigest = at >= 0;
        String name = hasDigest ? image.substring(0, at) : image;
        int colon = name.lastIndexOf(':');
        // a colon before the last '/' belongs to a registry's port, e.g. localhost:5000/app
        String tag = colon > name.lastIndexOf('/') ? name.substring(colon + 1) : "";
        if (tag.isEmpty() && !hasDigest) {
            tag = "latest";
        }
        return tag.equals("latest")
                ? Container.PullPolicy.PULL_POLICY_ALWAYS
                : Container.PullPolicy.PULL_POLICY_IF_NOT_PRESENT;
    }

    private static ResourceRequirements resources(ResourceRequirements resources) {
        ResourceRequirements.Builder builder = ResourceRequirements.newBuilder();
        for (Map.Entry<String, String> limit : resources.getLimitsMap().entrySet()) {
            builder.putLimits(limit.getKey(), canonicalQuantity(limit.getValue()));
        }
        for (Map.Entry<String, String> request : resources.getRequestsMap().entrySet()) {
            builder.putRequests(request.getKey(), canonicalQuantity(request.getValue()));
        }
        for (Map.Entry<String, String> limit : builder.getLimitsMap().entrySet()) {
            if (!builder.containsRequests(limit.getKey())) {
                builder.putRequests(limit.getKey(), limit.getValue());
            }
        }
        return builder.build();
    }

    /** {@code text} in canonical form, or as written if it is not a quantity (validation reports it). */
    static String canonicalQuantity(String text) {
        try {
            return Quantity.parse(text).toString();
        } catch (QuantityFormatException e) {
            return text;
        }
    }

    private static Probe probe(Probe probe) {
        Probe.Builder builder = probe.toBuilder();
        if (!builder.hasTimeoutSeconds()) {
            builder.setTimeoutSeconds(PROBE_TIMEOUT_SECONDS);
        }
        if (!builder.hasPeriodSeconds()) {
            builder.setPeriodSeconds(PROBE_PERIOD_SECONDS);
        }
        if (!builder.hasSuccessThreshold()) {
            builder.setSuccessThreshold(PROBE_SUCCESS_THRESHOLD);
        }
        if (!builder.hasFailureThreshold()) {
            builder.setFailureThreshold(PROBE_FAILURE_THRESHOLD);
        }
        if (builder.hasHttpGet()) {
            HttpGetAction.Builder httpGet = builder.getHttpGetBuilder();
            if (httpGet.getPath().isEmpty()) {
                httpGet.setPath("/");
            }
            if (httpGet.getScheme() == HttpGetAction.Scheme.SCHEME_UNSPECIFIED) {
                httpGet.setScheme(HttpGetAction.Scheme.SCHEME_HTTP);
            }
        }
        return builder.build();
    }

    private static Volume volume(Volume volume) {
        Volume.Builder builder = volume.toBuilder();
        switch (builder.getSourceCase()) {
            case SOURCE_NOT_SET -> builder.setEmptyDir(EmptyDirVolumeSource.getDefaultInstance());
            case EMPTY_DIR -> {
                if (!builder.getEmptyDir().getSizeLimit().isEmpty()) {
                    builder.getEmptyDirBuilder()
                            .setSizeLimit(
                                    canonicalQuantity(builder.getEmptyDir().getSizeLimit()));
                }
            }
            case CONFIG_MAP -> {
                if (!builder.getConfigMap().hasDefaultMode()) {
                    builder.getConfigMapBuilder().setDefaultMode(VOLUME_DEFAULT_MODE);
                }
            }
            case SECRET -> {
                if (!builder.getSecret().hasDefaultMode()) {
                    builder.getSecretBuilder().setDefaultMode(VOLUME_DEFAULT_MODE);
                }
            }
        }
        return builder.build();
    }
}
