package io.starling.mqtt.netty.codec;

import io.netty.buffer.ByteBuf;
import io.starling.mqtt.packet.PacketType;
import io.starling.mqtt.topic.InvalidTopicException;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import java.nio.charset.CharacterCodingException;

/**
 * Reads the field kinds of section 1.5 from a frame body. Every read checks the bytes are there first, so a
 * short packet is reported as malformed with the field's statement ID instead of an IndexOutOfBoundsException.
 */
final class FieldReader {
    private static final int LENGTH_PREFIX = 2;

    private FieldReader() {}

    /** A packet identifier: two bytes, never 0 [MQTT-2.3.1-1]. */
    static int packetId(ByteBuf body, PacketType type) {
        if (body.readableBytes() < 2) {
            throw new MalformedPacketException(type + " ends before its packet identifier");
        }
        int id = body.readUnsignedShort();
        if (id == 0) {
            throw new MalformedPacketException(type + " has packet identifier 0", "MQTT-2.3.1-1");
        }
        return id;
    }

    static int unsignedByte(ByteBuf body, String what) {
        require(body, 1, what);
        return body.readUnsignedByte();
    }

    static int unsignedShort(ByteBuf body, String what) {
        require(body, 2, what);
        return body.readUnsignedShort();
    }

    /** A UTF-8 encoded string [MQTT-1.5.3-1] without U+0000 [MQTT-1.5.3-2]. */
    static String utf8(ByteBuf body, Field field) {
        String value = wellFormedUtf8(body, field);
        if (value.indexOf('\u0000') >= 0) {
            throw new MalformedPacketException(field.name() + " contains U+0000" + also(field), "MQTT-1.5.3-2");
        }
        return value;
    }

    static TopicName topicName(ByteBuf body, Field field) {
        String value = wellFormedUtf8(body, field);
        try {
            return TopicName.of(value);
        } catch (InvalidTopicException e) {
            throw MalformedPacketException.from(field.name() + ": " + e.getMessage() + also(field), e);
        }
    }

    static TopicFilter topicFilter(ByteBuf body, Field field) {
        String value = wellFormedUtf8(body, field);
        try {
            return TopicFilter.of(value);
        } catch (InvalidTopicException e) {
            throw MalformedPacketException.from(field.name() + ": " + e.getMessage() + also(field), e);
        }
    }

    /** Binary data with a two-byte length prefix (will message, password), copied out of the buffer. */
    static byte[] binary(ByteBuf body, Field field) {
        byte[] bytes = new byte[prefixedLength(body, field)];
        body.readBytes(bytes);
        return bytes;
    }

    // Topics are left to TopicName/TopicFilter for U+0000, so the reason names the topic rule [MQTT-4.7.3-2].
    private static String wellFormedUtf8(ByteBuf body, Field field) {
        int length = prefixedLength(body, field);
        try {
            return StrictUtf8.read(body, length);
        } catch (CharacterCodingException e) {
            throw new MalformedPacketException(field.name() + " is not well-formed UTF-8" + also(field),
                    "MQTT-1.5.3-1");
        }
    }

    private static int prefixedLength(ByteBuf body, Field field) {
        if (body.readableBytes() < LENGTH_PREFIX) {
            throw new MalformedPacketException("packet ends before its " + field.name(), field.presenceId());
        }
        int length = body.readUnsignedShort();
        if (body.readableBytes() < length) {
            throw new MalformedPacketException(field.name() + " of " + length + " bytes runs past the end of the packet",
                    field.presenceId());
        }
        return length;
    }

    private static void require(ByteBuf body, int bytes, String what) {
        if (body.readableBytes() < bytes) {
            throw new MalformedPacketException("packet ends before its " + what);
        }
    }

    private static String also(Field field) {
        return field.formatId() == null ? "" : " [" + field.formatId() + "]";
    }
}
