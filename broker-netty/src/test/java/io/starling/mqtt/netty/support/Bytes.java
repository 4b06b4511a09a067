package io.starling.mqtt.netty.support;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Builds MQTT packets byte by byte, independent of the broker's codec, so wire tests can also send what a
 * well-behaved encoder never would.
 */
public final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public static Bytes of() {
        return new Bytes();
    }

    public static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    public Bytes u8(int value) {
        out.write(value);
        return this;
    }

    public Bytes u16(int value) {
        out.write((value >> 8) & 0xFF);
        out.write(value & 0xFF);
        return this;
    }

    public Bytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    public Bytes raw(String hex) {
        return raw(hex(hex));
    }

    /** A length-prefixed UTF-8 string. */
    public Bytes str(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        return u16(utf8.length).raw(utf8);
    }

    /** A length-prefixed field with exactly these bytes (for ill-formed UTF-8). */
    public Bytes field(byte[] bytes) {
        return u16(bytes.length).raw(bytes);
    }

    public byte[] build() {
        return out.toByteArray();
    }

    /** A whole packet: first byte, remaining length, then {@code body}. */
    public static byte[] packet(int firstByte, byte[] body) {
        Bytes b = new Bytes().u8(firstByte);
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            b.u8(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        return b.raw(body).build();
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    // ---- common packets ----

    /** CONNECT 3.1.1 with the given flags byte and payload fields already encoded. */
    public static byte[] connect(int flags, int keepAlive, byte[] payload) {
        return packet(0x10, of().str("MQTT").u8(4).u8(flags).u16(keepAlive).raw(payload).build());
    }

    /** CONNECT 3.1.1, no will, no credentials. */
    public static byte[] connect(String clientId, boolean cleanSession, int keepAlive) {
        return connect(cleanSession ? 0x02 : 0x00, keepAlive, of().str(clientId).build());
    }

    /** CONNECT 3.1.1 with a will. */
    public static byte[] connectWithWill(String clientId, boolean cleanSession, int keepAlive, String willTopic,
                                         byte[] willPayload, int willQos, boolean willRetain) {
        int flags = (cleanSession ? 0x02 : 0) | 0x04 | (willQos << 3) | (willRetain ? 0x20 : 0);
        return connect(flags, keepAlive, of().str(clientId).str(willTopic).field(willPayload).build());
    }

    public static byte[] publish(String topic, int qos, boolean retain, boolean dup, int packetId, byte[] payload) {
        int first = 0x30 | (dup ? 0x08 : 0) | (qos << 1) | (retain ? 0x01 : 0);
        Bytes body = of().str(topic);
        if (qos > 0) {
            body.u16(packetId);
        }
        return packet(first, body.raw(payload).build());
    }

    public static byte[] publish(String topic, int qos, int packetId, String payload) {
        return publish(topic, qos, false, false, packetId, payload.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] subscribe(int packetId, String filter, int qos) {
        return packet(0x82, of().u16(packetId).str(filter).u8(qos).build());
    }

    public static byte[] unsubscribe(int packetId, String filter) {
        return packet(0xA2, of().u16(packetId).str(filter).build());
    }

    public static byte[] ack(int firstByte, int packetId) {
        return packet(firstByte, of().u16(packetId).build());
    }

    public static byte[] puback(int id) {
        return ack(0x40, id);
    }

    public static byte[] pubrec(int id) {
        return ack(0x50, id);
    }

    public static byte[] pubrel(int id) {
        return ack(0x62, id);
    }

    public static byte[] pubcomp(int id) {
        return ack(0x70, id);
    }

    public static byte[] pingreq() {
        return hex("C000");
    }

    public static byte[] disconnect() {
        return hex("E000");
    }
}
