package io.capstan.cli.output;

import java.util.ArrayList;
import java.util.List;

/**
 * Rows of cells laid out as kubectl's tables: left-aligned columns, each as wide as its widest
 * cell plus three spaces, the last one unpadded. Not thread-safe.
 */
public final class Table {
    private static final int PADDING = 3;

    private final List<List<String>> rows = new ArrayList<>();

    public Table add(List<String> cells) {
        rows.add(List.copyOf(cells));
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Every row, each ending with a newline. */
    public String render() {
        List<Integer> widths = new ArrayList<>();
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                if (widths.size() <= i) {
                    widths.add(0);
                }
                widths.set(i, Math.max(widths.get(i), row.get(i).length()));
            }
        }
        StringBuilder text = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                line.append(cell);
                if (i < row.size() - 1) {
                    line.append(" ".repeat(widths.get(i) - cell.length() + PADDING));
                }
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
        return text.toString();
    }
}
