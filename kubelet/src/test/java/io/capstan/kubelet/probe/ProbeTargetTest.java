package io.capstan.kubelet.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.kubelet.runtime.ContainerConfig.PortMapping;
import io.capstan.proto.api.v1.IntOrString;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeTargetTest {
    private final ProbeTarget target = new ProbeTarget(
            "c1",
            "127.0.0.1",
            List.of(
                    new PortMapping("http", 8080, 31544, "TCP", "127.0.0.1"),
                    new PortMapping("", 9090, 31545, "TCP", "127.0.0.1"),
                    new PortMapping("dns", 53, 31546, "UDP", "127.0.0.1")));

    private static IntOrString number(int port) {
        return IntOrString.newBuilder().setIntVal(port).build();
    }

    private static IntOrString name(String name) {
        return IntOrString.newBuilder().setStrVal(name).build();
    }

    @Test
    void namedPortResolvesToItsHostPort() {
        assertThat(target.hostPort(name("http"))).isEqualTo(31544);
    }

    @Test
    void declaredPortNumberResolvesToItsHostPort() {
        assertThat(target.hostPort(number(8080))).isEqualTo(31544);
        assertThat(target.hostPort(number(9090))).isEqualTo(31545);
    }

    @Test
    void undeclaredPortNumberIsUsedAsIs() {
        assertThat(target.hostPort(number(7000))).isEqualTo(7000);
    }

    @Test
    void numberWrittenAsStringIsReadAsANumber() {
        assertThat(target.hostPort(name("8080"))).isEqualTo(31544);
    }

    @Test
    void udpPortsAreNotProbed() {
        assertThatThrownBy(() -> target.hostPort(name("dns")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port \"dns\" not found among the container's ports");
        assertThat(target.hostPort(number(53))).isEqualTo(53);
    }

    @Test
    void unknownNameUnsetAndOutOfRangePortsAreRejected() {
        assertThatThrownBy(() -> target.hostPort(name("metrics")))
                .hasMessage("port \"metrics\" not found among the container's ports");
        assertThatThrownBy(() -> target.hostPort(IntOrString.getDefaultInstance()))
                .hasMessage("port: not set");
        assertThatThrownBy(() -> target.hostPort(number(0))).hasMessage("invalid port number: 0");
        assertThatThrownBy(() -> target.hostPort(number(65536))).hasMessage("invalid port number: 65536");
    }
}
