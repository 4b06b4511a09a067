package io.starling.mqtt.packet;

/** PUBREL: carries only the packet identifier it answers [MQTT-2.3.1-6]. */
public record PubRel(int packetId) implements MqttPacket {
    public PubRel {
        PacketIds.require(packetId);
    }

    @Override
    public PacketType type() {
        return PacketType.PUBREL;
    }
}
