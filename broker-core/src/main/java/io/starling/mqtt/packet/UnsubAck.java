package io.starling.mqtt.packet;

/** UNSUBACK: carries only the packet identifier it answers [MQTT-2.3.1-6]. */
public record UnsubAck(int packetId) implements MqttPacket {
    public UnsubAck {
        PacketIds.require(packetId);
    }

    @Override
    public PacketType type() {
        return PacketType.UNSUBACK;
    }
}
