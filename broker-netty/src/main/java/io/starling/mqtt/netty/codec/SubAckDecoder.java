package io.starling.mqtt.netty.codec;

import io.netty.buffer.ByteBuf;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PacketType;
import io.starling.mqtt.packet.SubAck;
import java.util.ArrayList;
import java.util.List;

/** SUBACK: a packet identifier and one return code per requested filter [MQTT-3.9.3-1]. */
final class SubAckDecoder implements PacketDecoder {
    static final SubAckDecoder INSTANCE = new SubAckDecoder();

    private SubAckDecoder() {}

    @Override
    public MqttPacket decode(PacketType type, int flags, ByteBuf body) {
        int packetId = FieldReader.packetId(body, type);
        if (!body.isReadable()) {
            throw new MalformedPacketException("SUBACK carries no return code", "MQTT-3.9.3-1");
        }
        List<Integer> codes = new ArrayList<>(body.readableBytes());
        while (body.isReadable()) {
            int code = body.readUnsignedByte();
            if (code > 2 && code != SubAck.FAILURE) {
                throw new MalformedPacketException("SUBACK return code 0x" + Integer.toHexString(code)
                        + " is not 0x00, 0x01, 0x02 or 0x80", "MQTT-3.9.3-2");
            }
            codes.add(code);
        }
        return new SubAck(packetId, codes);
    }
}
