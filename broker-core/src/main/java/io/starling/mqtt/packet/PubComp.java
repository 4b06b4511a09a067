package io.starling.mqtt.packet;

/** PUBCOMP: carries only the packet identifier it answers [MQTT-2.3.1-6]. */
public record PubComp(int packetId) implements MqttPacket {
    public PubComp {
        PacketIds.require(packetId);
    }

    @Override
    public PacketType type() {
        return PacketType.PUBCOMP;
    }
}
