package io.capstan.kubelet.runtime;

/** Kubernetes' image pull policies, already defaulted by the API server. */
public enum PullPolicy {
    ALWAYS,
    IF_NOT_PRESENT,
    NEVER
}
