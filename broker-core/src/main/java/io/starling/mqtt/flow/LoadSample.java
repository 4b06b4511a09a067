package io.starling.mqtt.flow;

/**
 * One reading of the broker's load, and its pressure: each signal divided by its threshold, the largest of them.
 * Pressure 1 or more is overload.
 *
 * @param loopLagNanos   longest event-loop task delay since the last sample
 * @param heapFraction   fraction of the maximum heap in use after the last garbage collection
 * @param queuedBytes    payload bytes queued for all sessions
 * @param outboundBytes  network buffer bytes in use
 * @param loopBusy       fraction of the last interval the busiest event-loop thread spent on the CPU
 */
public record LoadSample(long loopLagNanos, double heapFraction, long queuedBytes, long outboundBytes,
                         double loopBusy) {
    /** The signal that drives {@link #pressure}, for log lines. */
    public enum Signal { LOOP_LAG, HEAP, QUEUED, OUTBOUND, LOOP_BUSY }

    /** A sample without the loop-busy signal. */
    public LoadSample(long loopLagNanos, double heapFraction, long queuedBytes, long outboundBytes) {
        this(loopLagNanos, heapFraction, queuedBytes, outboundBytes, 0);
    }

    /** Each signal over its threshold; the largest. Thresholds of 0 switch a signal off (loop busy: off). */
    public double pressure(long loopLagThresholdNanos, double heapThreshold, long queuedThreshold,
                           long outboundThreshold) {
        return pressure(loopLagThresholdNanos, heapThreshold, queuedThreshold, outboundThreshold, 0);
    }

    /** Each signal over its threshold; the largest. Thresholds of 0 switch a signal off. */
    public double pressure(long loopLagThresholdNanos, double heapThreshold, long queuedThreshold,
                           long outboundThreshold, double loopBusyThreshold) {
        double[] r = ratios(loopLagThresholdNanos, heapThreshold, queuedThreshold, outboundThreshold,
                loopBusyThreshold);
        double max = 0;
        for (double v : r) {
            max = Math.max(max, v);
        }
        return max;
    }

    /** Which signal is highest relative to its threshold (loop busy: off). */
    public Signal dominant(long loopLagThresholdNanos, double heapThreshold, long queuedThreshold,
                           long outboundThreshold) {
        return dominant(loopLagThresholdNanos, heapThreshold, queuedThreshold, outboundThreshold, 0);
    }

    private double[] ratios(long loopLagThresholdNanos, double heapThreshold, long queuedThreshold,
                            long outboundThreshold, double loopBusyThreshold) {
        return new double[] {ratio(loopLagNanos, loopLagThresholdNanos), ratio(heapFraction, heapThreshold),
                ratio(queuedBytes, queuedThreshold), ratio(outboundBytes, outboundThreshold),
                ratio(loopBusy, loopBusyThreshold)};
    }

    /** Which signal is highest relative to its threshold. */
    public Signal dominant(long loopLagThresholdNanos, double heapThreshold, long queuedThreshold,
                           long outboundThreshold, double loopBusyThreshold) {
        double[] r = ratios(loopLagThresholdNanos, heapThreshold, queuedThreshold, outboundThreshold,
                loopBusyThreshold);
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
        return String.format("loop lag %d ms, loop busy %.0f%%, heap %.0f%%, queued %d MiB, network buffers %d MiB",
                loopLagNanos / 1_000_000, loopBusy * 100, heapFraction * 100, queuedBytes >> 20, outboundBytes >> 20);
    }

    private static double ratio(double value, double threshold) {
        return threshold <= 0 ? 0 : value / threshold;
    }
}
