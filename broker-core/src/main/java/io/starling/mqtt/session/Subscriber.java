package io.starling.mqtt.session;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;

/** Anything the subscription index can hold: a client session or an in-process listener. */
public interface Subscriber {
    /**
     * Hands over one message at {@code qos} (already the minimum of published and granted QoS). Called from the
     * publisher's thread: implementations hop to their own executor and never block.
     */
    void deliver(Message message, QoS qos);

    /**
     * Whether its publishers should pause: it is falling behind and taking messages still (back-pressure instead of
     * a full queue). Called from publishers' threads; never blocks.
     */
    default boolean congested() {
        return false;
    }
}
