package io.capstan.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProcessUsageTest {
    private static final String STATUS =
            "Name:\tjava\nVmPeak:\t 5000000 kB\nVmHWM:\t  812340 kB\nVmRSS:\t  700001 kB\n";

    @Test
    void readsKibFieldsOfProcStatus() {
        assertThat(ProcessUsage.parseStatusKiB(STATUS, "VmRSS")).isEqualTo(OptionalLong.of(700001));
        assertThat(ProcessUsage.parseStatusKiB(STATUS, "VmHWM")).isEqualTo(OptionalLong.of(812340));
        assertThat(ProcessUsage.parseStatusKiB(STATUS, "VmSwap")).isEmpty();
    }

    @Test
    void parsesNameEqualsPid() {
        assertThat(ProcessUsage.Watched.parse("server-1=1234")).isEqualTo(new ProcessUsage.Watched("server-1", 1234));
        assertThatThrownBy(() -> ProcessUsage.Watched.parse("server-1")).hasMessageContaining("--process");
        assertThatThrownBy(() -> ProcessUsage.Watched.parse("x=abc")).hasMessageContaining("bad pid");
    }

    @Test
    void measuresThisProcess() {
        ProcessUsage usage = ProcessUsage.start(
                List.of(new ProcessUsage.Watched("self", ProcessHandle.current().pid())));
        List<ProcessUsage.Usage> usages = usage.finish();
        assertThat(usages).singleElement().satisfies(u -> {
            assertThat(u.cpuSeconds()).isGreaterThanOrEqualTo(0);
            assertThat(u.rssEndMiB()).isPositive();
            assertThat(u.hwmMiB()).isGreaterThanOrEqualTo(u.rssEndMiB());
        });
        assertThat(ProcessUsage.fields(usages)).containsKeys("selfCpuSeconds", "selfRssPeakMiB", "selfHwmMiB");
    }
}
