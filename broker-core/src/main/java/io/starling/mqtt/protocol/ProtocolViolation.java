package io.starling.mqtt.protocol;

/**
 * A client broke a rule of the standard that is only visible in context (packet order, state). Thrown by the
 * packet handlers, caught once in {@link Connection}, which logs it with the client id and closes the connection.
 * Stackless: it is control flow, not a bug.
 */
public final class ProtocolViolation extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String statementId;

    public ProtocolViolation(String statementId, String reason) {
        super(reason, null, false, false);
        this.statementId = statementId;
    }

    /** The statement of MQTT 3.1.1 that was broken, e.g. {@code MQTT-3.1.0-2}. */
    public String statementId() {
        return statementId;
    }
}
