package io.starling.mqtt.netty.codec;

import io.netty.buffer.ByteBuf;
import io.starling.mqtt.packet.ConnAck;
import io.starling.mqtt.packet.ConnectReturnCode;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PacketType;

/** CONNACK: acknowledge flags (only bit 0, session present, may be set) and a return code from Table 3.1. */
final class ConnAckDecoder implements PacketDecoder {
    static final ConnAckDecoder INSTANCE = new ConnAckDecoder();

    private static final int REMAINING_LENGTH = 2;
    private static final int SESSION_PRESENT = 0x01;
    private static final int MAX_RETURN_CODE = 5;

    private ConnAckDecoder() {}

    @Override
    public MqttPacket decode(PacketType type, int flags, ByteBuf body) {
        if (body.readableBytes() != REMAINING_LENGTH) {
            throw new MalformedPacketException("CONNACK remaining length must be 2, was " + body.readableBytes());
        }
        int ackFlags = body.readUnsignedByte();
        if ((ackFlags & ~SESSION_PRESENT) != 0) {
            throw new MalformedPacketException("CONNACK acknowledge flags bits 7-1 are reserved and must be 0, were 0x"
                    + Integer.toHexString(ackFlags) + " (section 3.2.2.1)");
        }
        int code = body.readUnsignedByte();
        if (code > MAX_RETURN_CODE) {
            throw new MalformedPacketException("CONNACK return code " + code + " is reserved (Table 3.1)");
        }
        // The record rejects session present with a refusal [MQTT-3.2.2-4]; the frame decoder wraps that.
        return new ConnAck((ackFlags & SESSION_PRESENT) != 0, ConnectReturnCode.of(code));
    }
}
