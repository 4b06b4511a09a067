package io.starling.mqtt.flow;

/**
 * One reading of the broker's load, and its pressure: each signal divided by its threshold, the largest of them.
 * Pressure 1 or more is overload.
 *
 * @param loopLagNanos   longest event-loop task delay since the last sample
 * @param heapFraction   fraction of the maximum heap in use after the last garbage collection
 * @param queuedBytes    payload bytes queued for all sessions
 * @param outboundBytes  network buffer bytes in use
 */
public record LoadSample(long loopLagNanos, double heapFraction, long queuedBytes, long outboundBytes) {
    /** The signal that drives {@link #pressure}, for log lines. */
    public enum Signal { LOOP_LAG, HEAP, QUEUED, OUTBOUND }

    /** Each signal over its threshold; the largest. Thresholds of 0 switch a signal off. */
    public double pressure(long loopLagThresholdNanos, double heapThreshold, long queuedThreshold,
                           long outboundThreshold) {
        return Math.max(Math.max(ratio(loopLagNanos, loopLagThresholdNanos), ratio(heapFraction, heapThreshold)),
                Math.max(ratio(queuedBytes, queuedThreshold), ratio(outboundBytes, outboundThreshold)));
    }

    /** Which signal is highest relative to its threshold. */
    public Signal dominant(long loopLagThresholdNanos, double heapThreshold, long queuedThreshold,
                           long outboundThreshold) {
        double[] r = {ratio(loopLagNanos, loopLagThresholdNanos), ratio(heapFraction, heapThreshold),
                ratio(queuedBytes, queuedThreshold), ratio(outboundBytes, outboundThreshold)};
        int best = 0;
        for (int i = 1; i < r.length; i++) {
            if (r[i] > r[best]) {
                best = i;
            }
        }
        return Signal.values()[best];
    }

    @Override
    public String toString() {
        return String.format("loop lag %d ms, heap %.0f%%, queued %d MiB, network buffers %d MiB",
                loopLagNanos / 1_000_000, heapFraction * 100, queuedBytes >> 20, outboundBytes >> 20);
    }

    private static double ratio(double value, double threshold) {
        return threshold <= 0 ? 0 : value / threshold;
    }
}
