package io.starling.mqtt.session;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;

/**
 * A server-to-client QoS 1/2 delivery awaiting acknowledgement. {@code released} means PUBREC came and PUBREL
 * was sent, so only PUBCOMP is awaited and the PUBLISH is never sent again [MQTT-4.3.3-1]. {@code key} is its key
 * in the session store, 0 when it is not stored.
 */
record InflightMessage(int packetId, Message message, QoS qos, boolean released, long key) {
    InflightMessage release() {
        return new InflightMessage(packetId, message, qos, true, key);
    }
}
