package io.starling.mqtt.packet;

/** PUBACK: carries only the packet identifier it answers [MQTT-2.3.1-6]. */
public record PubAck(int packetId) implements MqttPacket {
    public PubAck {
        PacketIds.require(packetId);
    }

    @Override
    public PacketType type() {
        return PacketType.PUBACK;
    }
}
