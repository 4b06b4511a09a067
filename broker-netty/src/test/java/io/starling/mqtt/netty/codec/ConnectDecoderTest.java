package io.starling.mqtt.netty.codec;

import static io.starling.mqtt.netty.codec.StatementIds.assertRejected;
import static io.starling.mqtt.netty.codec.Wire.body;
import static io.starling.mqtt.netty.codec.Wire.connectHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.starling.mqtt.api.QoS;
import io.starling.mqtt.packet.Connect;
import io.starling.mqtt.packet.Will;
import io.starling.mqtt.topic.TopicName;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectDecoderTest {
    private static final int CONNECT = 0x10;
    private static final int CLEAN = 0x02;
    private static final int WILL = 0x04;
    private static final int WILL_QOS1 = 0x08;
    private static final int WILL_QOS2 = 0x10;
    private static final int WILL_RETAIN = 0x20;
    private static final int PASSWORD = 0x40;
    private static final int USER = 0x80;

    static Stream<Arguments> validConnects() {
        return Stream.of(
                arguments("MQTT 3.1.1, clean session, client id only",
                        connectHeader(CLEAN).str("client-1").frame(CONNECT),
                        connect("client-1", null, null, null)),
                arguments("MQTT 3.1 (MQIsdp, level 3)",
                        body().str("MQIsdp").u8(3).u8(CLEAN).u16(60).str("c").frame(CONNECT),
                        new Connect("MQIsdp", 3, true, 60, "c", null, null, null)),
                arguments("empty client id is left to the broker",
                        connectHeader(CLEAN).str("").frame(CONNECT),
                        connect("", null, null, null)),
                arguments("keep alive 0 and no clean session",
                        body().str("MQTT").u8(4).u8(0).u16(0).str("c").frame(CONNECT),
                        new Connect("MQTT", 4, false, 0, "c", null, null, null)),
                arguments("keep alive 65535",
                        body().str("MQTT").u8(4).u8(0).u16(65_535).str("c").frame(CONNECT),
                        new Connect("MQTT", 4, false, 65_535, "c", null, null, null)),
                arguments("will QoS 0",
                        connectHeader(CLEAN | WILL).str("c").str("will/t").str("bye").frame(CONNECT),
                        connect("c", will("will/t", "bye", QoS.AT_MOST_ONCE, false), null, null)),
                arguments("will QoS 1 retained",
                        connectHeader(CLEAN | WILL | WILL_QOS1 | WILL_RETAIN).str("c").str("w").str("x").frame(CONNECT),
                        connect("c", will("w", "x", QoS.AT_LEAST_ONCE, true), null, null)),
                arguments("will QoS 2 with empty will message",
                        connectHeader(CLEAN | WILL | WILL_QOS2).str("c").str("w").str("").frame(CONNECT),
                        connect("c", will("w", "", QoS.EXACTLY_ONCE, false), null, null)),
                arguments("user name without password",
                        connectHeader(CLEAN | USER).str("c").str("alice").frame(CONNECT),
                        connect("c", null, "alice", null)),
                arguments("user name and empty password",
                        connectHeader(CLEAN | USER | PASSWORD).str("c").str("alice").str("").frame(CONNECT),
                        connect("c", null, "alice", new byte[0])),
                arguments("[MQTT-3.1.3-1] every field, in order: client id, will topic, will message, user, password",
                        connectHeader(CLEAN | WILL | WILL_QOS1 | USER | PASSWORD)
                                .str("c").str("w/t").prefixed(new byte[] {0, (byte) 0xFF}).str("bob")
                                .prefixed(new byte[] {1, 2, 3}).frame(CONNECT),
                        connect("c", new Will(TopicName.of("w/t"), new byte[] {0, (byte) 0xFF}, QoS.AT_LEAST_ONCE,
                                false), "bob", new byte[] {1, 2, 3})),
                arguments("[MQTT-1.5.3-3] a leading U+FEFF in the client id is kept",
                        connectHeader(CLEAN).strHex("EF BB BF 61").frame(CONNECT),
                        connect("\uFEFFa", null, null, null)),
                arguments("[MQTT-3.1.3-4] a supplementary character in the client id",
                        connectHeader(CLEAN).strHex("F0 9F 98 80").frame(CONNECT),
                        connect("\uD83D\uDE00", null, null, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validConnects")
    @DisplayName("[MQTT-3.1.3-1] [MQTT-3.1.3-4] [MQTT-1.5.3-3] valid CONNECT packets decode to the expected record")
    void decodesValidConnect(String label, byte[] frame, Connect expected) {
        assertThat(DecoderHarness.decodeOne(frame)).isEqualTo(expected);
    }

    static Stream<Arguments> malformedConnects() {
        return Stream.of(
                arguments("[MQTT-3.1.2-1] protocol name \"mqtt\" (wrong case)",
                        body().str("mqtt").u8(4).u8(CLEAN).u16(60).str("c").frame(CONNECT)),
                arguments("[MQTT-3.1.2-1] protocol name \"HTTP\"",
                        body().str("HTTP").u8(4).u8(CLEAN).u16(60).str("c").frame(CONNECT)),
                arguments("[MQTT-3.1.2-1] empty CONNECT body", body().frame(CONNECT)),
                arguments("[MQTT-3.1.2-3] reserved connect flag bit 0 set",
                        connectHeader(CLEAN | 0x01).str("c").frame(CONNECT)),
                arguments("[MQTT-3.1.2-13] [MQTT-3.1.2-11] will QoS 1 without will flag",
                        connectHeader(CLEAN | WILL_QOS1).str("c").frame(CONNECT)),
                arguments("[MQTT-3.1.2-13] [MQTT-3.1.2-11] will QoS 2 without will flag",
                        connectHeader(CLEAN | WILL_QOS2).str("c").frame(CONNECT)),
                arguments("[MQTT-3.1.2-15] [MQTT-3.1.2-11] will retain without will flag",
                        connectHeader(CLEAN | WILL_RETAIN).str("c").frame(CONNECT)),
                arguments("[MQTT-3.1.2-14] will QoS 3",
                        connectHeader(CLEAN | WILL | WILL_QOS1 | WILL_QOS2).str("c").str("w").str("m").frame(CONNECT)),
                arguments("[MQTT-3.1.2-22] password flag without user name flag",
                        connectHeader(CLEAN | PASSWORD).str("c").str("pw").frame(CONNECT)),
                arguments("[MQTT-3.1.2-9] will flag set, will topic missing",
                        connectHeader(CLEAN | WILL).str("c").frame(CONNECT)),
                arguments("[MQTT-3.1.2-9] will flag set, will message missing",
                        connectHeader(CLEAN | WILL).str("c").str("w").frame(CONNECT)),
                arguments("[MQTT-3.1.2-9] will message length runs past the packet",
                        connectHeader(CLEAN | WILL).str("c").str("w").u16(10).rawHex("01 02").frame(CONNECT)),
                arguments("[MQTT-3.1.2-19] user name flag set, user name missing",
                        connectHeader(CLEAN | USER).str("c").frame(CONNECT)),
                arguments("[MQTT-3.1.2-21] password flag set, password missing",
                        connectHeader(CLEAN | USER | PASSWORD).str("c").str("u").frame(CONNECT)),
                arguments("[MQTT-3.1.2-21] password flag set, only one length byte",
                        connectHeader(CLEAN | USER | PASSWORD).str("c").str("u").u8(0).frame(CONNECT)),
                arguments("[MQTT-3.1.2-18] user name flag 0 but a user name appended",
                        connectHeader(CLEAN | WILL).str("c").str("w").str("m").str("alice").frame(CONNECT)),
                arguments("[MQTT-3.1.2-20] password flag 0 but a password appended",
                        connectHeader(CLEAN | USER).str("c").str("alice").str("secret").frame(CONNECT)),
                arguments("[MQTT-3.1.2-11] will flag 0 but will fields appended",
                        connectHeader(CLEAN).str("c").str("w").str("m").frame(CONNECT)),
                arguments("[MQTT-3.1.3-1] bytes after the password",
                        connectHeader(CLEAN | USER | PASSWORD).str("c").str("u").str("p").u8(0).frame(CONNECT)),
                arguments("[MQTT-3.1.3-3] no payload: the client id is missing",
                        connectHeader(CLEAN).frame(CONNECT)),
                arguments("[MQTT-3.1.3-3] one byte of payload",
                        connectHeader(CLEAN).u8(0).frame(CONNECT)),
                arguments("[MQTT-3.1.3-3] client id length runs past the packet",
                        connectHeader(CLEAN).u16(5).rawHex("61 62").frame(CONNECT)),
                arguments("[MQTT-3.1.3-4] [MQTT-1.5.3-1] client id with an encoded surrogate ED A0 80",
                        connectHeader(CLEAN).strHex("61 ED A0 80").frame(CONNECT)),
                arguments("[MQTT-3.1.3-4] [MQTT-1.5.3-1] client id with truncated sequence C3",
                        connectHeader(CLEAN).strHex("61 C3").frame(CONNECT)),
                arguments("[MQTT-1.5.3-2] client id containing U+0000",
                        connectHeader(CLEAN).strHex("61 00 62").frame(CONNECT)),
                arguments("[MQTT-1.5.3-2] user name containing U+0000",
                        connectHeader(CLEAN | USER).str("c").strHex("00").frame(CONNECT)),
                arguments("[MQTT-3.1.3-10] [MQTT-3.3.2-2] will topic with wildcard +",
                        connectHeader(CLEAN | WILL).str("c").str("a/+").str("m").frame(CONNECT)),
                arguments("[MQTT-3.1.3-10] [MQTT-3.3.2-2] will topic with wildcard #",
                        connectHeader(CLEAN | WILL).str("c").str("#").str("m").frame(CONNECT)),
                arguments("[MQTT-3.1.3-10] [MQTT-4.7.3-1] empty will topic",
                        connectHeader(CLEAN | WILL).str("c").str("").str("m").frame(CONNECT)),
                arguments("[MQTT-3.1.3-10] [MQTT-1.5.3-1] will topic with overlong C0 AF",
                        connectHeader(CLEAN | WILL).str("c").strHex("C0 AF").str("m").frame(CONNECT)),
                arguments("[MQTT-3.1.3-11] [MQTT-1.5.3-1] user name with byte FF",
                        connectHeader(CLEAN | USER).str("c").strHex("FF").frame(CONNECT)),
                arguments("variable header ends before keep alive",
                        body().str("MQTT").u8(4).u8(CLEAN).u8(0).frame(CONNECT)),
                arguments("variable header ends before connect flags",
                        body().str("MQTT").u8(4).frame(CONNECT)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedConnects")
    @DisplayName("[MQTT-3.1.2-1] [MQTT-3.1.2-3] [MQTT-3.1.2-9] [MQTT-3.1.2-11] [MQTT-3.1.2-13] [MQTT-3.1.2-14] "
            + "[MQTT-3.1.2-15] [MQTT-3.1.2-18] [MQTT-3.1.2-19] [MQTT-3.1.2-20] [MQTT-3.1.2-21] [MQTT-3.1.2-22] "
            + "[MQTT-3.1.3-1] [MQTT-3.1.3-3] [MQTT-3.1.3-4] [MQTT-3.1.3-10] [MQTT-3.1.3-11] [MQTT-1.5.3-1] "
            + "[MQTT-1.5.3-2] [MQTT-3.3.2-2] [MQTT-4.7.3-1] malformed CONNECT packets are rejected citing the statement they break")
    void rejectsMalformedConnect(String label, byte[] frame) {
        MalformedPacketException failure = assertRejected(label, frame);
        assertThat(failure).isNotInstanceOf(UnsupportedProtocolLevelException.class);
    }

    static Stream<Arguments> unsupportedLevels() {
        return Stream.of(
                arguments("MQTT", 3), arguments("MQTT", 5), arguments("MQTT", 0),
                arguments("MQIsdp", 4), arguments("MQIsdp", 255));
    }

    @ParameterizedTest(name = "{0} level {1}")
    @MethodSource("unsupportedLevels")
    @DisplayName("[MQTT-3.1.2-2] a known protocol name with another level asks for CONNACK 0x01")
    void reportsUnsupportedProtocolLevel(String name, int level) {
        // Whatever follows the level is never read: an MQTT 5 CONNECT has properties we cannot parse.
        byte[] frame = body().str(name).u8(level).rawHex("C2 00 3C 00").frame(CONNECT);
        MalformedPacketException failure = assertRejected("[MQTT-3.1.2-2]", frame);
        assertThat(failure).isInstanceOfSatisfying(UnsupportedProtocolLevelException.class, e -> {
            assertThat(e.protocolName()).isEqualTo(name);
            assertThat(e.protocolLevel()).isEqualTo(level);
            assertThat(e.statementId()).contains("MQTT-3.1.2-2");
        });
    }

    @Test
    @DisplayName("[MQTT-3.1.2-1] an unknown protocol name is echoed short and without control characters")
    void echoesUnknownProtocolNameSafely() {
        String name = "EVIL\nlog line" + "x".repeat(1_000);
        MalformedPacketException failure =
                assertRejected("[MQTT-3.1.2-1]", body().str(name).u8(4).u8(CLEAN).u16(60).str("c").frame(CONNECT));
        assertThat(failure.getMessage()).contains("\"EVIL?log linexxx...\"").doesNotContain("\n").hasSizeLessThan(120);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validConnects")
    @DisplayName("every truncation of a valid CONNECT is malformed, never an index error")
    void everyTruncationIsMalformed(String label, byte[] frame) {
        byte[] body = Arrays.copyOfRange(frame, 2, frame.length);
        for (int length = 0; length < body.length; length++) {
            byte[] truncated = Wire.frame(CONNECT, Arrays.copyOf(body, length));
            DecoderHarness.decodeFailure(truncated);
        }
    }

    private static Connect connect(String clientId, Will will, String user, byte[] password) {
        return new Connect("MQTT", 4, true, 60, clientId, will, user, password);
    }

    private static Will will(String topic, String message, QoS qos, boolean retain) {
        return new Will(TopicName.of(topic), message.getBytes(StandardCharsets.UTF_8), qos, retain);
    }
}
