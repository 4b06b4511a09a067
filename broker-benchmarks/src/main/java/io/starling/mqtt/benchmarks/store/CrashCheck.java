package io.starling.mqtt.benchmarks.store;

import java.util.Arrays;

/**
 * What a reopened crash store must hold: the sequence numbers present form one gap-free range {@code lo..hi}, every
 * value is the one written, {@code hi} is at least the last number the child printed (it was committed), and the
 * count is exactly what whole batches leave ({@code min(hi + 1, KEEP)}, {@code hi + 1} a multiple of the batch):
 * a half-applied batch would break either.
 */
final class CrashCheck {
    private long lo = -1;
    private long hi = -1;
    private long count;
    private String problem;

    /** Feeds the entries of the crash session's queue, in key order. */
    void entry(long seq, byte[] value) {
        if (problem != null) {
            return;
        }
        if (count > 0 && seq != hi + 1) {
            problem = "gap: " + hi + " then " + seq;
        } else if (!Arrays.equals(value, CrashChild.expectedValue(seq))) {
            problem = "wrong value at " + seq;
        }
        if (count == 0) {
            lo = seq;
        }
        hi = seq;
        count++;
    }

    /** Null when the store keeps every promise, otherwise what is wrong. */
    String verdict(long lastPrinted, int batch, int keep) {
        if (problem != null) {
            return problem;
        }
        if (hi < lastPrinted) {
            return "lost committed entries: printed " + lastPrinted + ", store ends at " + hi;
        }
        if (count > 0 && (hi + 1) % batch != 0) {
            return "partial batch: store ends at " + hi;
        }
        if (count != Math.min(hi + 1, keep)) {
            return "partial batch: " + count + " entries up to " + hi;
        }
        return null;
    }

    long hi() {
        return hi;
    }

    long count() {
        return count;
    }
}
