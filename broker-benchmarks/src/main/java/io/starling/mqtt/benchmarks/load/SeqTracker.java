package io.starling.mqtt.benchmarks.load;

/**
 * What one subscriber saw of one publisher's sequence numbers: the highest so far and a ring of the last
 * {@value #WINDOW} below it, so that a repeat is told apart from a late first arrival. Confined to the subscriber's
 * event loop.
 */
final class SeqTracker {
    static final int WINDOW = 1024;
    static final int FRESH = 0;
    static final int LATE = 1;
    static final int DUPLICATE = 2;
    static final int TOO_OLD = 3;

    private final long[] seen = new long[WINDOW / 64];
    private long highest = -1;

    /** Classifies one arrival of {@code sequence}: {@link #FRESH}, {@link #LATE}, {@link #DUPLICATE} or {@link #TOO_OLD}. */
    int accept(long sequence) {
        if (sequence > highest) {
            long from = highest + 1;
            if (sequence - from >= WINDOW) {
                java.util.Arrays.fill(seen, 0L);
            } else {
                for (long s = from; s < sequence; s++) {
                    clear(s);
                }
            }
            set(sequence);
            highest = sequence;
            return FRESH;
        }
        if (highest - sequence >= WINDOW) {
            return TOO_OLD;
        }
        if (isSet(sequence)) {
            return DUPLICATE;
        }
        set(sequence);
        return LATE;
    }

    private void set(long s) {
        int bit = (int) (s & (WINDOW - 1));
        seen[bit >>> 6] |= 1L << bit;
    }

    private void clear(long s) {
        int bit = (int) (s & (WINDOW - 1));
        seen[bit >>> 6] &= ~(1L << bit);
    }

    private boolean isSet(long s) {
        int bit = (int) (s & (WINDOW - 1));
        return (seen[bit >>> 6] & (1L << bit)) != 0;
    }
}
