package io.starling.mqtt.packet;

/** PINGREQ: a fixed header and nothing else. */
public record PingReq() implements MqttPacket {
    public static final PingReq INSTANCE = new PingReq();

    @Override
    public PacketType type() {
        return PacketType.PINGREQ;
    }
}
