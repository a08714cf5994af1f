package io.capstan.apiserver.registry;

import static io.capstan.apiserver.registry.PodSpecChanges.WEB;
import static io.capstan.apiserver.registry.PodSpecChanges.podWith;
import static io.capstan.apiserver.registry.PodSpecChanges.webWith;
import static io.capstan.apiserver.registry.ValidationAssertions.assertRejected;
import static io.capstan.apiserver.registry.ValidationAssertions.assertValid;

import io.capstan.proto.api.v1.ExecAction;
import io.capstan.proto.api.v1.HttpGetAction;
import io.capstan.proto.api.v1.HttpHeader;
import io.capstan.proto.api.v1.IntOrString;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.Probe;
import io.capstan.proto.api.v1.TcpSocketAction;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Pod validation of probes: handlers, ports, numbers, and where probes may be set. */
class PodProbeValidationTest {
    private static Pod liveness(UnaryOperator<Probe.Builder> change) {
        return webWith(c -> c.setLivenessProbe(change.apply(c.getLivenessProbe().toBuilder())));
    }

    @Test
    void probesHaveExactlyOneHandler() {
        assertRejected(
                liveness(probe -> probe.clearHttpGet()),
                WEB + ".livenessProbe",
                "must specify exactly one of exec, httpGet or tcpSocket");
        assertValid(liveness(probe -> probe.setTcpSocket(
                TcpSocketAction.newBuilder().setPort(IntOrString.newBuilder().setIntVal(8080)))));
    }

    @Test
    void execProbesHaveACommand() {
        assertRejected(
                liveness(probe -> probe.setExec(ExecAction.getDefaultInstance())),
                WEB + ".livenessProbe.exec.command",
                "required");
    }

    @Test
    void probePortsAreNumbersOrPortNames() {
        assertRejected(
                liveness(probe -> probe.setHttpGet(probe.getHttpGet().toBuilder()
                        .setPort(IntOrString.newBuilder().setIntVal(0)))),
                WEB + ".livenessProbe.httpGet.port",
                "between 1 and 65535");
        assertRejected(
                liveness(probe -> probe.setHttpGet(probe.getHttpGet().toBuilder()
                        .setPort(IntOrString.newBuilder().setStrVal("Not_A_Name")))),
                WEB + ".livenessProbe.httpGet.port",
                "IANA service name");
        assertRejected(
                liveness(
                        probe -> probe.setHttpGet(probe.getHttpGet().toBuilder().clearPort())),
                WEB + ".livenessProbe.httpGet.port",
                "required");
        assertRejected(
                webWith(c -> c.setReadinessProbe(
                        c.getReadinessProbe().toBuilder().setTcpSocket(TcpSocketAction.getDefaultInstance()))),
                WEB + ".readinessProbe.tcpSocket.port",
                "required");
    }

    @Test
    void httpProbesHaveASchemeAndValidHeaderNames() {
        assertRejected(
                liveness(probe -> probe.setHttpGet(
                        probe.getHttpGet().toBuilder().setScheme(HttpGetAction.Scheme.SCHEME_UNSPECIFIED))),
                WEB + ".livenessProbe.httpGet.scheme",
                "required");
        assertValid(liveness(probe -> probe.setHttpGet(probe.getHttpGet().toBuilder()
                .addHttpHeaders(HttpHeader.newBuilder().setName("X-Probe").setValue("1")))));
        assertRejected(
                liveness(probe -> probe.setHttpGet(probe.getHttpGet().toBuilder()
                        .addHttpHeaders(HttpHeader.newBuilder().setName("X Probe")))),
                WEB + ".livenessProbe.httpGet.httpHeaders[0].name",
                "HTTP header name");
    }

    @Test
    void probeNumbersArePositive() {
        assertRejected(
                liveness(probe -> probe.setTimeoutSeconds(0)),
                WEB + ".livenessProbe.timeoutSeconds",
                "must be >= 1, got 0");
        assertRejected(
                liveness(probe -> probe.setPeriodSeconds(-5)),
                WEB + ".livenessProbe.periodSeconds",
                "must be >= 1, got -5");
        assertRejected(
                liveness(probe -> probe.setFailureThreshold(0)),
                WEB + ".livenessProbe.failureThreshold",
                "must be >= 1");
        assertRejected(
                liveness(probe -> probe.setSuccessThreshold(0)),
                WEB + ".livenessProbe.successThreshold",
                "must be >= 1");
        assertRejected(
                liveness(probe -> probe.setInitialDelaySeconds(-1)),
                WEB + ".livenessProbe.initialDelaySeconds",
                "must be >= 0, got -1");
    }

    @Test
    void livenessAndStartupProbesSucceedOnce() {
        assertRejected(
                liveness(probe -> probe.setSuccessThreshold(2)),
                WEB + ".livenessProbe.successThreshold",
                "must be 1 for liveness and startup probes, got 2");
        assertRejected(
                webWith(c -> c.setStartupProbe(c.getStartupProbe().toBuilder().setSuccessThreshold(3))),
                WEB + ".startupProbe.successThreshold",
                "must be 1");
        assertValid(webWith(
                c -> c.setReadinessProbe(c.getReadinessProbe().toBuilder().setSuccessThreshold(3))));
    }

    @Test
    void initContainersHaveNoProbes() {
        assertRejected(
                podWith(spec -> spec.setInitContainers(
                        0,
                        spec.getInitContainers(0).toBuilder()
                                .setReadinessProbe(spec.getContainers(0).getReadinessProbe()))),
                "spec.initContainers[0].readinessProbe",
                "must not be set for init containers");
    }
}
