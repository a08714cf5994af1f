package io.capstan.kubelet.runtime.docker;

import io.capstan.kubelet.runtime.ContainerLabels;

/**
 * The readable name a container gets on the engine, for {@code docker ps}:
 * {@code capstan_<namespace>_<pod>_<container>_<attempt>_<first 8 characters of the pod uid>}, e.g.
 * {@code capstan_default_web-7d9f_nginx_0_3f1c2a9b}. Unique per pod instance and attempt, so a
 * create retried after a lost answer collides with its own leftover instead of making a second
 * container. The labels, not the name, are the identity the runtime reads back.
 */
final class ContainerNames {
    static final String PREFIX = "capstan_";

    private ContainerNames() {}

    static String of(ContainerLabels labels) {
        String uid = labels.podUid().replace("-", "");
        return PREFIX
                + clean(labels.podNamespace())
                + "_"
                + clean(labels.podName())
                + "_"
                + clean(labels.containerName())
                + "_"
                + labels.attempt()
                + "_"
                + clean(uid.length() > 8 ? uid.substring(0, 8) : uid);
    }

    /** Docker names allow [a-zA-Z0-9_.-]; Kubernetes names already fit, anything else becomes '-'. */
    private static String clean(String part) {
        StringBuilder out = new StringBuilder(part.length());
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            boolean allowed =
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
            out.append(allowed ? c : '-');
        }
        return out.length() == 0 ? "-" : out.toString();
    }
}
