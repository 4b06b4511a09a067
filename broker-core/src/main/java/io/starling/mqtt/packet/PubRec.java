package io.starling.mqtt.packet;

/** PUBREC: carries only the packet identifier it answers [MQTT-2.3.1-6]. */
public record PubRec(int packetId) implements MqttPacket {
    public PubRec {
        PacketIds.require(packetId);
    }

    @Override
    public PacketType type() {
        return PacketType.PUBREC;
    }
}
