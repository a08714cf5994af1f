package io.capstan.kubelet.pod;

import io.capstan.client.ApiException;
import io.capstan.client.ConflictException;
import io.capstan.client.KindClient;
import io.capstan.client.NotFoundException;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a pod's status through the API. A conflict reads the pod afresh and tries again, up to
 * {@value #ATTEMPTS} times in all; nothing is written when the stored status already is the one
 * wanted, when the pod is gone or has been replaced by another of the same name (another uid), or
 * when the API fails otherwise (logged; the worker's next sync writes again).
 */
final class PodStatusWriter {
    private static final Logger log = LoggerFactory.getLogger(PodStatusWriter.class);
    static final int ATTEMPTS = 5;

    private final KindClient<Pod> pods;

    PodStatusWriter(KindClient<Pod> pods) {
        this.pods = pods;
    }

    /** Writes {@code status} onto {@code pod}; the pod as stored after the write, or empty when none was made. */
    Optional<Pod> write(Pod pod, PodStatus status) {
        String uid = pod.getMetadata().getUid();
        Pod current = pod;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (current.getStatus().equals(status)) {
                return Optional.empty();
            }
            try {
                return Optional.of(
                        pods.updateStatus(current.toBuilder().setStatus(status).build()));
            } catch (ConflictException e) {
                try {
                    current = pods.get(
                            current.getMetadata().getNamespace(),
                            current.getMetadata().getName());
                } catch (NotFoundException gone) {
                    return Optional.empty();
                }
                if (!current.getMetadata().getUid().equals(uid)) {
                    return Optional.empty();
                }
            } catch (NotFoundException e) {
                return Optional.empty();
            } catch (ApiException e) {
                log.warn(
                        "Pod {}/{}: status not written: {}",
                        pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName(),
                        String.valueOf(e.getMessage()));
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
