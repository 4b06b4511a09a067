package io.starling.mqtt.packet;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.topic.TopicName;
import java.util.Arrays;
import java.util.Objects;

/**
 * PUBLISH. {@code packetId} is 0 exactly when QoS is 0 [MQTT-2.3.1-5]; a QoS 0 PUBLISH never has DUP set
 * [MQTT-3.3.1-2]. The payload array is shared, never copied, never modified.
 */
public record Publish(TopicName topic, QoS qos, boolean dup, boolean retain, int packetId, byte[] payload)
        implements MqttPacket {
    public Publish {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(qos, "qos");
        Objects.requireNonNull(payload, "payload");
        if (qos == QoS.AT_MOST_ONCE) {
            if (packetId != 0) {
                throw new IllegalArgumentException("a QoS 0 PUBLISH has no packet identifier [MQTT-2.3.1-5]");
            }
            if (dup) {
                throw new IllegalArgumentException("a QoS 0 PUBLISH has DUP 0 [MQTT-3.3.1-2]");
            }
        } else {
            PacketIds.require(packetId);
        }
    }

    /** The PUBLISH that delivers {@code message} for the first time. */
    public static Publish of(Message message, int packetId) {
        return new Publish(message.topic(), message.qos(), false, message.retain(), packetId, message.payload());
    }

    public Message toMessage() {
        return new Message(topic, payload, qos, retain);
    }

    public Publish withDup() {
        return dup ? this : new Publish(topic, qos, true, retain, packetId, payload);
    }

    @Override
    public PacketType type() {
        return PacketType.PUBLISH;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Publish p && topic.equals(p.topic) && qos == p.qos && dup == p.dup && retain == p.retain
                && packetId == p.packetId && Arrays.equals(payload, p.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, qos, dup, retain, packetId, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "Publish[topic=" + topic + ", qos=" + qos.value() + ", dup=" + dup + ", retain=" + retain
                + ", packetId=" + packetId + ", payload=" + payload.length + " bytes]";
    }
}
