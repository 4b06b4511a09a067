package io.starling.mqtt.benchmarks.flood;

/**
 * The well-behaved client's round trips (its QoS 1 publish to its own subscription, write to read) for the messages
 * it sent in one window. A message that never came back counts with the time it had waited when the scenario
 * ended, a lower bound on its round trip, so that a broker that stops delivering cannot pass on the messages that
 * got through.
 *
 * @param messages messages sent in the window
 * @param missing of those, messages that never came back (counted with their lower bound)
 * @param p50Nanos median, -1 when no message was sent
 * @param p99Nanos 99th percentile, -1 when no message was sent
 * @param maxNanos maximum, -1 when no message was sent
 */
public record RttSummary(int messages, int missing, long p50Nanos, long p99Nanos, long maxNanos) {
    public static final RttSummary NONE = new RttSummary(0, 0, -1, -1, -1);
}
