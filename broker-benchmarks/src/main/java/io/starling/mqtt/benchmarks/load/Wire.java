package io.starling.mqtt.benchmarks.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * The generator's own MQTT 3.1.1 client-side codec: just the packets the scenarios use, written straight into pooled
 * buffers, and a frame splitter that reads in place. The payload of every PUBLISH starts with the publisher's index,
 * its sequence number and the send time ({@link System#nanoTime()}), {@link #PAYLOAD_HEADER} bytes in all.
 */
public final class Wire {
    public static final int CONNECT = 1;
    public static final int CONNACK = 2;
    public static final int PUBLISH = 3;
    public static final int PUBACK = 4;
    public static final int PUBREC = 5;
    public static final int PUBREL = 6;
    public static final int PUBCOMP = 7;
    public static final int SUBSCRIBE = 8;
    public static final int SUBACK = 9;
    public static final int PINGREQ = 12;
    public static final int PINGRESP = 13;
    public static final int DISCONNECT = 14;

    /** int publisher index, long sequence number, long send time in nanoseconds. */
    public static final int PAYLOAD_HEADER = 4 + 8 + 8;
    /** A frame splitter's answer when the buffer does not hold a whole frame yet. */
    public static final long INCOMPLETE = -1;

    private static final byte[] PROTOCOL_NAME = {0, 4, 'M', 'Q', 'T', 'T'};

    private Wire() {}

    public static int varIntSize(int value) {
        return value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;
    }

    public static void writeVarInt(ByteBuf out, int value) {
        do {
            int digit = value & 0x7f;
            value >>>= 7;
            out.writeByte(value > 0 ? digit | 0x80 : digit);
        } while (value > 0);
    }

    /**
     * The frame at the reader index: {@code (headerLength << 32) | remainingLength}, or {@link #INCOMPLETE}.
     * Does not move the reader index.
     */
    public static long frame(ByteBuf in) {
        int start = in.readerIndex();
        int readable = in.readableBytes();
        int remaining = 0;
        int multiplier = 1;
        for (int i = 1; i <= 4; i++) {
            if (i >= readable) {
                return INCOMPLETE;
            }
            int digit = in.getUnsignedByte(start + i);
            remaining += (digit & 0x7f) * multiplier;
            if ((digit & 0x80) == 0) {
                return readable >= i + 1 + remaining ? ((long) (i + 1) << 32) | remaining : INCOMPLETE;
            }
            multiplier <<= 7;
        }
        throw new IllegalStateException("malformed remaining length");
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static ByteBuf connect(ByteBufAllocator alloc, String clientId, int keepAliveSeconds) {
        return connect(alloc, clientId, keepAliveSeconds, true);
    }

    /** CONNECT; {@code cleanSession} false asks for a persistent session (stored by a durable broker). */
    public static ByteBuf connect(ByteBufAllocator alloc, String clientId, int keepAliveSeconds, boolean cleanSession) {
        byte[] id = utf8(clientId);
        int remaining = PROTOCOL_NAME.length + 1 + 1 + 2 + 2 + id.length;
        ByteBuf out = alloc.ioBuffer(1 + varIntSize(remaining) + remaining);
        out.writeByte(CONNECT << 4);
        writeVarInt(out, remaining);
        out.writeBytes(PROTOCOL_NAME);
        out.writeByte(4); // protocol level 3.1.1
        out.writeByte(cleanSession ? 0x02 : 0);
        out.writeShort(keepAliveSeconds);
        out.writeShort(id.length);
        out.writeBytes(id);
        return out;
    }

    public static ByteBuf subscribe(ByteBufAllocator alloc, int packetId, String filter, int qos) {
        byte[] f = utf8(filter);
        int remaining = 2 + 2 + f.length + 1;
        ByteBuf out = alloc.ioBuffer(1 + varIntSize(remaining) + remaining);
        out.writeByte(SUBSCRIBE << 4 | 0x02);
        writeVarInt(out, remaining);
        out.writeShort(packetId);
        out.writeShort(f.length);
        out.writeBytes(f);
        out.writeByte(qos);
        return out;
    }

    /** PUBACK, PUBREC, PUBREL (flags 0010) or PUBCOMP with a packet id. */
    public static void writeAck(ByteBuf out, int type, int packetId) {
        out.writeByte(type << 4 | (type == PUBREL ? 0x02 : 0));
        out.writeByte(2);
        out.writeShort(packetId);
    }

    public static ByteBuf twoBytes(ByteBufAllocator alloc, int type) {
        return alloc.ioBuffer(2).writeByte(type << 4).writeByte(0);
    }

    /** Bytes of one PUBLISH frame with this topic (UTF-8 length), QoS and payload size. */
    public static int publishFrameLength(int topicLength, int qos, int payloadSize) {
        int remaining = publishRemaining(topicLength, qos, payloadSize);
        return 1 + varIntSize(remaining) + remaining;
    }

    private static int publishRemaining(int topicLength, int qos, int payloadSize) {
        return 2 + topicLength + (qos > 0 ? 2 : 0) + payloadSize;
    }

    public static void writePublish(ByteBuf out, byte[] topic, int qos, int packetId, int payloadSize,
            int publisher, long sequence, long sentNanos) {
        out.writeByte(PUBLISH << 4 | qos << 1);
        writeVarInt(out, publishRemaining(topic.length, qos, payloadSize));
        out.writeShort(topic.length);
        out.writeBytes(topic);
        if (qos > 0) {
            out.writeShort(packetId);
        }
        out.writeInt(publisher);
        out.writeLong(sequence);
        out.writeLong(sentNanos);
        out.writeZero(payloadSize - PAYLOAD_HEADER);
    }
}
