package io.starling.mqtt.packet;

/** DISCONNECT: a fixed header and nothing else. */
public record Disconnect() implements MqttPacket {
    public static final Disconnect INSTANCE = new Disconnect();

    @Override
    public PacketType type() {
        return PacketType.DISCONNECT;
    }
}
