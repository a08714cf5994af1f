package io.capstan.kubelet.probe;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.kubelet.runtime.ContainerConfig.PortMapping;
import io.capstan.kubelet.runtime.fake.FakeRuntime;
import io.capstan.proto.api.v1.IntOrString;
import io.capstan.proto.api.v1.Probe;
import io.capstan.proto.api.v1.TcpSocketAction;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TCP probes against listening and closed ports on 127.0.0.1. */
class TcpSocketProbeIT {
    private final ActionProber prober = new ActionProber(new FakeRuntime("node-1", Clock.systemUTC()));

    private static Probe tcp(IntOrString port) {
        return Probe.newBuilder()
                .setTcpSocket(TcpSocketAction.newBuilder().setPort(port))
                .build();
    }

    private static IntOrString number(int port) {
        return IntOrString.newBuilder().setIntVal(port).build();
    }

    @Test
    void listeningPortPasses() throws IOException {
        try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ProbeTarget target = new ProbeTarget("c1", "127.0.0.1", List.of());

            assertThat(prober.probe(tcp(number(listening.getLocalPort())), target, ofSeconds(5)))
                    .isEqualTo(ProbeResult.success(""));
        }
    }

    @Test
    void closedPortIsRefused() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        ProbeTarget target = new ProbeTarget("c1", "127.0.0.1", List.of());

        assertThat(prober.probe(tcp(number(closed)), target, ofSeconds(5)))
                .isEqualTo(ProbeResult.failure("dial tcp 127.0.0.1:" + closed + ": connect: connection refused"));
    }

    @Test
    void namedPortConnectsToItsHostPort() throws IOException {
        try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ProbeTarget target = new ProbeTarget(
                    "c1",
                    "127.0.0.1",
                    List.of(new PortMapping("db", 5432, listening.getLocalPort(), "TCP", "127.0.0.1")));

            assertThat(prober.probe(tcp(IntOrString.newBuilder().setStrVal("db").build()), target, ofSeconds(5))
                            .passed())
                    .isTrue();
            assertThat(prober.probe(tcp(number(5432)), target, ofSeconds(5)).passed())
                    .isTrue();
        }
    }

    @Test
    void unknownNamedPortIsUnknown() {
        ProbeTarget target = new ProbeTarget("c1", "127.0.0.1", List.of());

        assertThat(prober.probe(tcp(IntOrString.newBuilder().setStrVal("db").build()), target, ofSeconds(5)))
                .isEqualTo(ProbeResult.unknown("port \"db\" not found among the container's ports"));
    }

    @Test
    void probeHostOverridesThePodAddress() throws IOException {
        try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ProbeTarget target = new ProbeTarget("c1", "127.0.0.99", List.of());
            Probe probe = Probe.newBuilder()
                    .setTcpSocket(
                            TcpSocketAction.newBuilder().setHost("127.0.0.1").setPort(number(listening.getLocalPort())))
                    .build();

            assertThat(prober.probe(probe, target, ofSeconds(5)).passed()).isTrue();
        }
    }
}
