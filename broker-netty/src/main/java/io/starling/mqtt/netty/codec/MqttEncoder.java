package io.starling.mqtt.netty.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.starling.mqtt.packet.ConnAck;
import io.starling.mqtt.packet.Connect;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PacketType;
import io.starling.mqtt.packet.PubAck;
import io.starling.mqtt.packet.PubComp;
import io.starling.mqtt.packet.PubRec;
import io.starling.mqtt.packet.PubRel;
import io.starling.mqtt.packet.Publish;
import io.starling.mqtt.packet.SubAck;
import io.starling.mqtt.packet.Subscribe;
import io.starling.mqtt.packet.UnsubAck;
import io.starling.mqtt.packet.Unsubscribe;
import java.util.List;

/**
 * Encodes packets into buffers of exactly their size: every field length is known from the immutable packet, so
 * computing it first avoids the grow-and-copy of a guessed initial capacity. Stateless and sharable.
 */
@Sharable
public final class MqttEncoder extends MessageToMessageEncoder<MqttPacket> {
    public static final MqttEncoder INSTANCE = new MqttEncoder();

    private static final int ID_ONLY_LENGTH = Encoding.PACKET_ID;
    private static final int CONNACK_LENGTH = 2;

    public MqttEncoder() {
        super(MqttPacket.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, MqttPacket packet, List<Object> out) {
        out.add(encode(ctx.alloc(), packet));
    }

    /**
     * Encodes one packet outside any pipeline; the caller owns (and must release) the returned buffer.
     *
     * @throws EncoderException if a field cannot be represented on the wire, e.g. a string over 65535 bytes
     */
    public static ByteBuf encode(ByteBufAllocator alloc, MqttPacket packet) {
        return encode(BufferSource.exact(alloc), packet);
    }

    /**
     * Encodes one packet into the buffer {@code alloc} hands over and returns that buffer.
     *
     * @throws EncoderException if a field cannot be represented on the wire, before anything is written
     */
    public static ByteBuf encode(BufferSource alloc, MqttPacket packet) {
        return switch (packet.type()) {
            case CONNECT -> ConnectEncoder.encode(alloc, (Connect) packet);
            case CONNACK -> connAck(alloc, (ConnAck) packet);
            case PUBLISH -> PublishEncoder.encode(alloc, (Publish) packet);
            case PUBACK -> idOnly(alloc, packet.type(), ((PubAck) packet).packetId());
            case PUBREC -> idOnly(alloc, packet.type(), ((PubRec) packet).packetId());
            case PUBREL -> idOnly(alloc, packet.type(), ((PubRel) packet).packetId());
            case PUBCOMP -> idOnly(alloc, packet.type(), ((PubComp) packet).packetId());
            case SUBSCRIBE -> SubscriptionEncoder.subscribe(alloc, (Subscribe) packet);
            case SUBACK -> SubscriptionEncoder.subAck(alloc, (SubAck) packet);
            case UNSUBSCRIBE -> SubscriptionEncoder.unsubscribe(alloc, (Unsubscribe) packet);
            case UNSUBACK -> idOnly(alloc, packet.type(), ((UnsubAck) packet).packetId());
            case PINGREQ, PINGRESP, DISCONNECT -> Encoding.fixedHeader(alloc, firstByte(packet.type()), 0);
        };
    }

    private static ByteBuf connAck(BufferSource alloc, ConnAck connAck) {
        ByteBuf buf = Encoding.fixedHeader(alloc, firstByte(PacketType.CONNACK), CONNACK_LENGTH);
        buf.writeByte(connAck.sessionPresent() ? 1 : 0);
        buf.writeByte(connAck.returnCode().value());
        return buf;
    }

    private static ByteBuf idOnly(BufferSource alloc, PacketType type, int packetId) {
        ByteBuf buf = Encoding.fixedHeader(alloc, firstByte(type), ID_ONLY_LENGTH);
        buf.writeShort(packetId);
        return buf;
    }

    /** Non-PUBLISH types carry exactly their required flags [MQTT-2.2.2-1]. */
    private static int firstByte(PacketType type) {
        return type.value() << 4 | type.requiredFlags();
    }
}
