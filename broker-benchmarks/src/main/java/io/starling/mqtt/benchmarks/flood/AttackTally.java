package io.starling.mqtt.benchmarks.flood;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What became of the hostile attempts, per kind. Written by the attackers' event loops (atomics: there are several
 * loops), read by the scenario's thread. Every attempt ends in exactly one of connected, refused, timed out or
 * failed; connected ones may then get a CONNACK (connect kind) or be closed by the broker while still held.
 */
public final class AttackTally {
    /** How a connect() ended when it did not connect. */
    public enum Outcome { REFUSED, TIMED_OUT, FAILED }

    private static final int ATTEMPTED = 0;
    private static final int CONNECTED = 1;
    private static final int REFUSED = 2;
    private static final int TIMED_OUT = 3;
    private static final int FAILED = 4;
    private static final int CONNACKED = 5;
    private static final int CLOSED_BY_BROKER = 6;
    private static final int CLOSE_MIN_NANOS = 7;
    private static final int CLOSE_MAX_NANOS = 8;
    private static final int FIELDS = 9;

    private final Map<AttackKind, Integer> planned;
    private final AtomicLongArray counts = new AtomicLongArray(AttackKind.values().length * FIELDS);
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private volatile boolean frozen;

    public AttackTally(Map<AttackKind, Integer> planned) {
        this.planned = Map.copyOf(planned);
        for (AttackKind k : AttackKind.values()) {
            counts.set(k.ordinal() * FIELDS + CLOSE_MIN_NANOS, Long.MAX_VALUE);
        }
    }

    /** From now on, closes are the generator's own (end of the attack) and no longer counted. */
    void freeze() {
        frozen = true;
    }

    void attempted(AttackKind k) {
        add(k, ATTEMPTED);
    }

    void connected(AttackKind k) {
        add(k, CONNECTED);
    }

    void notConnected(AttackKind k, Throwable cause) {
        Outcome o = classify(cause);
        add(k, switch (o) {
            case REFUSED -> REFUSED;
            case TIMED_OUT -> TIMED_OUT;
            case FAILED -> FAILED;
        });
        if (o == Outcome.FAILED) {
            firstFailure.compareAndSet(null, k.id() + ": " + cause);
        }
    }

    void connacked(AttackKind k) {
        add(k, CONNACKED);
    }

    /** The broker closed a connection of kind {@code k} {@code afterNanos} after its handshake. */
    void closedByBroker(AttackKind k, long afterNanos) {
        if (frozen) {
            return;
        }
        add(k, CLOSED_BY_BROKER);
        int base = k.ordinal() * FIELDS;
        counts.accumulateAndGet(base + CLOSE_MIN_NANOS, afterNanos, Math::min);
        counts.accumulateAndGet(base + CLOSE_MAX_NANOS, afterNanos, Math::max);
    }

    private void add(AttackKind k, int field) {
        counts.incrementAndGet(k.ordinal() * FIELDS + field);
    }

    /** Attempts whose connect() has not ended yet. */
    public long pending() {
        long n = 0;
        for (KindCounts c : snapshot().kinds()) {
            n += c.pending();
        }
        return n;
    }

    public Snapshot snapshot() {
        List<KindCounts> kinds = new ArrayList<>();
        for (AttackKind k : AttackKind.values()) {
            int b = k.ordinal() * FIELDS;
            long closed = counts.get(b + CLOSED_BY_BROKER);
            kinds.add(new KindCounts(k, planned.getOrDefault(k, 0), counts.get(b + ATTEMPTED),
                    counts.get(b + CONNECTED), counts.get(b + REFUSED), counts.get(b + TIMED_OUT),
                    counts.get(b + FAILED), counts.get(b + CONNACKED), closed,
                    closed == 0 ? -1 : counts.get(b + CLOSE_MIN_NANOS), closed == 0 ? -1 : counts.get(b + CLOSE_MAX_NANOS)));
        }
        return new Snapshot(List.copyOf(kinds), firstFailure.get());
    }

    /**
     * How a failed connect() ended: refused (RST: nobody listening or the broker's backlog refusing), timed out
     * (Netty's connect timeout: SYNs unanswered, typically a full listen backlog), or something else.
     */
    static Outcome classify(Throwable cause) {
        if (cause instanceof io.netty.channel.ConnectTimeoutException) {
            return Outcome.TIMED_OUT;
        }
        String m = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
        if (cause instanceof ConnectException && m.contains("timed out")) {
            return Outcome.TIMED_OUT;
        }
        if (m.contains("refused") || m.contains("reset by peer")) {
            return Outcome.REFUSED;
        }
        return Outcome.FAILED;
    }

    /**
     * One kind's figures. {@code closedByBroker}: connections the broker closed before the attack ended (for the
     * connect kind: before its CONNACK); {@code closeMinNanos}/{@code closeMaxNanos}: how long after the handshake
     * those closes came, -1 when none.
     */
    public record KindCounts(AttackKind kind, int planned, long attempted, long connected, long refused,
            long timedOut, long failed, long connacked, long closedByBroker, long closeMinNanos, long closeMaxNanos) {
        public long pending() {
            return attempted - connected - refused - timedOut - failed;
        }

        /** Held connections (idle, partial) still open when the attack ended; 0 for the totals row. */
        public long stillHeld() {
            return kind != null && kind.held() ? connected - closedByBroker : 0;
        }
    }

    /** All kinds at one moment, with the first failure that was neither a refusal nor a timeout. */
    public record Snapshot(List<KindCounts> kinds, String firstFailure) {
        public static final Snapshot NONE = new Snapshot(List.of(), null);

        public KindCounts total() {
            int planned = 0;
            long[] s = new long[8];
            for (KindCounts c : kinds) {
                planned += c.planned();
                s[0] += c.attempted();
                s[1] += c.connected();
                s[2] += c.refused();
                s[3] += c.timedOut();
                s[4] += c.failed();
                s[5] += c.connacked();
                s[6] += c.closedByBroker();
            }
            return new KindCounts(null, planned, s[0], s[1], s[2], s[3], s[4], s[5], s[6], -1, -1);
        }

        /** Held connections of every kind still open when the attack ended. */
        public long stillHeld() {
            return kinds.stream().mapToLong(KindCounts::stillHeld).sum();
        }

        public KindCounts of(AttackKind k) {
            for (KindCounts c : kinds) {
                if (c.kind() == k) {
                    return c;
                }
            }
            return new KindCounts(k, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1);
        }
    }
}
