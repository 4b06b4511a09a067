package io.starling.mqtt.netty.codec;

import io.netty.buffer.ByteBuf;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.packet.PacketType;
import io.starling.mqtt.packet.Publish;

/** PUBLISH. The topic's UTF-8 bytes are cached by TopicName, so fan-out to many subscribers encodes them once. */
final class PublishEncoder {
    private static final int DUP = 0x08;
    private static final int RETAIN = 0x01;
    private static final int QOS_SHIFT = 1;

    private PublishEncoder() {}

    static ByteBuf encode(BufferSource alloc, Publish publish) {
        byte[] topic = publish.topic().utf8();
        boolean hasPacketId = publish.qos() != QoS.AT_MOST_ONCE; // [MQTT-2.3.1-5]
        long remaining = Encoding.LENGTH_PREFIX + topic.length + (hasPacketId ? Encoding.PACKET_ID : 0)
                + (long) publish.payload().length;
        int firstByte = PacketType.PUBLISH.value() << 4 | (publish.dup() ? DUP : 0)
                | publish.qos().value() << QOS_SHIFT | (publish.retain() ? RETAIN : 0);
        ByteBuf buf = Encoding.fixedHeader(alloc, firstByte, remaining);
        Encoding.writePrefixed(buf, topic);
        if (hasPacketId) {
            buf.writeShort(publish.packetId());
        }
        buf.writeBytes(publish.payload());
        return buf;
    }
}
