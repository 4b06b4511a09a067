package io.starling.mqtt.benchmarks.load;

import java.util.List;
import java.util.Locale;

/**
 * What the overload scenario measured against one broker. Times are seconds after the scenario's start (when every
 * client was connected); {@code marks} holds the start of the calibration, of phases A, B and C, and the end of C.
 *
 * @param error why the scenario did not complete or what went wrong with the broker (figures kept), or null
 * @param calibratedRate what the heavy subscribers received per second (distinct messages) during the calibration
 * @param calibratedAccepted what the broker acknowledged of the heavy publishers per second during the calibration
 * @param sustainedRate the rate the phases are based on: the calibrated one, or {@code overload.rate}
 * @param lightA the light clients' round trip (publish to receipt) of the messages received in phase A; B and C
 *     likewise
 * @param lightBSettled the same in phase B after its first {@code overload.onset} seconds: the flood once the
 *     broker has reacted to it
 * @param heavyB the heavy subscribers' latency (publisher's write to receipt) in phase B; C likewise
 * @param flood the heavy publishers' figures in phase B; {@code recovery} in C, {@code calibration} in calibration
 * @param samples the time series, every {@code sample.interval}
 * @param recoverySeconds from the start of phase C until the heavy publishers' accepted rate stays at 90 % of
 *     their offered rate or more in every interval of the series for the rest of C; NaN when it never does
 * @param peakRssBytes the broker's VmHWM at the end, -1 if unknown
 * @param heap the JVM broker's collections from its GC log, empty for other brokers (and when the log is missing)
 * @param startEpochMillis wall-clock time of the scenario's start, to place the GC log's entries
 */
public record OverloadResult(String target, String error, int light, int heavy, double calibratedRate,
        double calibratedAccepted, double sustainedRate, double factor, double recoveryFactor, double[] marks,
        LatencySummary lightA, LatencySummary lightB, LatencySummary lightBSettled, LatencySummary lightC,
        LatencySummary heavyB, LatencySummary heavyC, Window calibration, Window flood, Window recovery, Losses losses,
        List<Sample> samples, double recoverySeconds, long peakRssBytes, List<HeapSample> heap, long startEpochMillis)
        implements GcLogged<OverloadResult> {

    public static final int CALIBRATION = 0;
    public static final int A = 1;
    public static final int B = 2;
    public static final int C = 3;
    public static final int END = 4;

    /**
     * The heavy publishers' totals over one phase.
     *
     * @param offered messages due at the publishers' rate (what the open-loop publishers wanted to send)
     * @param sent messages written (what the window let out)
     * @param accepted messages the broker acknowledged
     * @param delivered messages the heavy subscribers received, duplicates included
     */
    public record Window(double seconds, long offered, long sent, long accepted, long delivered) {
        public static final Window NONE = new Window(0, 0, 0, 0, 0);

        public double offeredPerSecond() {
            return seconds > 0 ? offered / seconds : Double.NaN;
        }

        public double acceptedPerSecond() {
            return seconds > 0 ? accepted / seconds : Double.NaN;
        }

        public double deliveredPerSecond() {
            return seconds > 0 ? delivered / seconds : Double.NaN;
        }

        /** Accepted ÷ offered, NaN when nothing was offered. */
        public double acceptedShare() {
            return offered > 0 ? (double) accepted / offered : Double.NaN;
        }

        Window minus(Window earlier) {
            return new Window(seconds - earlier.seconds, offered - earlier.offered, sent - earlier.sent,
                    accepted - earlier.accepted, delivered - earlier.delivered);
        }
    }

    /**
     * Losses, duplicates and disconnects over the whole run, drain included.
     *
     * @param heavyAcked heavy messages the broker acknowledged
     * @param heavyAckedLost of those, how many the heavy subscriber never received (must be 0)
     * @param heavyUnacked heavy messages written and never acknowledged (the publisher may resend them; not losses)
     * @param heavyMissing heavy messages written and never received, acknowledged or not
     * @param heavyLostByPhase {@code heavyAckedLost} by when the messages were written: in the warm-up and the
     *     calibration, in phase B, in phase C
     */
    public record Losses(long heavyAcked, long heavyAckedLost, long heavyUnacked, long heavyMissing, long lightAcked,
            long lightAckedLost, long lightUnacked, long heavyDuplicates, long lightDuplicates, int heavyPublishersClosed,
            int heavySubscribersClosed, int lightClosed, long[] heavyLostByPhase) {
        public static final Losses NONE = new Losses(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new long[3]);

        public long ackedLost() {
            return heavyAckedLost + lightAckedLost;
        }

        public int closed() {
            return heavyPublishersClosed + heavySubscribersClosed + lightClosed;
        }
    }

    /**
     * One reading of the time series: cumulative counts at {@code seconds}, and the broker's RSS.
     *
     * @param offered heavy messages offered so far (rate mode only: not in the calibration)
     * @param accepted heavy messages acknowledged so far
     * @param delivered heavy deliveries so far
     * @param lightDelivered light deliveries so far
     */
    /**
     * One reading of the time series; {@code lightP99Nanos} is the light clients' p99 round trip over the interval
     * since the reading before (-1 when none was measured).
     */
    public record Sample(double seconds, long offered, long sent, long accepted, long delivered, long lightDelivered,
            long rssBytes, long lightP99Nanos) {}

    public static OverloadResult failed(String target, String error) {
        return new OverloadResult(target, error, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                new double[5], LatencySummary.NONE, LatencySummary.NONE, LatencySummary.NONE, LatencySummary.NONE,
                LatencySummary.NONE, LatencySummary.NONE, Window.NONE, Window.NONE, Window.NONE, Losses.NONE, List.of(),
                Double.NaN, -1,
                List.of(), 0);
    }

    public OverloadResult withTarget(String name) {
        return new OverloadResult(name, error, light, heavy, calibratedRate, calibratedAccepted, sustainedRate, factor,
                recoveryFactor, marks, lightA, lightB, lightBSettled, lightC, heavyB, heavyC, calibration, flood,
                recovery, losses, samples, recoverySeconds, peakRssBytes, heap, startEpochMillis);
    }

    @Override
    public OverloadResult withError(String why) {
        return new OverloadResult(target, error == null ? why : error + "; " + why, light, heavy, calibratedRate,
                calibratedAccepted, sustainedRate, factor, recoveryFactor, marks, lightA, lightB, lightBSettled, lightC,
                heavyB, heavyC, calibration, flood, recovery, losses, samples, recoverySeconds, peakRssBytes, heap,
                startEpochMillis);
    }

    @Override
    public OverloadResult withHeap(List<HeapSample> collections) {
        return new OverloadResult(target, error, light, heavy, calibratedRate, calibratedAccepted, sustainedRate, factor,
                recoveryFactor, marks, lightA, lightB, lightBSettled, lightC, heavyB, heavyC, calibration, flood,
                recovery, losses, samples, recoverySeconds, peakRssBytes, List.copyOf(collections), startEpochMillis);
    }

    public boolean completed() {
        return marks[END] > 0;
    }

    /** Light p99 in phase B ÷ in phase A; NaN when either is missing. */
    public double lightP99Ratio() {
        return ratio(lightB, lightA);
    }

    /** Light p99 in phase B after its onset ÷ in phase A; NaN when either is missing. */
    public double lightSettledP99Ratio() {
        return ratio(lightBSettled, lightA);
    }

    private static double ratio(LatencySummary loaded, LatencySummary unloaded) {
        return unloaded.p99() > 0 && loaded.p99() >= 0 ? (double) loaded.p99() / unloaded.p99() : Double.NaN;
    }

    /**
     * Whether the broker held the heavy publishers back in phase B: it accepted less than 90 % of what they offered,
     * and not more than 10 % above what it delivered to their subscribers in the same phase (a broker that
     * acknowledges faster than it delivers is buffering or dropping, not throttling), without closing their
     * connections.
     */
    public boolean throttled() {
        return flood.offered() > 0 && flood.acceptedShare() < 0.9 && flood.accepted() <= 1.1 * flood.delivered()
                && losses.heavyPublishersClosed() == 0;
    }

    /**
     * Whether phase B was no overload at all for this broker: it accepted at least 90 % of what was offered and
     * delivered it (a calibration with window {@code window} can underestimate a broker whose round trip, not its
     * throughput, limits it). Throttling is then neither needed nor shown.
     */
    public boolean notOverloaded() {
        return flood.offered() > 0 && flood.acceptedShare() >= 0.9 && flood.accepted() <= 1.1 * flood.delivered();
    }

    /**
     * Whether the heavy publishers' accepted rate came back to their offered rate within phase C: over its second
     * half the broker accepted at least 95 % of what they offered.
     */
    public boolean recovered() {
        return recoveryShare() >= 0.95;
    }

    /** Accepted ÷ offered over the second half of phase C, from the time series; NaN without readings there. */
    public double recoveryShare() {
        double from = (marks[C] + marks[END]) / 2;
        Sample first = null;
        Sample last = null;
        for (Sample s : samples) {
            if (s.seconds() >= from && first == null) {
                first = s;
            }
            if (s.seconds() <= marks[END] + 1e-9) {
                last = s;
            }
        }
        if (first == null || last == null || last.offered() <= first.offered()) {
            return Double.NaN;
        }
        return (double) (last.accepted() - first.accepted()) / (last.offered() - first.offered());
    }

    /** The largest RSS sampled in {@code [from, to)} seconds, -1 if none. */
    public long maxRss(double from, double to) {
        return GcLogged.max(samples, Sample::seconds, Sample::rssBytes, from, to);
    }

    /** The largest heap after GC during the phases (calibration to the end of C), -1 without a GC log. */
    public long maxHeapAfterGc() {
        return HeapSample.maxAfter(heap, marks[CALIBRATION], marks[END] + 1);
    }

    /**
     * The first time after {@code from} (seconds after C's start) from which the accepted rate of every later
     * interval of the series is at least {@code share} of the offered one, up to {@code to}; NaN if none.
     */
    static double recoverySeconds(List<Sample> samples, double from, double to, double share) {
        double since = Double.NaN;
        Sample prev = null;
        for (Sample s : samples) {
            if (s.seconds() < from) {
                prev = s;
                continue;
            }
            if (s.seconds() > to + 1e-9) {
                break;
            }
            if (prev != null && prev.seconds() >= from - 1e-9) {
                long offered = s.offered() - prev.offered();
                long accepted = s.accepted() - prev.accepted();
                boolean ok = offered > 0 && accepted >= share * offered;
                if (!ok) {
                    since = Double.NaN;
                } else if (Double.isNaN(since)) {
                    since = prev.seconds() - from;
                }
            }
            prev = s;
        }
        return since;
    }

    /** A one-line summary for logs. */
    public String summary() {
        if (!completed()) {
            return "overload @ " + target + ": FAILED " + error;
        }
        return String.format(Locale.ROOT, "overload @ %s: sustained %.0f msg/s (calibrated %.0f delivered, %.0f "
                        + "acked); light p50/p99/max A %s, B %s, C %s ms (p99 ×%.2f; B after its onset %s, ×%.2f); "
                        + "heavy B offered %.0f, accepted %.0f (%.0f %%), delivered %.0f msg/s; C offered %.0f, "
                        + "accepted %.0f msg/s, recovered %s; acked lost %d (heavy %d of %d, light %d), unacked %d, "
                        + "dup %d, closed %d; peak RSS %d MiB%s%s",
                target, sustainedRate, calibratedRate, calibratedAccepted, lightA.millis(), lightB.millis(),
                lightC.millis(), lightP99Ratio(), lightBSettled.millis(), lightSettledP99Ratio(),
                flood.offeredPerSecond(), flood.acceptedPerSecond(), 100 * flood.acceptedShare(),
                flood.deliveredPerSecond(), recovery.offeredPerSecond(), recovery.acceptedPerSecond(),
                (recovered() ? "yes" : "NO") + String.format(Locale.ROOT,
                        " (%.0f %% in its second half, steady after %.1f s)", 100 * recoveryShare(), recoverySeconds),
                losses.ackedLost(), losses.heavyAckedLost(), losses.heavyAcked(), losses.lightAckedLost(),
                losses.heavyUnacked() + losses.lightUnacked(), losses.heavyDuplicates() + losses.lightDuplicates(),
                losses.closed(), peakRssBytes >> 20,
                heap.isEmpty() ? "" : ", max heap after GC " + (maxHeapAfterGc() >> 20) + " MiB",
                error != null ? "; " + error : "");
    }
}
