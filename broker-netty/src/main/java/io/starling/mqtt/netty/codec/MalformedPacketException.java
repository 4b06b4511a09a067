package io.starling.mqtt.netty.codec;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bytes that are not a well-formed MQTT 3.1.1 packet. Stackless: a peer can trigger it at will, so building a
 * stack trace per bad packet would hand an attacker a cheap CPU amplifier, and the reason plus the statement ID
 * say all the trace would.
 */
public class MalformedPacketException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final Pattern STATEMENT_ID = Pattern.compile("\\[(MQTT-[0-9.\\-]+)]");

    private final String reason;
    private final String statementId;

    public MalformedPacketException(String reason) {
        this(reason, null, null);
    }

    /** {@code statementId} such as {@code "MQTT-3.1.2-3"}, or null when no numbered statement covers the rule. */
    public MalformedPacketException(String reason, String statementId) {
        this(reason, statementId, null);
    }

    protected MalformedPacketException(String reason, String statementId, Throwable cause) {
        super(withId(reason, statementId), cause, false, false);
        this.reason = reason;
        this.statementId = statementId;
    }

    /**
     * Wraps a validation failure from a core constructor (a record or a topic type), whose message names the rule
     * in brackets; the first bracketed ID becomes the statement ID.
     */
    static MalformedPacketException from(String reason, IllegalArgumentException cause) {
        Matcher m = STATEMENT_ID.matcher(reason);
        return new MalformedPacketException(reason, m.find() ? m.group(1) : null, cause);
    }

    static MalformedPacketException from(IllegalArgumentException cause) {
        return from(String.valueOf(cause.getMessage()), cause);
    }

    /** The human-readable reason, without the appended statement ID. */
    public String reason() {
        return reason;
    }

    public Optional<String> statementId() {
        return Optional.ofNullable(statementId);
    }

    private static String withId(String reason, String statementId) {
        if (statementId == null || reason.contains("[" + statementId + "]")) {
            return reason;
        }
        return reason + " [" + statementId + "]";
    }
}
