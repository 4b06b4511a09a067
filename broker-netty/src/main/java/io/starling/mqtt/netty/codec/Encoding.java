package io.starling.mqtt.netty.codec;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.EncoderException;
import java.nio.charset.StandardCharsets;

/**
 * Shared pieces of the encoders. Every check runs before the buffer is allocated, so a refused packet never
 * leaves a half-written buffer behind to release.
 */
final class Encoding {
    /** [MQTT-4.7.3-3], and the same two-byte prefix bounds binary fields (section 1.5.3). */
    static final int MAX_FIELD_LENGTH = 65_535;
    static final int LENGTH_PREFIX = 2;
    static final int PACKET_ID = 2;

    private Encoding() {}

    /**
     * Allocates a buffer of exactly the packet's size and writes the fixed header. The buffer cannot grow, so a
     * size miscalculation fails loudly instead of silently reallocating.
     */
    static ByteBuf fixedHeader(BufferSource alloc, int firstByte, long remainingLength) {
        if (remainingLength > MqttFrameDecoder.MAX_REMAINING_LENGTH) {
            throw new EncoderException("packet body of " + remainingLength + " bytes exceeds the "
                    + MqttFrameDecoder.MAX_REMAINING_LENGTH + " bytes MQTT can frame (section 2.2.3)");
        }
        int length = (int) remainingLength;
        int size = 1 + remainingLengthSize(length) + length;
        ByteBuf buf = alloc.bufferFor(size);
        buf.writeByte(firstByte);
        do {
            int digit = length & 0x7F;
            length >>>= 7;
            buf.writeByte(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        return buf;
    }

    static int remainingLengthSize(int remainingLength) {
        if (remainingLength < 128) {
            return 1;
        }
        if (remainingLength < 16_384) {
            return 2;
        }
        return remainingLength < 2_097_152 ? 3 : 4;
    }

    /**
     * The UTF-8 bytes of a string field, refusing what a receiver must reject: lone surrogates, which
     * {@code getBytes} would silently turn into {@code ?} [MQTT-1.5.3-1], U+0000 [MQTT-1.5.3-2], and more than
     * 65535 bytes [MQTT-4.7.3-3].
     */
    static byte[] utf8(String value, String field) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\u0000') {
                throw new EncoderException(field + " contains U+0000 [MQTT-1.5.3-2]");
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new EncoderException(field + " has an unpaired surrogate at index " + i + " [MQTT-1.5.3-1]");
            }
        }
        return checkLength(value.getBytes(StandardCharsets.UTF_8), field);
    }

    static byte[] checkLength(byte[] bytes, String field) {
        if (bytes.length > MAX_FIELD_LENGTH) {
            throw new EncoderException(field + " is " + bytes.length + " bytes, more than " + MAX_FIELD_LENGTH
                    + " [MQTT-4.7.3-3]");
        }
        return bytes;
    }

    static void writePrefixed(ByteBuf buf, byte[] bytes) {
        buf.writeShort(bytes.length);
        buf.writeBytes(bytes);
    }
}
