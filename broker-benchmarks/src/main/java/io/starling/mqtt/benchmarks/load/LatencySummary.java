package io.starling.mqtt.benchmarks.load;

import org.HdrHistogram.Histogram;

/** Count, p50, p99, p99.9 and max of a latency histogram, in nanoseconds; -1 for each when nothing was recorded. */
public record LatencySummary(long count, long p50, long p99, long p999, long max) {
    public static final LatencySummary NONE = new LatencySummary(0, -1, -1, -1, -1);

    static LatencySummary of(Histogram h) {
        if (h.getTotalCount() == 0) {
            return NONE;
        }
        return new LatencySummary(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getMaxValue());
    }

    /** "p50 / p99 / max" in milliseconds, or – when nothing was recorded. */
    public String millis() {
        return count == 0 ? "–" : String.format(java.util.Locale.ROOT, "%s / %s / %s", ms(p50), ms(p99), ms(max));
    }

    public static String ms(long nanos) {
        return nanos < 0 ? "–" : String.format(java.util.Locale.ROOT, nanos >= 100_000_000 ? "%.0f" : "%.2f",
                nanos / 1e6);
    }
}
