package io.starling.mqtt.benchmarks.load;

import java.util.List;

/**
 * One garbage collection of a JVM broker, from its GC log: when (seconds after the scenario's start) and the heap in
 * use before and after it. The largest heap after GC in a stretch of time bounds the live data of that stretch.
 */
public record HeapSample(double seconds, long beforeBytes, long afterBytes, boolean full) {

    /** The largest heap after GC among the collections in {@code [from, to)} seconds, -1 when there was none. */
    public static long maxAfter(List<HeapSample> samples, double from, double to) {
        return GcLogged.max(samples, HeapSample::seconds, HeapSample::afterBytes, from, to);
    }

    /** The largest heap in use before a collection in {@code [from, to)} seconds, -1 when there was none. */
    public static long maxBefore(List<HeapSample> samples, double from, double to) {
        return GcLogged.max(samples, HeapSample::seconds, HeapSample::beforeBytes, from, to);
    }
}
