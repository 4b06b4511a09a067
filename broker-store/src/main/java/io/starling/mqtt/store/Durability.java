package io.starling.mqtt.store;

import java.time.Duration;
import java.util.Objects;

/**
 * When a write to a {@link DurableSessionStore} reaches stable storage, and so what a crash can take away
 * (docs/persistence.md, "The store").
 */
public sealed interface Durability {
    /**
     * Group commit, the default: the writer thread commits everything pending and fsyncs it as soon as a
     * {@code sync()} waits for it, and completes that barrier only then. A crash of the process or of the machine
     * loses no write that a completed barrier covered.
     */
    Durability SYNC = new Sync();

    /**
     * Commit and fsync every {@code interval}; {@code sync()} completes at once. A crash of the process or of the
     * machine loses what was written since the last commit: at most one interval of writes, acknowledged ones included.
     */
    static Durability periodic(Duration interval) {
        return new Periodic(interval);
    }

    /** See {@link #SYNC}. */
    record Sync() implements Durability {
        @Override
        public String toString() {
            return "sync";
        }
    }

    /** See {@link #periodic(Duration)}. */
    record Periodic(Duration interval) implements Durability {
        public Periodic {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("the commit interval must be positive, was " + interval);
            }
        }

        @Override
        public String toString() {
            return "periodic " + interval.toMillis() + " ms";
        }
    }
}
