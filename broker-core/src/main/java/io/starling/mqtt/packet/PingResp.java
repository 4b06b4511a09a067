package io.starling.mqtt.packet;

/** PINGRESP: a fixed header and nothing else. */
public record PingResp() implements MqttPacket {
    public static final PingResp INSTANCE = new PingResp();

    @Override
    public PacketType type() {
        return PacketType.PINGRESP;
    }
}
