package io.starling.mqtt.netty.support;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** One packet as read off the wire by {@link RawClient}: the first byte and the bytes after the length. */
public record RawPacket(int firstByte, byte[] body) {
    public int type() {
        return firstByte >> 4;
    }

    public int flags() {
        return firstByte & 0x0F;
    }

    /** Packet id of an ack, SUBACK or UNSUBACK (the first two body bytes). */
    public int packetId() {
        return ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
    }

    // ---- PUBLISH fields ----

    public boolean isPublish() {
        return type() == 3;
    }

    public int qos() {
        return (firstByte >> 1) & 0x03;
    }

    public boolean dup() {
        return (firstByte & 0x08) != 0;
    }

    public boolean retain() {
        return (firstByte & 0x01) != 0;
    }

    public String topic() {
        int length = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
        return new String(body, 2, length, StandardCharsets.UTF_8);
    }

    public byte[] topicBytes() {
        int length = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
        return java.util.Arrays.copyOfRange(body, 2, 2 + length);
    }

    /** PUBLISH packet id (QoS 1/2 only). */
    public int publishId() {
        int at = 2 + topicBytes().length;
        return ((body[at] & 0xFF) << 8) | (body[at + 1] & 0xFF);
    }

    public byte[] payload() {
        int at = 2 + topicBytes().length + (qos() > 0 ? 2 : 0);
        return java.util.Arrays.copyOfRange(body, at, body.length);
    }

    public String payloadString() {
        return new String(payload(), StandardCharsets.UTF_8);
    }

    public String hex() {
        return String.format("%02X", firstByte) + " " + HexFormat.of().withUpperCase().formatHex(body);
    }

    @Override
    public String toString() {
        return "RawPacket[" + hex() + "]";
    }
}
