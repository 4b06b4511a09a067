package io.starling.mqtt.packet;

import io.starling.mqtt.api.QoS;
import io.starling.mqtt.topic.TopicFilter;
import java.util.Objects;

/** One filter/requested-QoS pair of a SUBSCRIBE. */
public record Subscription(TopicFilter filter, QoS qos) {
    public Subscription {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(qos, "qos");
    }
}
