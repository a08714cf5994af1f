package io.capstan.kubelet.ingress;

import io.capstan.client.ApiException;
import io.capstan.client.KindClient;
import io.capstan.proto.api.v1.Ingress;
import io.capstan.proto.api.v1.IngressLoadBalancerIngress;
import io.capstan.proto.api.v1.IngressLoadBalancerStatus;
import io.capstan.proto.api.v1.IngressPortStatus;
import io.capstan.proto.api.v1.IngressStatus;
import io.capstan.proto.api.v1.Protocol;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this proxy's address and port into each Ingress's status.loadBalancer.ingress, only when
 * they are not there yet. Entries of other addresses are kept (another host's kubelets serve them)
 * and the list is kept sorted by address, so kubelets that serve the same address and port (several
 * on one host) compute the same status and at most one of them writes; the others see it present.
 * A write that conflicts is dropped: the informer delivers the newer object, which is checked again.
 *
 * <p>Writes run on one thread of their own, never on the informer's.
 */
final class IngressStatusWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IngressStatusWriter.class);

    private final KindClient<Ingress> client;
    private final IngressLoadBalancerIngress own;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ingress-status");
        t.setDaemon(true);
        return t;
    });

    IngressStatusWriter(KindClient<Ingress> client, String address, int port) {
        this.client = client;
        this.own = IngressLoadBalancerIngress.newBuilder()
                .setIp(address)
                .addPorts(IngressPortStatus.newBuilder().setPort(port).setProtocol(Protocol.PROTOCOL_TCP))
                .build();
    }

    /** The status {@code current} should have with this proxy's entry in it. */
    static IngressStatus desired(IngressStatus current, IngressLoadBalancerIngress own) {
        List<IngressLoadBalancerIngress> entries = new ArrayList<>();
        for (IngressLoadBalancerIngress entry : current.getLoadBalancer().getIngressList()) {
            if (!entry.getIp().equals(own.getIp())) {
                entries.add(entry);
            }
        }
        entries.add(own);
        entries.sort(Comparator.comparing(IngressLoadBalancerIngress::getIp)
                .thenComparing(IngressLoadBalancerIngress::getHostname));
        return current.toBuilder()
                .setLoadBalancer(IngressLoadBalancerStatus.newBuilder().addAllIngress(entries))
                .build();
    }

    /** Writes {@code ingress}'s status if this proxy's entry is missing or differs. */
    void ensure(Ingress ingress) {
        if (desired(ingress.getStatus(), own).equals(ingress.getStatus())) {
            return;
        }
        try {
            writer.execute(() -> write(ingress));
        } catch (RejectedExecutionException closed) {
            // stopping
        }
    }

    private void write(Ingress ingress) {
        IngressStatus status = desired(ingress.getStatus(), own);
        if (status.equals(ingress.getStatus())) {
            return;
        }
        try {
            client.updateStatus(ingress.toBuilder().setStatus(status).build());
            log.debug(
                    "Ingress {}/{} served on {}:{}",
                    ingress.getMetadata().getNamespace(),
                    ingress.getMetadata().getName(),
                    own.getIp(),
                    own.getPorts(0).getPort());
        } catch (ApiException e) {
            log.debug(
                    "Status of Ingress {}/{} not written ({}); the next change is checked again",
                    ingress.getMetadata().getNamespace(),
                    ingress.getMetadata().getName(),
                    e.toString());
        }
    }

    @Override
    public void close() {
        writer.shutdownNow();
    }
}
