package io.starling.mqtt.protocol;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Slows down guessing: after {@code threshold} failed logins from one address within a minute, each further
 * CONNECT from that address is answered only after a delay that doubles with every failure (from {@code base} up
 * to {@code max}). The delay costs the broker a timer, not a hash computation or a thread.
 *
 * <p>Memory is bounded: at most {@value #MAX_TRACKED} addresses are remembered. When full, entries whose minute has
 * passed are swept; if all are fresh, new addresses go untracked (they are still bounded by the connection limit).
 */
public final class AuthFailureThrottle {
    static final int MAX_TRACKED = 10_000;
    static final long WINDOW_NANOS = Duration.ofMinutes(1).toNanos();

    private final int threshold;
    private final long baseNanos;
    private final long maxNanos;
    private final LongSupplier clock;
    private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();

    private record Failures(int count, long lastNanos) {}

    public AuthFailureThrottle(int threshold, Duration base, Duration max, LongSupplier nanoClock) {
        this.threshold = threshold;
        this.baseNanos = base.toNanos();
        this.maxNanos = Math.max(0, max.toNanos());
        this.clock = nanoClock;
    }

    /** How long to wait before looking at a CONNECT from {@code address}; zero for most. */
    public long delayNanos(String address) {
        if (baseNanos == 0) {
            return 0;
        }
        Failures f = byAddress.get(address);
        if (f == null) {
            return 0;
        }
        if (clock.getAsLong() - f.lastNanos > WINDOW_NANOS) {
            byAddress.remove(address, f);
            return 0;
        }
        int over = f.count - threshold;
        if (over < 0) {
            return 0;
        }
        // base * 2^over, without overflowing for large counts.
        long delay = over >= 30 ? maxNanos : baseNanos << over;
        return delay < 0 ? maxNanos : Math.min(delay, maxNanos);
    }

    /** A login from {@code address} failed; returns the failures counted within the current minute. */
    public int onFailure(String address) {
        long now = clock.getAsLong();
        if (byAddress.size() >= MAX_TRACKED && !byAddress.containsKey(address)) {
            sweep(now);
            if (byAddress.size() >= MAX_TRACKED) {
                return 0;
            }
        }
        Failures updated = byAddress.compute(address, (a, f) ->
                f == null || now - f.lastNanos > WINDOW_NANOS ? new Failures(1, now) : new Failures(f.count + 1, now));
        return updated.count;
    }

    int trackedAddresses() {
        return byAddress.size();
    }

    private void sweep(long now) {
        for (Iterator<Failures> it = byAddress.values().iterator(); it.hasNext(); ) {
            if (now - it.next().lastNanos > WINDOW_NANOS) {
                it.remove();
            }
        }
    }

    /** The address part of {@code host:port} (IPv6 addresses keep their colons). */
    static String hostOf(String remoteAddress) {
        int colon = remoteAddress.lastIndexOf(':');
        return colon > 0 ? remoteAddress.substring(0, colon) : remoteAddress;
    }
}
