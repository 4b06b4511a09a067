package io.starling.mqtt.junit5;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** A point in time to wait until, on the test thread; interruption (JUnit's {@code @Timeout}) ends every wait. */
final class Deadline {
    private static final long FIRST_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Duration timeout;
    private final long end;
    private long pause = FIRST_PAUSE_NANOS;

    private Deadline(Duration timeout) {
        this.timeout = timeout;
        long nanos = timeout.compareTo(Duration.ofDays(365)) > 0 ? TimeUnit.DAYS.toNanos(365) : timeout.toNanos();
        this.end = System.nanoTime() + nanos;
    }

    static Deadline after(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
        }
        return new Deadline(timeout);
    }

    long remainingNanos() {
        return Math.max(0, end - System.nanoTime());
    }

    boolean expired() {
        return end - System.nanoTime() <= 0;
    }

    /** Parks briefly (200 µs, doubling up to 10 ms, never past the deadline) between two polls. */
    void pause(String waitingFor) {
        LockSupport.parkNanos(Math.min(pause, remainingNanos()));
        pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
        if (Thread.interrupted()) {
            throw interrupted(waitingFor);
        }
    }

    /** The timeout as people read it: {@code 250 ms}, {@code 2 s}, {@code 1.5 s}. */
    String describe() {
        return describe(timeout);
    }

    static String describe(Duration timeout) {
        long millis = timeout.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        return millis % 1000 == 0
                ? millis / 1000 + " s"
                : String.format(Locale.ROOT, "%.3f s", millis / 1000.0);
    }

    /** Restores the interrupt flag and reports what the test was waiting for. */
    static AssertionError interrupted(String waitingFor) {
        Thread.currentThread().interrupt();
        return new AssertionError("interrupted while waiting for " + waitingFor);
    }
}
