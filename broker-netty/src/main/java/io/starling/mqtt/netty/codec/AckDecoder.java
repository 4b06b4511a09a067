package io.starling.mqtt.netty.codec;

import io.netty.buffer.ByteBuf;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PacketType;
import io.starling.mqtt.packet.PubAck;
import io.starling.mqtt.packet.PubComp;
import io.starling.mqtt.packet.PubRec;
import io.starling.mqtt.packet.PubRel;
import io.starling.mqtt.packet.UnsubAck;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.IntFunction;

/** PUBACK, PUBREC, PUBREL, PUBCOMP and UNSUBACK: a non-zero packet identifier and nothing else. */
final class AckDecoder implements PacketDecoder {
    static final AckDecoder INSTANCE = new AckDecoder();

    private static final int REMAINING_LENGTH = 2;
    private static final Map<PacketType, IntFunction<MqttPacket>> FACTORIES = new EnumMap<>(Map.of(
            PacketType.PUBACK, PubAck::new,
            PacketType.PUBREC, PubRec::new,
            PacketType.PUBREL, PubRel::new,
            PacketType.PUBCOMP, PubComp::new,
            PacketType.UNSUBACK, UnsubAck::new));

    private AckDecoder() {}

    static boolean handles(PacketType type) {
        return FACTORIES.containsKey(type);
    }

    @Override
    public MqttPacket decode(PacketType type, int flags, ByteBuf body) {
        if (body.readableBytes() != REMAINING_LENGTH) {
            throw new MalformedPacketException(
                    type + " remaining length must be " + REMAINING_LENGTH + ", was " + body.readableBytes());
        }
        return FACTORIES.get(type).apply(FieldReader.packetId(body, type));
    }
}
