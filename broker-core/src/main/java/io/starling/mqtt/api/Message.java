package io.starling.mqtt.api;

import io.starling.mqtt.topic.TopicName;
import java.util.Arrays;
import java.util.Objects;

/**
 * An application message: what a publisher sent, independent of any delivery (no packet id, no DUP flag).
 * Shared by every delivery of one publish; the payload array is never modified after construction.
 */
public record Message(TopicName topic, byte[] payload, QoS qos, boolean retain) {
    public Message {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(qos, "qos");
    }

    /** Convenience for embedding code: validates the topic name. */
    public static Message of(String topic, byte[] payload, QoS qos, boolean retain) {
        return new Message(TopicName.of(topic), payload.clone(), qos, retain);
    }

    public Message withRetain(boolean newRetain) {
        return newRetain == retain ? this : new Message(topic, payload, qos, newRetain);
    }

    public Message withQos(QoS newQos) {
        return newQos == qos ? this : new Message(topic, payload, newQos, retain);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message m && topic.equals(m.topic) && qos == m.qos && retain == m.retain
                && Arrays.equals(payload, m.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, qos, retain, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "Message[topic=" + topic + ", qos=" + qos.value() + ", retain=" + retain + ", payload=" + payload.length + " bytes]";
    }
}
