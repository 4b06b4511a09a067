package io.starling.mqtt.protocol;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts open network connections against the configured maximum; shared by all listeners. */
public final class OpenConnections {
    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    public OpenConnections(int max) {
        this.max = max;
    }

    /** Takes a slot; false (and nothing taken) when all {@code max} are in use. */
    boolean tryOpen() {
        while (true) {
            int now = open.get();
            if (now >= max) {
                return false;
            }
            if (open.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void close() {
        open.decrementAndGet();
    }

    public int current() {
        return open.get();
    }

    public int max() {
        return max;
    }
}
