package io.starling.mqtt.netty.conformance;

import io.starling.mqtt.netty.support.Bytes;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Small helpers shared by the CONNECT, CONNACK and data-representation conformance tests: CONNECT packets with any
 * protocol name and level or with credentials, and a strict UTF-8 check. Exact CONNACK and SUBACK checks are
 * {@link io.starling.mqtt.netty.support.RawClient}'s.
 */
final class ConnectConformanceSupport {
    private ConnectConformanceSupport() {}

    /** A CONNECT with any protocol name, level, flags and already encoded payload. */
    static byte[] connect(String protocolName, int level, int flags, int keepAlive, byte[] payload) {
        return Bytes.packet(0x10, Bytes.of().str(protocolName).u8(level).u8(flags).u16(keepAlive).raw(payload).build());
    }

    /** CONNECT 3.1.1 with a user name and password, no will. */
    static byte[] connectWithCredentials(String clientId, boolean cleanSession, String userName, byte[] password) {
        int flags = (cleanSession ? 0x02 : 0) | 0x80 | (password != null ? 0x40 : 0);
        Bytes payload = Bytes.of().str(clientId).str(userName);
        if (password != null) {
            payload.field(password);
        }
        return Bytes.connect(flags, 0, payload.build());
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().withUpperCase().formatHex(bytes);
    }

    /** Decodes with a decoder that refuses ill-formed input (unlike {@code new String(bytes, UTF_8)}). */
    static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new AssertionError("not well-formed UTF-8: " + hex(bytes), e);
        }
    }

    /** {@code count} copies of {@code c}. */
    static String repeat(char c, int count) {
        return String.valueOf(c).repeat(count);
    }
}
