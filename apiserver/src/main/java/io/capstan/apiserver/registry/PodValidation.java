package io.capstan.apiserver.registry;

import com.google.protobuf.Descriptors.FieldDescriptor;
import io.capstan.api.quantity.Quantity;
import io.capstan.api.quantity.QuantityFormatException;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.ContainerPort;
import io.capstan.proto.api.v1.ContainerStatus;
import io.capstan.proto.api.v1.EnvFromSource;
import io.capstan.proto.api.v1.EnvVar;
import io.capstan.proto.api.v1.EnvVarSource;
import io.capstan.proto.api.v1.HostPortBinding;
import io.capstan.proto.api.v1.KeyToPath;
import io.capstan.proto.api.v1.ObjectFieldSelector;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.ResourceRequirements;
import io.capstan.proto.api.v1.TaintEffect;
import io.capstan.proto.api.v1.Toleration;
import io.capstan.proto.api.v1.Volume;
import io.capstan.proto.api.v1.VolumeMount;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Kubernetes' ValidatePodSpec, ValidatePodUpdate and ValidatePodStatusUpdate, for our PodSpec. */
final class PodValidation {
    /** The env fieldRef paths the kubelet resolves, besides a single label or annotation. */
    static final List<String> FIELD_PATHS = List.of(
            "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "status.hostIP", "status.podIP");

    private static final Set<String> STANDARD_CONTAINER_RESOURCES = Set.of("cpu", "memory", "ephemeral-storage");
    private static final Pattern LABEL_OR_ANNOTATION_PATH =
            Pattern.compile("metadata\\.(labels|annotations)\\['(.*)'\\]");
    private static final int MAX_FILE_MODE = 0777;
    /** Pod spec fields an update may change, under rules of their own. */
    private static final Set<String> UPDATABLE_SPEC_FIELDS =
            Set.of("containers", "init_containers", "tolerations", "node_name");

    private PodValidation() {}

    /** Names that must be unique across the whole pod, gathered while its containers are checked. */
    private record PodScope(
            Set<String> volumes, Set<String> containers, Set<String> portNames, Set<String> hostPorts) {}

    static void pod(Pod pod, ErrorList errors) {
        spec(pod.getSpec(), FieldPath.of("spec"), errors);
    }

    static void spec(PodSpec spec, FieldPath path, ErrorList errors) {
        PodScope scope = new PodScope(
                volumes(spec.getVolumesList(), path.child("volumes"), errors),
                new HashSet<>(),
                new HashSet<>(),
                new HashSet<>());
        for (int i = 0; i < spec.getInitContainersCount(); i++) {
            container(spec.getInitContainers(i), path.child("initContainers").index(i), true, scope, errors);
        }
        if (spec.getContainersCount() == 0) {
            errors.required(path.child("containers"));
        }
        for (int i = 0; i < spec.getContainersCount(); i++) {
            container(spec.getContainers(i), path.child("containers").index(i), false, scope, errors);
        }
        errors.specified(path.child("restartPolicy"), spec.getRestartPolicy());
        if (spec.hasTerminationGracePeriodSeconds()) {
            errors.notNegative(path.child("terminationGracePeriodSeconds"), spec.getTerminationGracePeriodSeconds());
        }
        MetadataValidation.labels(spec.getNodeSelectorMap(), path.child("nodeSelector"), errors);
        if (!spec.getNodeName().isEmpty()) {
            errors.add(path.child("nodeName"), Names.dns1123Subdomain(spec.getNodeName()));
        }
        for (int i = 0; i < spec.getTolerationsCount(); i++) {
            toleration(spec.getTolerations(i), path.child("tolerations").index(i), errors);
        }
    }

    /**
     * As Kubernetes, a pod's spec is fixed once created except for its containers' images and
     * added tolerations. Capstan also lets spec.nodeName go from empty to a node once (the
     * scheduler binds by updating the pod); after that it never changes.
     */
    static void validateUpdate(PodSpec updated, PodSpec old, FieldPath path, ErrorList errors) {
        containersUpdate(updated.getContainersList(), old.getContainersList(), path.child("containers"), errors);
        containersUpdate(
                updated.getInitContainersList(), old.getInitContainersList(), path.child("initContainers"), errors);
        if (!updated.getTolerationsList().containsAll(old.getTolerationsList())) {
            errors.add(
                    path.child("tolerations"),
                    "field is immutable: existing tolerations cannot be changed or removed, only new ones added");
        }
        if (!old.getNodeName().isEmpty() && !updated.getNodeName().equals(old.getNodeName())) {
            errors.immutable(path.child("nodeName"));
        }
        for (FieldDescriptor field : ProtoFields.changedFields(updated, old, UPDATABLE_SPEC_FIELDS)) {
            errors.immutable(path.child(field.getJsonName()));
        }
    }

    private static void containersUpdate(
            List<Container> updated, List<Container> old, FieldPath path, ErrorList errors) {
        if (updated.size() != old.size()) {
            errors.add(path, "field is immutable: containers cannot be added or removed");
            return;
        }
        for (int i = 0; i < updated.size(); i++) {
            Container sameImage =
                    updated.get(i).toBuilder().setImage(old.get(i).getImage()).build();
            if (!sameImage.equals(old.get(i))) {
                errors.add(path.index(i), "field is immutable: only image may change");
            }
        }
    }

    static void status(Pod updated, Pod old, ErrorList errors) {
        PodStatus status = updated.getStatus();
        FieldPath path = FieldPath.of("status");
        errors.specified(path.child("phase"), status.getPhase());
        PodStatus.Phase oldPhase = old.getStatus().getPhase();
        if ((oldPhase == PodStatus.Phase.PHASE_SUCCEEDED || oldPhase == PodStatus.Phase.PHASE_FAILED)
                && status.getPhase() != oldPhase) {
            errors.add(path.child("phase"), "cannot change once the pod has succeeded or failed");
        }
        Conditions.validate(status.getConditionsList(), path.child("conditions"), errors);
        if (!status.getHostIp().isEmpty()) {
            errors.add(path.child("hostIP"), Names.ip(status.getHostIp()));
        }
        if (!status.getPodIp().isEmpty()) {
            errors.add(path.child("podIP"), Names.ip(status.getPodIp()));
        }
        Set<String> initContainers = names(updated.getSpec().getInitContainersList());
        Set<String> containers = names(updated.getSpec().getContainersList());
        containerStatuses(
                status.getInitContainerStatusesList(),
                initContainers,
                "spec.initContainers",
                path.child("initContainerStatuses"),
                errors);
        containerStatuses(
                status.getContainerStatusesList(),
                containers,
                "spec.containers",
                path.child("containerStatuses"),
                errors);
        for (int i = 0; i < status.getHostPortsCount(); i++) {
            HostPortBinding binding = status.getHostPorts(i);
            FieldPath at = path.child("hostPorts").index(i);
            if (!containers.contains(binding.getContainerName())
                    && !initContainers.contains(binding.getContainerName())) {
                errors.add(at.child("containerName"), "no container named \"" + binding.getContainerName() + "\"");
            }
            errors.port(at.child("containerPort"), binding.getContainerPort());
            errors.specified(at.child("protocol"), binding.getProtocol());
            if (!binding.getHostIp().isEmpty()) {
                errors.add(at.child("hostIP"), Names.ip(binding.getHostIp()));
            }
            errors.port(at.child("hostPort"), binding.getHostPort());
        }
    }

    private static void containerStatuses(
            List<ContainerStatus> statuses, Set<String> names, String specField, FieldPath path, ErrorList errors) {
        for (int i = 0; i < statuses.size(); i++) {
            ContainerStatus status = statuses.get(i);
            FieldPath at = path.index(i);
            if (!names.contains(status.getName())) {
                errors.add(at.child("name"), "no container named \"" + status.getName() + "\" in " + specField);
            }
            errors.notNegative(at.child("restartCount"), status.getRestartCount());
        }
    }

    private static Set<String> names(List<Container> containers) {
        Set<String> names = new HashSet<>();
        for (Container container : containers) {
            names.add(container.getName());
        }
        return names;
    }

    private static Set<String> volumes(List<Volume> volumes, FieldPath path, ErrorList errors) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < volumes.size(); i++) {
            Volume volume = volumes.get(i);
            FieldPath at = path.index(i);
            if (volume.getName().isEmpty()) {
                errors.required(at.child("name"));
            } else {
                errors.add(at.child("name"), Names.dns1123Label(volume.getName()));
                if (!names.add(volume.getName())) {
                    errors.duplicate(at.child("name"), volume.getName());
                }
            }
            switch (volume.getSourceCase()) {
                case EMPTY_DIR -> {
                    FieldPath emptyDir = at.child("emptyDir");
                    if (volume.getEmptyDir().getMediumValue() != 0) {
                        errors.specified(
                                emptyDir.child("medium"), volume.getEmptyDir().getMedium());
                    }
                    String sizeLimit = volume.getEmptyDir().getSizeLimit();
                    if (!sizeLimit.isEmpty()) {
                        quantity(sizeLimit, emptyDir.child("sizeLimit"), errors);
                    }
                }
                case CONFIG_MAP -> {
                    FieldPath configMap = at.child("configMap");
                    objectName(volume.getConfigMap().getName(), configMap.child("name"), errors);
                    items(volume.getConfigMap().getItemsList(), configMap.child("items"), errors);
                    if (volume.getConfigMap().hasDefaultMode()) {
                        fileMode(volume.getConfigMap().getDefaultMode(), configMap.child("defaultMode"), errors);
                    }
                }
                case SECRET -> {
                    FieldPath secret = at.child("secret");
                    objectName(volume.getSecret().getSecretName(), secret.child("secretName"), errors);
                    items(volume.getSecret().getItemsList(), secret.child("items"), errors);
                    if (volume.getSecret().hasDefaultMode()) {
                        fileMode(volume.getSecret().getDefaultMode(), secret.child("defaultMode"), errors);
                    }
                }
                case SOURCE_NOT_SET -> errors.add(at, "must specify a volume source: emptyDir, configMap or secret");
            }
        }
        return names;
    }

    private static void items(List<KeyToPath> items, FieldPath path, ErrorList errors) {
        for (int i = 0; i < items.size(); i++) {
            KeyToPath item = items.get(i);
            FieldPath at = path.index(i);
            if (item.getKey().isEmpty()) {
                errors.required(at.child("key"));
            }
            if (item.getPath().isEmpty()) {
                errors.required(at.child("path"));
            } else {
                errors.add(at.child("path"), relativePath(item.getPath()));
            }
            if (item.hasMode()) {
                fileMode(item.getMode(), at.child("mode"), errors);
            }
        }
    }

    private static void fileMode(int mode, FieldPath path, ErrorList errors) {
        if (mode < 0 || mode > MAX_FILE_MODE) {
            errors.add(path, "must be a file mode between 0 and 0777 (511 in decimal), got " + mode);
        }
    }

    private static Optional<String> relativePath(String path) {
        boolean climbs = false;
        for (String element : path.split("/", -1)) {
            climbs |= element.equals("..");
        }
        if (path.startsWith("/") || climbs) {
            return Optional.of("must be a relative path without \"..\", got \"" + path + "\"");
        }
        return Optional.empty();
    }

    private static void container(Container container, FieldPath path, boolean init, PodScope scope, ErrorList errors) {
        FieldPath name = path.child("name");
        if (container.getName().isEmpty()) {
            errors.required(name);
        } else {
            errors.add(name, Names.dns1123Label(container.getName()));
            if (!scope.containers().add(container.getName())) {
                errors.duplicate(name, container.getName());
            }
        }
        FieldPath image = path.child("image");
        if (container.getImage().isEmpty()) {
            errors.required(image);
        } else if (!container.getImage().equals(container.getImage().strip())) {
            errors.add(image, "must not have leading or trailing whitespace, got \"" + container.getImage() + "\"");
        }
        ports(container.getPortsList(), path.child("ports"), scope, errors);
        env(container.getEnvList(), path.child("env"), errors);
        envFrom(container.getEnvFromList(), path.child("envFrom"), errors);
        resources(container.getResources(), path.child("resources"), errors);
        volumeMounts(container.getVolumeMountsList(), path.child("volumeMounts"), scope.volumes(), errors);
        if (init) {
            // Kubernetes allows probes only on init containers that keep running (sidecars), which
            // Capstan does not have
            for (String probe : initContainerProbes(container)) {
                errors.add(path.child(probe), "must not be set for init containers");
            }
        } else {
            if (container.hasLivenessProbe()) {
                ProbeValidation.probe(container.getLivenessProbe(), path.child("livenessProbe"), true, errors);
            }
            if (container.hasReadinessProbe()) {
                ProbeValidation.probe(container.getReadinessProbe(), path.child("readinessProbe"), false, errors);
            }
            if (container.hasStartupProbe()) {
                ProbeValidation.probe(container.getStartupProbe(), path.child("startupProbe"), true, errors);
            }
        }
        errors.specified(path.child("imagePullPolicy"), container.getImagePullPolicy());
    }

    private static List<String> initContainerProbes(Container container) {
        List<String> probes = new ArrayList<>();
        if (container.hasLivenessProbe()) {
            probes.add("livenessProbe");
        }
        if (container.hasReadinessProbe()) {
            probes.add("readinessProbe");
        }
        if (container.hasStartupProbe()) {
            probes.add("startupProbe");
        }
        return probes;
    }

    private static void ports(List<ContainerPort> ports, FieldPath path, PodScope scope, ErrorList errors) {
        for (int i = 0; i < ports.size(); i++) {
            ContainerPort port = ports.get(i);
            FieldPath at = path.index(i);
            if (!port.getName().isEmpty()) {
                errors.add(at.child("name"), Names.ianaServiceName(port.getName()));
                if (!scope.portNames().add(port.getName())) {
                    errors.duplicate(at.child("name"), port.getName());
                }
            }
            errors.port(at.child("containerPort"), port.getContainerPort());
            if (port.getHostPort() != 0) {
                errors.port(at.child("hostPort"), port.getHostPort());
                if (!scope.hostPorts().add(port.getHostPort() + "/" + port.getProtocol())) {
                    errors.duplicate(at.child("hostPort"), port.getHostPort());
                }
            }
            errors.specified(at.child("protocol"), port.getProtocol());
        }
    }

    private static void env(List<EnvVar> env, FieldPath path, ErrorList errors) {
        for (int i = 0; i < env.size(); i++) {
            EnvVar variable = env.get(i);
            FieldPath at = path.index(i);
            if (variable.getName().isEmpty()) {
                errors.required(at.child("name"));
            } else {
                errors.add(at.child("name"), Names.envVarName(variable.getName()));
            }
            if (!variable.hasValueFrom()) {
                continue;
            }
            FieldPath from = at.child("valueFrom");
            if (!variable.getValue().isEmpty()) {
                errors.add(from, "must not be set when value is not empty");
            }
            EnvVarSource source = variable.getValueFrom();
            switch (source.getSourceCase()) {
                case CONFIG_MAP_KEY_REF ->
                    keyRef(
                            source.getConfigMapKeyRef().getName(),
                            source.getConfigMapKeyRef().getKey(),
                            from.child("configMapKeyRef"),
                            errors);
                case SECRET_KEY_REF ->
                    keyRef(
                            source.getSecretKeyRef().getName(),
                            source.getSecretKeyRef().getKey(),
                            from.child("secretKeyRef"),
                            errors);
                case FIELD_REF -> fieldRef(source.getFieldRef(), from.child("fieldRef"), errors);
                case SOURCE_NOT_SET ->
                    errors.add(from, "must specify one of configMapKeyRef, secretKeyRef or fieldRef");
            }
        }
    }

    private static void keyRef(String name, String key, FieldPath path, ErrorList errors) {
        objectName(name, path.child("name"), errors);
        if (key.isEmpty()) {
            errors.required(path.child("key"));
        } else {
            errors.add(path.child("key"), Names.configKey(key));
        }
    }

    private static void fieldRef(ObjectFieldSelector selector, FieldPath path, ErrorList errors) {
        if (selector.getApiVersion().isEmpty()) {
            errors.required(path.child("apiVersion"));
        } else if (!selector.getApiVersion().equals("v1")) {
            errors.add(path.child("apiVersion"), "must be \"v1\", got \"" + selector.getApiVersion() + "\"");
        }
        FieldPath fieldPath = path.child("fieldPath");
        String value = selector.getFieldPath();
        Matcher labelOrAnnotation = LABEL_OR_ANNOTATION_PATH.matcher(value);
        if (value.isEmpty()) {
            errors.required(fieldPath);
        } else if (labelOrAnnotation.matches()) {
            Names.qualifiedName(labelOrAnnotation.group(2))
                    .ifPresent(problem -> errors.add(fieldPath, "key " + problem));
        } else if (!FIELD_PATHS.contains(value)) {
            errors.add(
                    fieldPath,
                    "unsupported field path \"" + value + "\" (supported: " + String.join(", ", FIELD_PATHS)
                            + ", metadata.labels['<key>'], metadata.annotations['<key>'])");
        }
    }

    private static void envFrom(List<EnvFromSource> sources, FieldPath path, ErrorList errors) {
        for (int i = 0; i < sources.size(); i++) {
            EnvFromSource source = sources.get(i);
            FieldPath at = path.index(i);
            if (!source.getPrefix().isEmpty()) {
                errors.add(at.child("prefix"), Names.envVarName(source.getPrefix()));
            }
            switch (source.getSourceCase()) {
                case CONFIG_MAP_REF ->
                    objectName(
                            source.getConfigMapRef().getName(),
                            at.child("configMapRef").child("name"),
                            errors);
                case SECRET_REF ->
                    objectName(
                            source.getSecretRef().getName(),
                            at.child("secretRef").child("name"),
                            errors);
                case SOURCE_NOT_SET -> errors.add(at, "must specify one of configMapRef or secretRef");
            }
        }
    }

    /** The name of a ConfigMap or Secret the pod refers to: required, and a DNS subdomain. */
    private static void objectName(String name, FieldPath path, ErrorList errors) {
        if (name.isEmpty()) {
            errors.required(path);
        } else {
            errors.add(path, Names.dns1123Subdomain(name));
        }
    }

    static void resources(ResourceRequirements resources, FieldPath path, ErrorList errors) {
        Map<String, Quantity> requests = quantities(resources.getRequestsMap(), path.child("requests"), errors);
        Map<String, Quantity> limits = quantities(resources.getLimitsMap(), path.child("limits"), errors);
        for (Map.Entry<String, Quantity> request : requests.entrySet()) {
            Quantity limit = limits.get(request.getKey());
            if (limit != null && request.getValue().compareTo(limit) > 0) {
                errors.add(
                        path.child("requests").key(request.getKey()),
                        "must be less than or equal to the " + request.getKey() + " limit of " + limit + ", got "
                                + request.getValue());
            }
        }
    }

    /** The parseable quantities of {@code values}, in key order; each bad name or quantity is an error. */
    private static Map<String, Quantity> quantities(Map<String, String> values, FieldPath path, ErrorList errors) {
        Map<String, Quantity> parsed = new TreeMap<>();
        for (Map.Entry<String, String> entry : new TreeMap<>(values).entrySet()) {
            FieldPath at = path.key(entry.getKey());
            errors.add(at, containerResourceName(entry.getKey()));
            Quantity quantity = quantity(entry.getValue(), at, errors);
            if (quantity != null) {
                parsed.put(entry.getKey(), quantity);
            }
        }
        return parsed;
    }

    /** {@code text} parsed, or null after reporting why it is not a quantity of at least 0. */
    static @Nullable Quantity quantity(String text, FieldPath path, ErrorList errors) {
        try {
            Quantity quantity = Quantity.parse(text);
            if (quantity.signum() < 0) {
                errors.add(path, "must be >= 0, got " + text);
                return null;
            }
            return quantity;
        } catch (QuantityFormatException e) {
            errors.add(path, e.getMessage());
            return null;
        }
    }

    private static Optional<String> containerResourceName(String name) {
        if (name.contains("/")) {
            return Names.qualifiedName(name).map(problem -> "resource name " + problem);
        }
        if (STANDARD_CONTAINER_RESOURCES.contains(name) || name.startsWith("hugepages-")) {
            return Optional.empty();
        }
        return Optional.of("resource name must be cpu, memory, ephemeral-storage, hugepages-<size> or a"
                + " domain-qualified name such as example.com/gpu, got \"" + name + "\"");
    }

    private static void volumeMounts(List<VolumeMount> mounts, FieldPath path, Set<String> volumes, ErrorList errors) {
        Set<String> mountPaths = new HashSet<>();
        for (int i = 0; i < mounts.size(); i++) {
            VolumeMount mount = mounts.get(i);
            FieldPath at = path.index(i);
            if (mount.getName().isEmpty()) {
                errors.required(at.child("name"));
            } else if (!volumes.contains(mount.getName())) {
                errors.add(at.child("name"), "no volume named \"" + mount.getName() + "\" in the pod's volumes");
            }
            FieldPath mountPath = at.child("mountPath");
            if (mount.getMountPath().isEmpty()) {
                errors.required(mountPath);
            } else if (!mount.getMountPath().startsWith("/")
                    || mount.getMountPath().contains(":")) {
                errors.add(mountPath, "must be an absolute path without ':', got \"" + mount.getMountPath() + "\"");
            } else if (!mountPaths.add(mount.getMountPath())) {
                errors.duplicate(mountPath, mount.getMountPath());
            }
            if (!mount.getSubPath().isEmpty()) {
                errors.add(at.child("subPath"), relativePath(mount.getSubPath()));
            }
        }
    }

    private static void toleration(Toleration toleration, FieldPath path, ErrorList errors) {
        if (!toleration.getKey().isEmpty()) {
            errors.add(path.child("key"), Names.qualifiedName(toleration.getKey()));
        }
        FieldPath operator = path.child("operator");
        errors.specified(operator, toleration.getOperator());
        switch (toleration.getOperator()) {
            case OPERATOR_EQUAL -> {
                if (toleration.getKey().isEmpty()) {
                    errors.add(operator, "must be Exists when key is empty (which matches every taint)");
                }
                errors.add(path.child("value"), Names.labelValue(toleration.getValue()));
            }
            case OPERATOR_EXISTS -> {
                if (!toleration.getValue().isEmpty()) {
                    errors.add(
                            path.child("value"),
                            "must be empty when operator is Exists, got \"" + toleration.getValue() + "\"");
                }
            }
            case OPERATOR_UNSPECIFIED, UNRECOGNIZED -> {
                // reported above
            }
        }
        // an unspecified effect is valid here: it tolerates every effect
        if (toleration.getEffectValue() != 0) {
            errors.specified(path.child("effect"), toleration.getEffect());
        }
        if (toleration.hasTolerationSeconds() && toleration.getEffect() != TaintEffect.TAINT_EFFECT_NO_EXECUTE) {
            errors.add(path.child("effect"), "must be NoExecute when tolerationSeconds is set");
        }
    }
}
