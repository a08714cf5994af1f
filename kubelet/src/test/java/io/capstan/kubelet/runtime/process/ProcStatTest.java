package io.capstan.kubelet.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcStatTest {

    @Test
    void parsesTheFieldsAfterACommandNameWithSpacesAndParentheses() {
        String line = "4242 (my (odd) name) S 1 4240 4240 0 -1 4194560 95 0 0 0 0 0 0 0 20 0 1 0 987654 2453504 "
                + "218 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";

        ProcStat stat = ProcStat.parse(line);

        assertThat(stat).isEqualTo(new ProcStat(4242, 'S', 4240, 987654));
        assertThat(stat.isDead()).isFalse();
    }

    @Test
    void aZombieCountsAsDead() {
        ProcStat stat = ProcStat.parse("7 (sleep) Z 1 7 7 0 -1 4227084 95 0 0 0 0 0 0 0 20 0 1 0 555 0 0");

        assertThat(stat).isNotNull();
        assertThat(stat.isDead()).isTrue();
    }

    @Test
    void rejectsWhatIsNoStatLine() {
        assertThat(ProcStat.parse("")).isNull();
        assertThat(ProcStat.parse("12 (x) S 1 2")).isNull();
        assertThat(ProcStat.parse("abc (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20"))
                .isNull();
    }

    @Test
    void readsTheRunningJvmAndTellsAReusedPidByItsStartTime() {
        long self = ProcessHandle.current().pid();
        ProcStat stat = ProcStat.read(self).orElseThrow();

        assertThat(stat.pid()).isEqualTo(self);
        assertThat(ProcStat.isAlive(self, stat.startTicks())).isTrue();
        assertThat(ProcStat.isAlive(self, 0)).isTrue();
        assertThat(ProcStat.isAlive(self, stat.startTicks() + 1)).isFalse();
    }
}
