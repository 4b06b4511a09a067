package io.starling.mqtt.benchmarks.load;

import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * A result of a scenario that records time series (overload, slow consumer): the runner adds the broker's GC pauses
 * and what went wrong with the broker process after the scenario.
 */
public interface GcLogged<R extends GcLogged<R>> {
    /** Wall-clock time of the scenario's start, to place the GC log's entries. */
    long startEpochMillis();

    R withHeap(List<HeapSample> collections);

    R withError(String why);

    /** The largest {@code value} among {@code samples} taken in {@code [from, to)} seconds, -1 if none. */
    static <S> long max(List<S> samples, ToDoubleFunction<S> seconds, ToLongFunction<S> value, double from,
            double to) {
        long max = -1;
        for (S s : samples) {
            double t = seconds.applyAsDouble(s);
            if (t >= from && t < to) {
                max = Math.max(max, value.applyAsLong(s));
            }
        }
        return max;
    }
}
