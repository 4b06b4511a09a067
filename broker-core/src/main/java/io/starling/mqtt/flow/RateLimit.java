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
     * Once over its burst, a taker pauses until one pacing quantum of its rate (or half its burst, if less) is free
     * again, then reads that slice at once. The quantum is the time {@code sliceUnits} take at the current rate,
     * kept between these two bounds: at high rates a paused connection wakes about every millisecond and reads a
     * small slice (64 messages), so that what it reads on waking delays other connections on its event loop by
     * tens of microseconds, not the milliseconds a 10 ms slice of a 50,000 msg/s publisher takes; at low rates it
     * wakes at most every 10 ms rather than for every single packet. Wake-ups are thus at most one per slice: their
     * cost stays a small fraction of the work they let in.
     */
    static final long MIN_PACING_QUANTUM_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    static final long MAX_PACING_QUANTUM_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** The slice of a message-rate limit. */
    public static final double MESSAGE_SLICE = 64;
    /** The slice of a byte-rate limit. */
    public static final double BYTE_SLICE = 64 * 1024;

    private final AtomicLong theoreticalArrival;
    private final double burstSeconds;
    private final double sliceUnits;
    private volatile double rate;

    /**
     * @param rate         units per second; 0 or less: unlimited
     * @param burstSeconds how many seconds' worth of units may arrive at once before pausing starts
     * @param sliceUnits   how many units a paused taker may take on waking, at high rates ({@link #MESSAGE_SLICE},
     *                     {@link #BYTE_SLICE})
     */
    public RateLimit(double rate, double burstSeconds, double sliceUnits, long nowNanos) {
        if (burstSeconds <= 0) {
            throw new IllegalArgumentException("burst must be positive, was " + burstSeconds);
        }
        if (sliceUnits <= 0) {
            throw new IllegalArgumentException("slice must be positive, was " + sliceUnits);
        }
        this.rate = rate;
        this.burstSeconds = burstSeconds;
        this.sliceUnits = sliceUnits;
        this.theoreticalArrival = new AtomicLong(nowNanos);
    }

    /**
     * Takes {@code units}; returns how many nanoseconds to pause before taking more (0: none): until the bucket is
     * back within its burst by one pacing quantum ({@link #pacingQuantum}).
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
                return wait <= 0 ? 0 : wait + Math.min(pacingQuantum(r), tolerance / 2);
            }
        }
    }

    /** The time {@link #sliceUnits} take at {@code rate}, within the quantum's bounds. */
    long pacingQuantum(double rate) {
        double nanos = sliceUnits * SECOND / rate;
        return (long) Math.max(MIN_PACING_QUANTUM_NANOS, Math.min(MAX_PACING_QUANTUM_NANOS, nanos));
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
