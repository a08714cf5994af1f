package io.capstan.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void padsEachColumnToItsWidestCellPlusThreeSpaces() {
        String text = new Table()
                .add(List.of("NAME", "READY", "AGE"))
                .add(List.of("web-1", "1/1", "5s"))
                .add(List.of("a", "10/10", "3m"))
                .render();
        assertThat(text).isEqualTo("""
                NAME    READY   AGE
                web-1   1/1     5s
                a       10/10   3m
                """);
    }

    @Test
    void leavesNoTrailingSpaces() {
        assertThat(new Table().add(List.of("NAME", "")).add(List.of("x", "")).render())
                .isEqualTo("NAME\nx\n");
    }
}
