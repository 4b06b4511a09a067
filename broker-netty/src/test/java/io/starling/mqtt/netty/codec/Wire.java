package io.starling.mqtt.netty.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Builds raw packet bytes for decoder tables, so each case reads like the wire format it tests. */
final class Wire {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Wire body() {
        return new Wire();
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    Wire u8(int value) {
        out.write(value);
        return this;
    }

    Wire u16(int value) {
        out.write(value >>> 8);
        out.write(value);
        return this;
    }

    /** A string field: two-byte length prefix and the UTF-8 bytes. */
    Wire str(String value) {
        return prefixed(value.getBytes(StandardCharsets.UTF_8));
    }

    /** A string field whose content is given as hex, for ill-formed UTF-8. */
    Wire strHex(String contentHex) {
        return prefixed(hex(contentHex));
    }

    Wire prefixed(byte[] content) {
        u16(content.length);
        return raw(content);
    }

    Wire raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    Wire rawHex(String hex) {
        return raw(hex(hex));
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** This body behind a fixed header with {@code firstByte} and the right remaining length. */
    byte[] frame(int firstByte) {
        return frame(firstByte, bytes());
    }

    static byte[] frame(int firstByte, byte[] body) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(firstByte);
        int length = body.length;
        do {
            int digit = length & 0x7F;
            length >>>= 7;
            frame.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        frame.writeBytes(body);
        return frame.toByteArray();
    }

    /** A CONNECT variable header for MQTT 3.1.1 with the given flags and a 60 s keep alive. */
    static Wire connectHeader(int flags) {
        return body().str("MQTT").u8(4).u8(flags).u16(60);
    }
}
