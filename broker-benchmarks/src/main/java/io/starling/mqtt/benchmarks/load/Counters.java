package io.starling.mqtt.benchmarks.load;

/**
 * The generator's counters summed over its event loops at one moment.
 *
 * @param sent PUBLISH frames written by the publishers
 * @param completed QoS 1/2 publishes acknowledged by the broker (PUBACK, or PUBCOMP)
 * @param expected deliveries the sent messages should cause (one per matching subscription)
 * @param received PUBLISH frames received by the subscribers, duplicates included
 * @param unique first arrivals of a (publisher, sequence number) at a subscriber
 * @param duplicates repeated arrivals
 * @param late first arrivals after a higher sequence number of the same publisher (out of order)
 * @param tooOld arrivals too far behind to tell a duplicate from a late one
 * @param foreign received frames whose payload is not the generator's
 * @param disconnects connections the broker closed during the run
 * @param errors exceptions and protocol surprises
 * @param windowStalls rate-mode ticks that found the inflight window full
 * @param unexpectedAcks acknowledgements for packet ids not in flight
 * @param inflight QoS 1/2 publishes not yet acknowledged
 * @param firstError the first error's description, or null
 */
public record Counters(long sent, long completed, long expected, long received, long unique, long duplicates,
        long late, long tooOld, long foreign, long disconnects, long errors, long windowStalls, long unexpectedAcks,
        long inflight, String firstError) {
    public static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null);

    Counters plus(Counters o) {
        return new Counters(sent + o.sent, completed + o.completed, expected + o.expected, received + o.received,
                unique + o.unique, duplicates + o.duplicates, late + o.late, tooOld + o.tooOld, foreign + o.foreign,
                disconnects + o.disconnects, errors + o.errors, windowStalls + o.windowStalls,
                unexpectedAcks + o.unexpectedAcks, inflight + o.inflight,
                firstError != null ? firstError : o.firstError);
    }

    static Counters sum(java.util.List<Counters> list) {
        Counters total = ZERO;
        for (Counters c : list) {
            total = total.plus(c);
        }
        return total;
    }

    /** Expected deliveries that never arrived (negative: more unique arrivals than expected). */
    public long missing() {
        return expected - unique;
    }
}
