package io.starling.mqtt.netty.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PacketType;
import java.util.EnumMap;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.Map;

/**
 * Frames the byte stream into MQTT 3.1.1 packets and hands each complete frame to its per-type decoder. It decodes
 * all fourteen types, so tests can also use it on the client side.
 *
 * <p>The declared size is checked against the limit as soon as the fixed header is complete, before the body is
 * buffered: a peer declaring 256 MB never makes us hold more than what it actually sent below the limit.
 *
 * <p>On the first malformed packet the decoder fires {@link MalformedPacketException} once and then discards
 * everything the channel delivers. It does not close the channel: the inbound handler owns that decision (and
 * answers {@link UnsupportedProtocolLevelException} with a CONNACK first). Not sharable: it holds per-channel state.
 */
public final class MqttFrameDecoder extends ByteToMessageDecoder {
    /** The largest value the four-byte remaining length can express (section 2.2.3). */
    public static final int MAX_REMAINING_LENGTH = 268_435_455;
    /** The largest packet MQTT 3.1.1 can frame: first byte, four length bytes, body. */
    public static final int MAX_PACKET_SIZE = 1 + 4 + MAX_REMAINING_LENGTH;

    private static final int MIN_PACKET_SIZE = 2;
    private static final int MAX_LENGTH_BYTES = 4;
    private static final int CONTINUATION = 0x80;
    private static final Map<PacketType, PacketDecoder> DECODERS = decoders();

    private final int maxPacketSize;
    private final IntConsumer frameSizes;
    private boolean failed;

    /** @param maxPacketSize the largest whole packet accepted, fixed header included */
    public MqttFrameDecoder(int maxPacketSize) {
        this(maxPacketSize, size -> { });
    }

    /** @param frameSizes told the size of every whole frame decoded (for byte counters) */
    public MqttFrameDecoder(int maxPacketSize, IntConsumer frameSizes) {
        if (maxPacketSize < MIN_PACKET_SIZE || maxPacketSize > MAX_PACKET_SIZE) {
            throw new IllegalArgumentException(
                    "maxPacketSize must be " + MIN_PACKET_SIZE + ".." + MAX_PACKET_SIZE + ", was " + maxPacketSize);
        }
        this.maxPacketSize = maxPacketSize;
        this.frameSizes = frameSizes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            MqttPacket packet = decodeFrame(in);
            if (packet != null) {
                out.add(packet);
            }
        } catch (MalformedPacketException e) {
            fail(ctx, in, e);
        } catch (IllegalArgumentException e) {
            // A core constructor (record, TopicName, QoS) refused a value; its message names the rule.
            fail(ctx, in, MalformedPacketException.from(e));
        } catch (RuntimeException bug) {
            // Not the peer's fault, but the stream position is unknown now: stop decoding and let Netty report it.
            failed = true;
            in.skipBytes(in.readableBytes());
            throw bug;
        }
    }

    /** Returns null, consuming nothing, while the frame is incomplete. */
    private MqttPacket decodeFrame(ByteBuf in) {
        if (!in.isReadable()) {
            return null;
        }
        int start = in.readerIndex();
        int firstByte = in.getUnsignedByte(start);
        PacketType type = FixedHeaderFlags.check(firstByte);

        int remainingLength = 0;
        int headerLength = 1;
        int digit;
        do {
            if (headerLength > MAX_LENGTH_BYTES) {
                throw new MalformedPacketException("remaining length continues past four bytes (section 2.2.3)");
            }
            if (in.readableBytes() <= headerLength) {
                return null;
            }
            digit = in.getUnsignedByte(start + headerLength);
            remainingLength |= (digit & ~CONTINUATION) << (7 * (headerLength - 1));
            headerLength++;
        } while ((digit & CONTINUATION) != 0);

        long packetSize = (long) headerLength + remainingLength;
        if (packetSize > maxPacketSize) {
            throw new PacketTooLargeException(packetSize, maxPacketSize);
        }
        if (in.readableBytes() < packetSize) {
            return null;
        }
        in.skipBytes(headerLength);
        frameSizes.accept((int) packetSize);
        ByteBuf body = in.readSlice(remainingLength);
        MqttPacket packet = DECODERS.get(type).decode(type, firstByte & 0x0F, body);
        if (body.isReadable()) {
            // Every decoder consumes or rejects its whole body today; this keeps a future one from silently
            // accepting trailing bytes.
            throw new MalformedPacketException(body.readableBytes() + " unread bytes at the end of " + type);
        }
        return packet;
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, MalformedPacketException e) {
        // Set before firing: the handler may close the channel re-entrantly, and nothing may be decoded after this.
        failed = true;
        in.skipBytes(in.readableBytes());
        ctx.fireExceptionCaught(e);
    }

    private static Map<PacketType, PacketDecoder> decoders() {
        Map<PacketType, PacketDecoder> decoders = new EnumMap<>(PacketType.class);
        decoders.put(PacketType.CONNECT, ConnectDecoder.INSTANCE);
        decoders.put(PacketType.CONNACK, ConnAckDecoder.INSTANCE);
        decoders.put(PacketType.PUBLISH, PublishDecoder.INSTANCE);
        decoders.put(PacketType.SUBSCRIBE, SubscribeDecoder.INSTANCE);
        decoders.put(PacketType.SUBACK, SubAckDecoder.INSTANCE);
        decoders.put(PacketType.UNSUBSCRIBE, UnsubscribeDecoder.INSTANCE);
        for (PacketType type : PacketType.values()) {
            if (AckDecoder.handles(type)) {
                decoders.put(type, AckDecoder.INSTANCE);
            }
        }
        decoders.put(PacketType.PINGREQ, EmptyPacketDecoder.INSTANCE);
        decoders.put(PacketType.PINGRESP, EmptyPacketDecoder.INSTANCE);
        decoders.put(PacketType.DISCONNECT, EmptyPacketDecoder.INSTANCE);
        return decoders;
    }
}
