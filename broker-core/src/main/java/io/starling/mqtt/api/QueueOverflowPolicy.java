package io.starling.mqtt.api;

/** What happens when a session's queue of QoS 1/2 messages waiting for delivery is full. */
public enum QueueOverflowPolicy {
    /**
     * The default: the session is discarded (its connection, if any, is closed), so the client sees
     * session-present 0 when it comes back and knows it lost messages. Counted and logged.
     */
    DISCARD_SESSION,
    /** The oldest queued message is dropped to make room. Counted and logged. */
    DROP_OLDEST,
    /** The new message is not queued. Counted and logged. */
    DROP_NEWEST
}
