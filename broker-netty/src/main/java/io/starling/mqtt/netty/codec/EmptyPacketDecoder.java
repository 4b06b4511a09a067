package io.starling.mqtt.netty.codec;

import io.netty.buffer.ByteBuf;
import io.starling.mqtt.packet.Disconnect;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PacketType;
import io.starling.mqtt.packet.PingReq;
import io.starling.mqtt.packet.PingResp;
import java.util.EnumMap;
import java.util.Map;

/** PINGREQ, PINGRESP and DISCONNECT: a fixed header with remaining length 0 and nothing else. */
final class EmptyPacketDecoder implements PacketDecoder {
    static final EmptyPacketDecoder INSTANCE = new EmptyPacketDecoder();

    private static final Map<PacketType, MqttPacket> PACKETS = new EnumMap<>(Map.of(
            PacketType.PINGREQ, PingReq.INSTANCE,
            PacketType.PINGRESP, PingResp.INSTANCE,
            PacketType.DISCONNECT, Disconnect.INSTANCE));

    private EmptyPacketDecoder() {}

    @Override
    public MqttPacket decode(PacketType type, int flags, ByteBuf body) {
        if (body.isReadable()) {
            throw new MalformedPacketException(type + " remaining length must be 0, was " + body.readableBytes());
        }
        return PACKETS.get(type);
    }
}
