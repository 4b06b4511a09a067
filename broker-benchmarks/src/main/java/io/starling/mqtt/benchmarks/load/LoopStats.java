package io.starling.mqtt.benchmarks.load;

import org.HdrHistogram.Histogram;

/**
 * The counters and the latency histograms of one generator event loop. Only that loop writes them, without
 * synchronisation; other threads read them through {@link #snapshot()} run as a task on the loop.
 */
final class LoopStats {
    /** Latencies up to 60 s, three significant digits, in nanoseconds. */
    static final long HIGHEST_LATENCY = 60_000_000_000L;

    boolean publishing;
    boolean measuring;

    long sent;
    long completed;
    long expected;
    long received;
    long unique;
    long duplicates;
    long late;
    long tooOld;
    long foreign;
    long disconnects;
    long errors;
    long windowStalls;
    /** Rate-mode messages due so far (offered), whether or not the window let them out. */
    long offered;
    long unexpectedAcks;
    long inflight;
    String firstError;
    /** A message's write to its receipt by a subscriber. */
    final Histogram latency = new Histogram(HIGHEST_LATENCY, 3);
    /** A QoS 1/2 message's write to its PUBACK or PUBCOMP: what a durable broker's sync adds shows here. */
    final Histogram ackLatency = new Histogram(HIGHEST_LATENCY, 3);
    /** The same as {@link #latency}, cleared at every sample of a time series: latency over time. */
    final Histogram intervalLatency = new Histogram(HIGHEST_LATENCY, 3);

    void error(String what) {
        errors++;
        if (firstError == null) {
            firstError = what;
        }
    }

    Counters snapshot() {
        return new Counters(sent, completed, expected, received, unique, duplicates, late, tooOld, foreign,
                disconnects, errors, windowStalls, unexpectedAcks, inflight, firstError);
    }
}
