package io.starling.mqtt.packet;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.topic.TopicName;
import java.util.Arrays;
import java.util.Objects;

/** The will a CONNECT carries: published if the connection ends without DISCONNECT [MQTT-3.1.2-8]. */
public record Will(TopicName topic, byte[] payload, QoS qos, boolean retain) {
    public Will {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(qos, "qos");
    }

    public Message toMessage() {
        return new Message(topic, payload, qos, retain);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Will w && topic.equals(w.topic) && qos == w.qos && retain == w.retain
                && Arrays.equals(payload, w.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, qos, retain, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "Will[topic=" + topic + ", qos=" + qos.value() + ", retain=" + retain + ", payload=" + payload.length + " bytes]";
    }
}
