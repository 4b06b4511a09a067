package io.starling.mqtt.netty.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Small helpers shared by the CONNECT, CONNACK and data-representation conformance tests: CONNECT packets with any
 * protocol name and level, exact CONNACK checks, wire subscribers and a strict UTF-8 check.
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

    /** Asserts the exact four CONNACK bytes {@code 20 02 <sessionPresent> <returnCode>}. */
    static void assertConnAck(RawPacket packet, int sessionPresent, int returnCode) {
        assertThat(packet.hex()).as("CONNACK bytes")
                .isEqualTo(String.format("20 %02X%02X", sessionPresent, returnCode));
    }

    /** Reads the next packet and asserts it is exactly {@code 20 02 <sessionPresent> <returnCode>}. */
    static RawPacket expectConnAck(RawClient client, int sessionPresent, int returnCode) {
        RawPacket p = client.read();
        assertConnAck(p, sessionPresent, returnCode);
        return p;
    }

    /** Connects (clean session, keep-alive 0), expects {@code 20 02 00 00}. */
    static RawClient connected(int port, String clientId) {
        RawClient client = new RawClient(port);
        client.send(Bytes.connect(clientId, true, 0));
        expectConnAck(client, 0, 0);
        return client;
    }

    /** Connects with clean session 1 and subscribes {@code filter} at {@code qos}; the SUBACK grants it. */
    static RawClient subscriber(int port, String clientId, String filter, int qos) {
        RawClient client = connected(port, clientId);
        subscribe(client, 1, filter, qos);
        return client;
    }

    /** Sends SUBSCRIBE and expects the SUBACK {@code 90 03 <id> <qos>}. */
    static void subscribe(RawClient client, int packetId, String filter, int qos) {
        client.send(Bytes.subscribe(packetId, filter, qos));
        RawPacket ack = client.expect(0x90);
        assertThat(ack.hex()).isEqualTo(String.format("90 %04X%02X", packetId, qos));
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().withUpperCase().formatHex(bytes);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
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
