package io.starling.mqtt.packet;

import io.starling.mqtt.topic.TopicFilter;
import java.util.List;

/** UNSUBSCRIBE: at least one filter [MQTT-3.10.3-2], a non-zero packet id [MQTT-2.3.1-1]. */
public record Unsubscribe(int packetId, List<TopicFilter> filters) implements MqttPacket {
    public Unsubscribe {
        PacketIds.require(packetId);
        filters = List.copyOf(filters);
        if (filters.isEmpty()) {
            throw new IllegalArgumentException("UNSUBSCRIBE needs at least one filter [MQTT-3.10.3-2]");
        }
    }

    @Override
    public PacketType type() {
        return PacketType.UNSUBSCRIBE;
    }
}
