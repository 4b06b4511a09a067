package io.starling.mqtt.benchmarks.flood;

import org.HdrHistogram.Histogram;

/** Turns the well-behaved client's send and receive times into one window's {@link RttSummary}. */
final class RoundTrips {
    /** Marks a message that has not come back (System.nanoTime() never returns it in practice). */
    static final long NOT_RECEIVED = Long.MIN_VALUE;
    private static final long HIGHEST = 120_000_000_000L;

    private RoundTrips() {}

    /**
     * The messages {@code 0..count-1} sent at or after {@code from} and before {@code to}; one not received counts
     * as {@code end - sent}.
     */
    static RttSummary summarize(long[] sentAt, long[] receivedAt, int count, long from, long to, long end) {
        Histogram h = new Histogram(HIGHEST, 3);
        int messages = 0;
        int missing = 0;
        for (int i = 0; i < count; i++) {
            long sent = sentAt[i];
            if (sent - from < 0 || sent - to >= 0) {
                continue;
            }
            messages++;
            long rtt;
            if (receivedAt[i] == NOT_RECEIVED) {
                missing++;
                rtt = end - sent;
            } else {
                rtt = receivedAt[i] - sent;
            }
            h.recordValue(Math.max(0, Math.min(HIGHEST, rtt)));
        }
        if (messages == 0) {
            return RttSummary.NONE;
        }
        return new RttSummary(messages, missing, h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                h.getMaxValue());
    }
}
