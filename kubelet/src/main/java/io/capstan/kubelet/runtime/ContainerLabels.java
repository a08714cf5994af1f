package io.capstan.kubelet.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The labels every Capstan container carries, and the identity they encode. A restarted kubelet
 * rebuilds its view of the node from these alone.
 */
public record ContainerLabels(
        String node, String podUid, String podNamespace, String podName, String containerName, int attempt) {

    public static final String NODE = "io.capstan.node";
    public static final String POD_UID = "io.capstan.pod.uid";
    public static final String POD_NAMESPACE = "io.capstan.pod.namespace";
    public static final String POD_NAME = "io.capstan.pod.name";
    public static final String CONTAINER_NAME = "io.capstan.container.name";
    /** 0 for the first run of a container in its pod, then 1, 2, ... : the restart count. */
    public static final String ATTEMPT = "io.capstan.container.attempt";

    public Map<String, String> toMap() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NODE, node);
        labels.put(POD_UID, podUid);
        labels.put(POD_NAMESPACE, podNamespace);
        labels.put(POD_NAME, podName);
        labels.put(CONTAINER_NAME, containerName);
        labels.put(ATTEMPT, Integer.toString(attempt));
        return labels;
    }

    /** The identity in {@code labels}, or null when they are not a complete set of Capstan labels. */
    public static @Nullable ContainerLabels fromMap(Map<String, String> labels) {
        String node = labels.get(NODE);
        String uid = labels.get(POD_UID);
        String namespace = labels.get(POD_NAMESPACE);
        String pod = labels.get(POD_NAME);
        String container = labels.get(CONTAINER_NAME);
        String attempt = labels.get(ATTEMPT);
        if (node == null || uid == null || namespace == null || pod == null || container == null || attempt == null) {
            return null;
        }
        try {
            return new ContainerLabels(node, uid, namespace, pod, container, Integer.parseInt(attempt));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
