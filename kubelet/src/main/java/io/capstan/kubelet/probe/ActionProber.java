package io.capstan.kubelet.probe;

import io.capstan.kubelet.runtime.ContainerRuntime;
import io.capstan.proto.api.v1.Probe;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's prober: runs a probe's exec command through the container runtime, its HTTP GET
 * (status 200-399 passes; HTTPS without certificate verification; redirects followed on the same
 * host only) or its TCP connect, within the probe's timeout, with Kubernetes' messages.
 */
public final class ActionProber implements Prober {
    private static final Logger log = LoggerFactory.getLogger(ActionProber.class);

    private final ExecProbe exec;
    private final HttpGetProbe httpGet = new HttpGetProbe();
    private final TcpSocketProbe tcpSocket = new TcpSocketProbe();

    public ActionProber(ContainerRuntime runtime) {
        this.exec = new ExecProbe(runtime);
    }

    @Override
    public ProbeResult probe(Probe probe, ProbeTarget target, Duration timeout) {
        try {
            return switch (probe.getActionCase()) {
                case EXEC -> exec.probe(probe.getExec(), target, timeout);
                case HTTP_GET -> httpGet.probe(probe.getHttpGet(), target, timeout);
                case TCP_SOCKET -> tcpSocket.probe(probe.getTcpSocket(), target, timeout);
                case ACTION_NOT_SET -> ProbeResult.unknown("probe has no action (exec, httpGet or tcpSocket)");
            };
        } catch (RuntimeException e) {
            // A runtime's exec may throw for reasons of its own (a Docker API error): the attempt
            // counts as unknown, as Kubernetes' prober treats an error of the probe itself.
            log.debug("Probe of container {} failed to run", target.containerId(), e);
            return ProbeResult.unknown(String.valueOf(e));
        }
    }
}
