package io.capstan.kubelet.pod;

import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.EnvFromSource;
import io.capstan.proto.api.v1.EnvVar;
import io.capstan.proto.api.v1.EnvVarSource;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.Secret;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServicePort;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A container's environment as Kubernetes builds it: envFrom sources first (prefix + key, keys that
 * are not variable names skipped), then env entries in order (literal values with $(VAR) expanded
 * against the variables before them; values from ConfigMap and Secret keys and from pod fields),
 * later entries winning. A missing ConfigMap, Secret or key that is not optional is a {@link
 * ConfigException} naming it, as kubelet's "configmap \"x\" not found".
 */
final class Environment {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern BRACKETED = Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]");

    private Environment() {}

    /**
     * @param base variables set before the spec's (the pod's host ports, HOSTNAME, service
     *     variables): the spec's entries override them
     */
    static Map<String, String> of(Pod pod, Container container, ConfigSource config, Map<String, String> base)
            throws ConfigException {
        String namespace = pod.getMetadata().getNamespace();
        Map<String, String> env = new LinkedHashMap<>(base);
        for (EnvFromSource from : container.getEnvFromList()) {
            Map<String, String> values;
            if (from.hasConfigMapRef()) {
                Optional<ConfigMap> map =
                        config.configMap(namespace, from.getConfigMapRef().getName());
                if (map.isEmpty()) {
                    if (from.getConfigMapRef().getOptional()) {
                        continue;
                    }
                    throw new ConfigException(
                            "configmap \"" + from.getConfigMapRef().getName() + "\" not found");
                }
                values = configMapData(map.get());
            } else {
                Optional<Secret> secret =
                        config.secret(namespace, from.getSecretRef().getName());
                if (secret.isEmpty()) {
                    if (from.getSecretRef().getOptional()) {
                        continue;
                    }
                    throw new ConfigException("secret \"" + from.getSecretRef().getName() + "\" not found");
                }
                values = secretData(secret.get());
            }
            values.forEach((key, value) -> {
                String name = from.getPrefix() + key;
                if (NAME.matcher(name).matches()) {
                    env.put(name, value);
                }
            });
        }
        for (EnvVar var : container.getEnvList()) {
            if (var.hasValueFrom()) {
                String value = valueFrom(pod, var.getName(), var.getValueFrom(), config);
                if (value != null) {
                    env.put(var.getName(), value);
                }
            } else {
                env.put(var.getName(), expand(var.getValue(), env));
            }
        }
        return env;
    }

    /**
     * Kubernetes' service variables (its envvars.FromServices) for {@code services}, the Services
     * of the pod's namespace when its container starts: for each with a ClusterIP (not headless,
     * allocated), {@code <NAME>_SERVICE_HOST}, {@code <NAME>_SERVICE_PORT} (the first port), {@code
     * <NAME>_SERVICE_PORT_<PORTNAME>} for each named port, and Docker's link variables: {@code
     * <NAME>_PORT=tcp://ip:port} (the first port) and, per port, {@code <NAME>_PORT_<port>_TCP} with
     * its {@code _PROTO}, {@code _PORT} and {@code _ADDR}. NAME is the service's (or port's) name
     * upper-cased with dashes turned to underscores. In the order of the services' names.
     */
    static Map<String, String> serviceVariables(List<Service> services) {
        Map<String, String> env = new LinkedHashMap<>();
        List<Service> sorted = new ArrayList<>(services);
        sorted.sort(Comparator.comparing(s -> s.getMetadata().getName()));
        for (Service service : sorted) {
            String ip = service.getSpec().getClusterIp();
            List<ServicePort> ports = service.getSpec().getPortsList();
            if (ip.isEmpty() || ip.equals("None") || ports.isEmpty()) {
                continue;
            }
            String prefix = variableName(service.getMetadata().getName());
            env.put(prefix + "_SERVICE_HOST", ip);
            env.put(prefix + "_SERVICE_PORT", Integer.toString(ports.get(0).getPort()));
            for (ServicePort port : ports) {
                if (!port.getName().isEmpty()) {
                    env.put(prefix + "_SERVICE_PORT_" + variableName(port.getName()), Integer.toString(port.getPort()));
                }
            }
            for (int i = 0; i < ports.size(); i++) {
                ServicePort port = ports.get(i);
                String protocol = switch (port.getProtocol()) {
                    case PROTOCOL_UDP -> "udp";
                    case PROTOCOL_SCTP -> "sctp";
                    case PROTOCOL_TCP, PROTOCOL_UNSPECIFIED, UNRECOGNIZED -> "tcp";
                };
                String url = protocol + "://" + ip + ":" + port.getPort();
                if (i == 0) {
                    env.put(prefix + "_PORT", url);
                }
                String portPrefix = prefix + "_PORT_" + port.getPort() + "_" + protocol.toUpperCase(Locale.ROOT);
                env.put(portPrefix, url);
                env.put(portPrefix + "_PROTO", protocol);
                env.put(portPrefix + "_PORT", Integer.toString(port.getPort()));
                env.put(portPrefix + "_ADDR", ip);
            }
        }
        return env;
    }

    private static String variableName(String name) {
        return name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** {@code command} or {@code args} with $(VAR) expanded against {@code env}. */
    static List<String> expandAll(List<String> values, Map<String, String> env) {
        List<String> expanded = new ArrayList<>(values.size());
        for (String value : values) {
            expanded.add(expand(value, env));
        }
        return expanded;
    }

    /**
     * Kubernetes' expansion: {@code $(NAME)} becomes the variable's value when it is defined and is
     * left as written when not; {@code $$} is a literal {@code $}, so {@code $$(NAME)} stays
     * {@code $(NAME)}.
     */
    static String expand(String value, Map<String, String> env) {
        if (value.indexOf('$') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '$' && i + 1 < value.length()) {
                char next = value.charAt(i + 1);
                if (next == '$') {
                    out.append('$');
                    i += 2;
                    continue;
                }
                if (next == '(') {
                    int close = value.indexOf(')', i + 2);
                    if (close > 0) {
                        String name = value.substring(i + 2, close);
                        String replacement = env.get(name);
                        out.append(replacement != null ? replacement : value.substring(i, close + 1));
                        i = close + 1;
                        continue;
                    }
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private static @org.jspecify.annotations.Nullable String valueFrom(
            Pod pod, String name, EnvVarSource source, ConfigSource config) throws ConfigException {
        String namespace = pod.getMetadata().getNamespace();
        switch (source.getSourceCase()) {
            case CONFIG_MAP_KEY_REF -> {
                var ref = source.getConfigMapKeyRef();
                Optional<ConfigMap> map = config.configMap(namespace, ref.getName());
                if (map.isEmpty()) {
                    if (ref.getOptional()) {
                        return null;
                    }
                    throw new ConfigException("configmap \"" + ref.getName() + "\" not found");
                }
                String value = configMapData(map.get()).get(ref.getKey());
                if (value == null && !ref.getOptional()) {
                    throw new ConfigException(
                            "couldn't find key " + ref.getKey() + " in ConfigMap " + namespace + "/" + ref.getName());
                }
                return value;
            }
            case SECRET_KEY_REF -> {
                var ref = source.getSecretKeyRef();
                Optional<Secret> secret = config.secret(namespace, ref.getName());
                if (secret.isEmpty()) {
                    if (ref.getOptional()) {
                        return null;
                    }
                    throw new ConfigException("secret \"" + ref.getName() + "\" not found");
                }
                String value = secretData(secret.get()).get(ref.getKey());
                if (value == null && !ref.getOptional()) {
                    throw new ConfigException(
                            "couldn't find key " + ref.getKey() + " in Secret " + namespace + "/" + ref.getName());
                }
                return value;
            }
            case FIELD_REF -> {
                return fieldValue(pod, source.getFieldRef().getFieldPath());
            }
            default -> throw new ConfigException("env " + name + ": valueFrom has no source");
        }
    }

    static String fieldValue(Pod pod, String path) throws ConfigException {
        var matcher = BRACKETED.matcher(path);
        if (matcher.matches()) {
            Map<String, String> map = matcher.group(1).equals("labels")
                    ? pod.getMetadata().getLabelsMap()
                    : pod.getMetadata().getAnnotationsMap();
            return map.getOrDefault(matcher.group(2), "");
        }
        return switch (path) {
            case "metadata.name" -> pod.getMetadata().getName();
            case "metadata.namespace" -> pod.getMetadata().getNamespace();
            case "metadata.uid" -> pod.getMetadata().getUid();
            case "spec.nodeName" -> pod.getSpec().getNodeName();
            case "status.hostIP" -> pod.getStatus().getHostIp();
            case "status.podIP" -> pod.getStatus().getPodIp();
            default -> throw new ConfigException("unsupported fieldRef " + path);
        };
    }

    static Map<String, String> configMapData(ConfigMap map) {
        Map<String, String> data = new LinkedHashMap<>(map.getDataMap());
        map.getBinaryDataMap().forEach((k, v) -> data.putIfAbsent(k, v.toString(StandardCharsets.UTF_8)));
        return data;
    }

    static Map<String, String> secretData(Secret secret) {
        Map<String, String> data = new LinkedHashMap<>();
        secret.getDataMap().forEach((k, v) -> data.put(k, v.toString(StandardCharsets.UTF_8)));
        secret.getStringDataMap().forEach(data::putIfAbsent);
        return data;
    }
}
