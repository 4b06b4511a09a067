package io.starling.mqtt.netty.codec;

import io.netty.buffer.ByteBuf;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.packet.PacketType;
import io.starling.mqtt.packet.Publish;
import io.starling.mqtt.topic.TopicName;
import java.nio.charset.StandardCharsets;

/**
 * PUBLISH. An ASCII topic is written straight from its string; any other's UTF-8 bytes are cached by TopicName, so
 * fan-out to many subscribers encodes them once.
 */
final class PublishEncoder {
    private static final int DUP = 0x08;
    private static final int RETAIN = 0x01;
    private static final int QOS_SHIFT = 1;

    private PublishEncoder() {}

    static ByteBuf encode(BufferSource alloc, Publish publish) {
        TopicName topic = publish.topic();
        boolean hasPacketId = publish.qos() != QoS.AT_MOST_ONCE; // [MQTT-2.3.1-5]
        long remaining = Encoding.LENGTH_PREFIX + topic.utf8Length() + (hasPacketId ? Encoding.PACKET_ID : 0)
                + (long) publish.payload().length;
        int firstByte = PacketType.PUBLISH.value() << 4 | (publish.dup() ? DUP : 0)
                | publish.qos().value() << QOS_SHIFT | (publish.retain() ? RETAIN : 0);
        ByteBuf buf = Encoding.fixedHeader(alloc, firstByte, remaining);
        if (topic.isAscii()) {
            buf.writeShort(topic.utf8Length());
            buf.writeCharSequence(topic.value(), StandardCharsets.US_ASCII);
        } else {
            Encoding.writePrefixed(buf, topic.utf8());
        }
        if (hasPacketId) {
            buf.writeShort(publish.packetId());
        }
        buf.writeBytes(publish.payload());
        return buf;
    }
}
