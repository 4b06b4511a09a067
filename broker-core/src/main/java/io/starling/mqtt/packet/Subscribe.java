package io.starling.mqtt.packet;

import java.util.List;

/** SUBSCRIBE: at least one filter [MQTT-3.8.3-3], a non-zero packet id [MQTT-2.3.1-1]. */
public record Subscribe(int packetId, List<Subscription> subscriptions) implements MqttPacket {
    public Subscribe {
        PacketIds.require(packetId);
        subscriptions = List.copyOf(subscriptions);
        if (subscriptions.isEmpty()) {
            throw new IllegalArgumentException("SUBSCRIBE needs at least one filter [MQTT-3.8.3-3]");
        }
    }

    @Override
    public PacketType type() {
        return PacketType.SUBSCRIBE;
    }
}
