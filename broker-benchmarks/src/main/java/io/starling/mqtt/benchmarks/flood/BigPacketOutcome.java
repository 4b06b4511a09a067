package io.starling.mqtt.benchmarks.flood;

/**
 * What the broker did with the client that declared a huge PUBLISH.
 *
 * @param declared the remaining length its header declared
 * @param connacked whether its CONNECT was accepted (the header is only sent after the CONNACK)
 * @param headerSent whether the PUBLISH header went out
 * @param closedByBroker whether the broker closed the connection before the attack ended
 * @param bytesAfterHeader body bytes the kernel took from the client before the close was seen (or until the end)
 * @param millisToClose from the header's write to the close, -1 when not closed
 * @param sentWhole whether the whole declared body went out
 * @param note the connection error, if any (a reset says the broker closed with bytes unread)
 */
public record BigPacketOutcome(int declared, boolean connacked, boolean headerSent, boolean closedByBroker,
        long bytesAfterHeader, double millisToClose, boolean sentWhole, String note) {
    public static final BigPacketOutcome NONE = new BigPacketOutcome(0, false, false, false, 0, -1, false, "not run");

    /** One phrase for the report. */
    public String describe() {
        if (!headerSent) {
            return connacked ? "header not sent" : "no CONNACK, header not sent" + (note != null ? " (" + note + ")" : "");
        }
        String body = String.format(java.util.Locale.ROOT, "%,d body bytes", bytesAfterHeader);
        if (closedByBroker) {
            return String.format(java.util.Locale.ROOT, "closed %.0f ms after the header, %s taken", millisToClose, body)
                    + (sentWhole ? " (the whole declared body)" : "");
        }
        return "still open at the end, " + body + " taken" + (sentWhole ? " (the whole declared body)" : "");
    }
}
