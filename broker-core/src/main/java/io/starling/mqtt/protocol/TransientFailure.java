package io.starling.mqtt.protocol;

/**
 * Handling one packet failed for a reason that is not the client's fault (a user callback threw, a store failed).
 * The connection closes [MQTT-4.8.0-2]; other clients are not affected. Thrown at the call site that caught the
 * cause, caught once in {@link Connection}.
 */
final class TransientFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TransientFailure(String what, Throwable cause) {
        super(what + " failed: " + cause, cause, false, false);
    }
}
