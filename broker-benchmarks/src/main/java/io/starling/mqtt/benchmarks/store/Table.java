package io.starling.mqtt.benchmarks.store;

import java.util.ArrayList;
import java.util.List;

/** A Markdown table, printed as the decision record shows it. */
final class Table {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        this.header = header;
    }

    void row(Object... cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException(cells.length + " cells for " + header.length + " columns");
        }
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = String.valueOf(cells[i]);
        }
        rows.add(r);
    }

    String markdown() {
        StringBuilder b = new StringBuilder();
        line(b, header);
        b.append('|');
        for (int i = 0; i < header.length; i++) {
            b.append(" --- |");
        }
        b.append('\n');
        for (String[] r : rows) {
            line(b, r);
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String[] cells) {
        b.append('|');
        for (String c : cells) {
            b.append(' ').append(c).append(" |");
        }
        b.append('\n');
    }

    static String ms(double nanos) {
        double ms = nanos / 1e6;
        return ms >= 100 ? String.format("%.0f", ms) : ms >= 10 ? String.format("%.1f", ms) : String.format("%.2f", ms);
    }

    static String mb(long bytes) {
        double mb = bytes / (1024.0 * 1024.0);
        return mb >= 10 ? String.format("%.0f", mb) : String.format("%.1f", mb);
    }

    static String count(double n) {
        return String.format("%,.0f", n);
    }
}
