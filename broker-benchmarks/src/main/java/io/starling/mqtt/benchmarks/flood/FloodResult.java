package io.starling.mqtt.benchmarks.flood;

import java.util.Locale;

/**
 * What the flood scenario measured against one broker.
 *
 * @param target the broker
 * @param error why the scenario did not complete or what went wrong with the broker (figures kept), or null
 * @param thresholdMillis the pass mark for the median round trip under attack
 * @param baseline round trips of the messages sent in the baseline window
 * @param attack round trips of the messages sent in the attack window
 * @param burst round trips of the messages sent while attempts were still under way (part of {@code attack})
 * @param burstSeconds from the first attempt until every attempt had its outcome; NaN if some never did
 * @param probeClosed why the well-behaved client lost its connection, or null
 * @param probeDuplicates repeated deliveries to the well-behaved client
 * @param attempts the hostile attempts, per kind, when the attack ended
 * @param bigPacket what the broker did with the huge PUBLISH
 * @param rssBeforeAttack broker RSS when the attack started, -1 if unknown
 * @param rssMaxInAttack highest broker RSS sampled every 100 ms during the attack and the drain, -1 if unknown
 * @param peakRssBytes broker VmHWM at the end (whole life of the process), -1 if unknown
 * @param brokerCpuSeconds broker user + system CPU during the attack window, NaN if unknown
 */
public record FloodResult(String target, String error, double thresholdMillis, RttSummary baseline,
        RttSummary attack, RttSummary burst, double burstSeconds, String probeClosed, long probeDuplicates,
        AttackTally.Snapshot attempts, BigPacketOutcome bigPacket, long rssBeforeAttack, long rssMaxInAttack,
        long peakRssBytes, double brokerCpuSeconds) {

    public static FloodResult failed(String target, String error, double thresholdMillis) {
        return new FloodResult(target, error, thresholdMillis, RttSummary.NONE, RttSummary.NONE, RttSummary.NONE,
                Double.NaN, null, 0, AttackTally.Snapshot.NONE, BigPacketOutcome.NONE, -1, -1, -1, Double.NaN);
    }

    public FloodResult withTarget(String name) {
        return new FloodResult(name, error, thresholdMillis, baseline, attack, burst, burstSeconds, probeClosed,
                probeDuplicates, attempts, bigPacket, rssBeforeAttack, rssMaxInAttack, peakRssBytes, brokerCpuSeconds);
    }

    /** The same figures with an error (for instance: the broker process died). */
    public FloodResult withError(String why) {
        return new FloodResult(target, error == null ? why : error + "; " + why, thresholdMillis, baseline, attack,
                burst, burstSeconds, probeClosed, probeDuplicates, attempts, bigPacket, rssBeforeAttack,
                rssMaxInAttack, peakRssBytes, brokerCpuSeconds);
    }

    /**
     * The requirement: the well-behaved client stayed connected and the median round trip of the messages
     * it sent under attack (unanswered ones counted as still waiting) stayed below the threshold.
     */
    public boolean pass() {
        return error == null && probeClosed == null && attack.messages() > 0
                && attack.p50Nanos() < thresholdMillis * 1e6;
    }

    /** "pass" or "FAIL" with the reason. */
    public String verdict() {
        if (pass()) {
            return "pass";
        }
        if (error != null) {
            return "FAIL (" + error + ")";
        }
        if (probeClosed != null) {
            return "FAIL (well-behaved client: " + probeClosed + ")";
        }
        if (attack.messages() == 0) {
            return "FAIL (no message sent under attack)";
        }
        return String.format(Locale.ROOT, "FAIL (median %.1f ms ≥ %.0f ms)", attack.p50Nanos() / 1e6, thresholdMillis);
    }

    /** A one-line summary for logs. */
    public String summary() {
        AttackTally.KindCounts t = attempts.total();
        return String.format(Locale.ROOT, "flood @ %s: %s; round trip p50/p99/max baseline %s, under attack %s "
                        + "(%d of %d missing); attempts %d: %d connected, %d refused, %d timed out, %d failed, "
                        + "%d closed by the broker; big packet: %s; RSS %d → max %d MiB",
                target, verdict(), ms3(baseline), ms3(attack), attack.missing(), attack.messages(), t.attempted(),
                t.connected(), t.refused(), t.timedOut(), t.failed(), t.closedByBroker(), bigPacket.describe(),
                rssBeforeAttack >> 20, rssMaxInAttack >> 20);
    }

    private static String ms3(RttSummary r) {
        return r.messages() == 0 ? "–" : String.format(Locale.ROOT, "%.2f/%.2f/%.2f ms", r.p50Nanos() / 1e6,
                r.p99Nanos() / 1e6, r.maxNanos() / 1e6);
    }
}
