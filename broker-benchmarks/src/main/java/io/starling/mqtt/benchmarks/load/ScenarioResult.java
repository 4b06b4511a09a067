package io.starling.mqtt.benchmarks.load;

/**
 * What one scenario measured against one broker. Throughput and CPU refer to the measured window; the counters
 * and losses to the whole run (warm-up, window and drain); the latency to messages received in the window.
 *
 * @param error why the scenario did not complete, or null
 * @param windowSeconds length of the measured window
 * @param delivered PUBLISH frames the subscribers received in the window
 * @param published PUBLISH frames the publishers wrote in the window
 * @param brokerCpuSeconds broker user + system CPU in the window (NaN if unknown)
 * @param generatorCpuSeconds the generator's own CPU in the window
 * @param peakRssBytes the broker's VmHWM at the end of the scenario
 * @param totals the counters at the end of the run
 * @param latencyNanos p50, p99, p99.9 and max of the window's latencies (empty when nothing was received)
 * @param ackLatencyNanos the same of the window's QoS 1/2 acknowledgements, from the PUBLISH's write to its PUBACK
 *     or PUBCOMP (empty when none came)
 * @param connections connections established (connections scenario)
 * @param connectsPerSecond connections per second, from first connect to last CONNACK (connections scenario)
 * @param rssPerConnection broker RSS growth per connection, bytes (connections scenario)
 * @param heapPerConnection broker heap-after-GC growth per connection, bytes, -1 when not a JVM
 * @param setup how long connecting took, how many connects were retried, how long the drain took
 */
public record ScenarioResult(String scenario, String target, String error, double windowSeconds, long delivered,
        long published, double brokerCpuSeconds, double generatorCpuSeconds, long peakRssBytes, Counters totals,
        long[] latencyNanos, long[] ackLatencyNanos, int connections, double connectsPerSecond, long rssPerConnection,
        long heapPerConnection, Setup setup) {

    /** Set-up and drain of one run: seconds to connect everybody, retried connects (and the first reason), drain s. */
    public record Setup(double seconds, int retries, String firstRetry, double drainSeconds) {
        public static final Setup NONE = new Setup(0, 0, null, 0);
    }

    public static ScenarioResult failed(String scenario, String target, String error, long peakRssBytes) {
        return new ScenarioResult(scenario, target, error, 0, 0, 0, Double.NaN, Double.NaN, peakRssBytes,
                Counters.ZERO, new long[0], new long[0], 0, 0, -1, -1, Setup.NONE);
    }

    public ScenarioResult withTarget(String name) {
        return new ScenarioResult(scenario, name, error, windowSeconds, delivered, published, brokerCpuSeconds,
                generatorCpuSeconds, peakRssBytes, totals, latencyNanos, ackLatencyNanos, connections,
                connectsPerSecond, rssPerConnection, heapPerConnection, setup);
    }

    public ScenarioResult withPeakRss(long bytes) {
        return new ScenarioResult(scenario, target, error, windowSeconds, delivered, published, brokerCpuSeconds,
                generatorCpuSeconds, bytes, totals, latencyNanos, ackLatencyNanos, connections, connectsPerSecond,
                rssPerConnection, heapPerConnection, setup);
    }

    public boolean ok() {
        return error == null;
    }

    public double deliveredPerSecond() {
        return windowSeconds > 0 ? delivered / windowSeconds : 0;
    }

    public double publishedPerSecond() {
        return windowSeconds > 0 ? published / windowSeconds : 0;
    }

    /** Delivered messages per broker CPU-second, NaN if the CPU time is unknown or zero. */
    public double deliveredPerCpuSecond() {
        return brokerCpuSeconds > 0 ? delivered / brokerCpuSeconds : Double.NaN;
    }

    public long latency(int index) {
        return latencyNanos.length > index ? latencyNanos[index] : -1;
    }

    /** Acknowledgement latency: p50, p99, p99.9, max for index 0 to 3, -1 when none came. */
    public long ackLatency(int index) {
        return ackLatencyNanos.length > index ? ackLatencyNanos[index] : -1;
    }

    /** A one-line summary for logs. */
    public String summary() {
        if (!ok()) {
            return scenario + " @ " + target + ": FAILED " + error;
        }
        return line() + String.format(", setup %.1f s%s", setup.seconds(),
                setup.retries() > 0 ? " (" + setup.retries() + " connects retried, first: " + setup.firstRetry() + ")" : "")
                + (connections > 0 ? "" : String.format(", drain %.1f s", setup.drainSeconds()));
    }

    private String line() {
        if (connections > 0) {
            return String.format("%s @ %s: %d connections, %.0f connects/s, %d B RSS/conn, %s heap/conn, peak RSS %d MiB",
                    scenario, target, connections, connectsPerSecond, rssPerConnection,
                    heapPerConnection < 0 ? "-" : heapPerConnection + " B", peakRssBytes >> 20);
        }
        return String.format("%s @ %s: %.0f msg/s delivered (%.0f published), broker CPU %.2f s, %.0f msg/CPU-s, "
                        + "missing %d, dup %d, late %d, disconnects %d, p50 %.2f ms, p99 %.2f ms%s, peak RSS %d MiB%s",
                scenario, target, deliveredPerSecond(), publishedPerSecond(), brokerCpuSeconds,
                deliveredPerCpuSecond(), totals.missing(), totals.duplicates(), totals.late(), totals.disconnects(),
                latency(0) / 1e6, latency(1) / 1e6, ackLatencyNanos.length == 0 ? ""
                        : String.format(", ack p50 %.2f ms, p99 %.2f ms", ackLatency(0) / 1e6, ackLatency(1) / 1e6),
                peakRssBytes >> 20,
                totals.firstError() != null ? ", first error: " + totals.firstError() : "");
    }
}
