package io.starling.mqtt.flow;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket in its GCRA form (generic cell rate algorithm): one number, the theoretical arrival time, instead of
 * a token count and a refill clock. Taking {@code n} always succeeds and may go into debt; the answer is how long
 * the taker should pause (stop reading) for the bucket to be back within its burst. Pausing after the fact suits
 * TCP back-pressure: the packet is already read, and the next read waits.
 *
 * <p>Thread-safe without locks (one CAS per take), so one instance can be shared by every connection of a listener;
 * uncontended, as a per-connection limit, the CAS costs a few nanoseconds. The rate can change at any time (the
 * overload controller lowers and restores it); a rate of zero or less means no limit.
 */
public final class RateLimit {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    /**
     * Once over its burst, a taker pauses until this much of its rate (or half its burst, if less) is free again:
     * a paused connection then wakes up about every 10 ms and reads a 10 ms slice, rather than waking for every
     * single packet at high rates.
     */
    static final long PACING_QUANTUM_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final AtomicLong theoreticalArrival;
    private final double burstSeconds;
    private volatile double rate;

    /**
     * @param rate         units per second; 0 or less: unlimited
     * @param burstSeconds how many seconds' worth of units may arrive at once before pausing starts
     */
    public RateLimit(double rate, double burstSeconds, long nowNanos) {
        if (burstSeconds <= 0) {
            throw new IllegalArgumentException("burst must be positive, was " + burstSeconds);
        }
        this.rate = rate;
        this.burstSeconds = burstSeconds;
        this.theoreticalArrival = new AtomicLong(nowNanos);
    }

    /**
     * Takes {@code units}; returns how many nanoseconds to pause before taking more (0: none): until the bucket is
     * back within its burst by one pacing quantum.
     */
    public long take(double units, long nowNanos) {
        double r = rate;
        if (r <= 0 || units <= 0) {
            return 0;
        }
        long cost = (long) Math.ceil(units * SECOND / r);
        long tolerance = (long) (burstSeconds * SECOND);
        while (true) {
            long tat = theoreticalArrival.get();
            // Unused capacity does not pile up beyond one burst: a quiet client starts from now, not from the past.
            long start = Math.max(tat, nowNanos);
            long next = start + cost;
            if (theoreticalArrival.compareAndSet(tat, next)) {
                long wait = next - nowNanos - tolerance;
                return wait <= 0 ? 0 : wait + Math.min(PACING_QUANTUM_NANOS, tolerance / 2);
            }
        }
    }

    /** Units per second; 0 or less: unlimited. */
    public double rate() {
        return rate;
    }

    /** Changes the rate from now on; debt already taken keeps its length in time. */
    public void rate(double unitsPerSecond) {
        this.rate = unitsPerSecond;
    }
}
