package io.starling.mqtt.netty.codec;

import static io.starling.mqtt.netty.codec.Wire.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.packet.ConnAck;
import io.starling.mqtt.packet.Connect;
import io.starling.mqtt.packet.ConnectReturnCode;
import io.starling.mqtt.packet.Disconnect;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PingReq;
import io.starling.mqtt.packet.PingResp;
import io.starling.mqtt.packet.PubAck;
import io.starling.mqtt.packet.PubComp;
import io.starling.mqtt.packet.PubRec;
import io.starling.mqtt.packet.PubRel;
import io.starling.mqtt.packet.Publish;
import io.starling.mqtt.packet.SubAck;
import io.starling.mqtt.packet.Subscribe;
import io.starling.mqtt.packet.Subscription;
import io.starling.mqtt.packet.UnsubAck;
import io.starling.mqtt.packet.Unsubscribe;
import io.starling.mqtt.packet.Will;
import io.starling.mqtt.topic.InvalidTopicException;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MqttEncoderTest {
    private static final TopicName A = TopicName.of("a");

    static Stream<Arguments> exactBytes() {
        return Stream.of(
                arguments("CONNACK accepted, session present", new ConnAck(true, ConnectReturnCode.ACCEPTED), "20 02 01 00"),
                arguments("CONNACK refused 0x01", ConnAck.refuse(ConnectReturnCode.UNACCEPTABLE_PROTOCOL_VERSION), "20 02 00 01"),
                arguments("[MQTT-2.3.1-5] QoS 0 PUBLISH has no packet id",
                        new Publish(A, QoS.AT_MOST_ONCE, false, false, 0, hex("78")), "30 04 00 01 61 78"),
                arguments("QoS 0 PUBLISH retained", new Publish(A, QoS.AT_MOST_ONCE, false, true, 0, new byte[0]), "31 03 00 01 61"),
                arguments("QoS 1 PUBLISH with DUP", new Publish(A, QoS.AT_LEAST_ONCE, true, false, 5, hex("78")),
                        "3A 06 00 01 61 00 05 78"),
                arguments("QoS 2 PUBLISH retained", new Publish(A, QoS.EXACTLY_ONCE, false, true, 258, new byte[0]),
                        "35 05 00 01 61 01 02"),
                arguments("PUBLISH, ASCII topic written from the string", new Publish(TopicName.of("a/\u007F"),
                        QoS.AT_MOST_ONCE, false, false, 0, hex("78")), "30 06 00 03 61 2F 7F 78"),
                arguments("PUBLISH, non-ASCII topic written from its UTF-8 bytes", new Publish(TopicName.of("\u00e9/\u20ac"),
                        QoS.AT_MOST_ONCE, false, false, 0, hex("78")), "30 09 00 06 C3 A9 2F E2 82 AC 78"),
                arguments("PUBACK", new PubAck(258), "40 02 01 02"),
                arguments("PUBREC", new PubRec(1), "50 02 00 01"),
                arguments("[MQTT-2.2.2-1] [MQTT-3.6.1-1] PUBREL carries flags 0010", new PubRel(1), "62 02 00 01"),
                arguments("PUBCOMP", new PubComp(65_535), "70 02 FF FF"),
                arguments("[MQTT-2.2.2-1] [MQTT-3.8.1-1] SUBSCRIBE carries flags 0010",
                        new Subscribe(1, List.of(new Subscription(TopicFilter.of("a/#"), QoS.EXACTLY_ONCE))),
                        "82 08 00 01 00 03 61 2F 23 02"),
                arguments("SUBACK", new SubAck(1, List.of(0, 0x80)), "90 04 00 01 00 80"),
                arguments("[MQTT-2.2.2-1] [MQTT-3.10.1-1] UNSUBSCRIBE carries flags 0010",
                        new Unsubscribe(2, List.of(TopicFilter.of("+"))), "A2 05 00 02 00 01 2B"),
                arguments("UNSUBACK", new UnsubAck(3), "B0 02 00 03"),
                arguments("PINGREQ", PingReq.INSTANCE, "C0 00"),
                arguments("PINGRESP", PingResp.INSTANCE, "D0 00"),
                arguments("[MQTT-3.14.1-1] DISCONNECT", Disconnect.INSTANCE, "E0 00"),
                arguments("CONNECT with clean session only", new Connect("MQTT", 4, true, 60, "c", null, null, null),
                        "10 0D 00 04 4D 51 54 54 04 02 00 3C 00 01 63"),
                arguments("[MQTT-3.1.3-1] CONNECT with every field, flags derived from the fields",
                        new Connect("MQTT", 4, false, 10, "c", new Will(TopicName.of("w"), hex("01"), QoS.AT_LEAST_ONCE, true),
                                "u", hex("02")),
                        "10 19 00 04 4D 51 54 54 04 EC 00 0A 00 01 63 00 01 77 00 01 01 00 01 75 00 01 02"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exactBytes")
    @DisplayName("[MQTT-2.2.2-1] [MQTT-2.3.1-5] [MQTT-3.1.3-1] [MQTT-3.6.1-1] [MQTT-3.8.1-1] [MQTT-3.10.1-1] "
            + "[MQTT-3.14.1-1] packets encode to the exact bytes of the standard")
    void encodesExactBytes(String label, MqttPacket packet, String expectedHex) {
        assertThat(Encoded.bytes(packet)).isEqualTo(hex(expectedHex));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.starling.mqtt.netty.codec.SamplePackets#asArguments")
    @DisplayName("buffers are allocated at exactly the packet's size and cannot grow")
    void allocatesExactSize(MqttPacket packet) {
        ByteBuf buf = MqttEncoder.encode(ByteBufAllocator.DEFAULT, packet);
        try {
            assertThat(buf.capacity()).isEqualTo(buf.readableBytes());
            assertThat(buf.maxCapacity()).isEqualTo(buf.readableBytes());
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest(name = "remaining length {0}")
    @ValueSource(ints = {127, 128, 16_383, 16_384, 2_097_151, 2_097_152})
    @DisplayName("the remaining length uses 1 to 4 bytes at the boundaries of section 2.2.3, and decodes back")
    void encodesRemainingLengthBoundaries(int remainingLength) {
        Publish publish = new Publish(A, QoS.AT_MOST_ONCE, false, false, 0, new byte[remainingLength - 3]);
        byte[] bytes = Encoded.bytes(publish);
        int lengthBytes = remainingLength < 128 ? 1 : remainingLength < 16_384 ? 2 : remainingLength < 2_097_152 ? 3 : 4;
        assertThat(bytes).hasSize(1 + lengthBytes + remainingLength);
        try (DecoderHarness harness = new DecoderHarness(bytes.length)) {
            harness.feed(bytes);
            assertThat(harness.packets()).containsExactly(publish);
        }
    }

    @Test
    @DisplayName("[MQTT-4.7.3-3] a topic of 65535 UTF-8 bytes encodes and decodes")
    void encodesLongestTopic() {
        TopicName topic = TopicName.of("\u00e9".repeat(32_767) + "x");
        assertThat(topic.utf8()).hasSize(65_535);
        Publish publish = new Publish(topic, QoS.AT_LEAST_ONCE, false, false, 1, hex("01"));
        assertThat(DecoderHarness.decodeOne(Encoded.bytes(publish))).isEqualTo(publish);
    }

    @Test
    @DisplayName("[MQTT-4.7.3-3] a 65536-byte topic cannot even be constructed, so the encoder never sees one")
    void longerTopicIsRefusedByTheTopicType() {
        assertThatThrownBy(() -> TopicName.of("x".repeat(65_536)))
                .isInstanceOf(InvalidTopicException.class).hasMessageContaining("[MQTT-4.7.3-3]");
        assertThatThrownBy(() -> TopicFilter.of("x".repeat(65_536)))
                .isInstanceOf(InvalidTopicException.class).hasMessageContaining("[MQTT-4.7.3-3]");
    }

    static Stream<Arguments> unencodable() {
        String big = "x".repeat(65_536);
        byte[] bigBytes = new byte[65_536];
        return Stream.of(
                arguments("[MQTT-4.7.3-3] client id of 65536 bytes", new Connect("MQTT", 4, true, 0, big, null, null, null)),
                arguments("[MQTT-4.7.3-3] client id of 65536 bytes as multi-byte characters",
                        new Connect("MQTT", 4, true, 0, "\u00e9".repeat(32_768), null, null, null)),
                arguments("[MQTT-4.7.3-3] user name of 65536 bytes", new Connect("MQTT", 4, true, 0, "c", null, big, null)),
                arguments("[MQTT-4.7.3-3] password of 65536 bytes",
                        new Connect("MQTT", 4, true, 0, "c", null, "u", bigBytes)),
                arguments("[MQTT-4.7.3-3] will message of 65536 bytes",
                        new Connect("MQTT", 4, true, 0, "c", new Will(A, bigBytes, QoS.AT_MOST_ONCE, false), null, null)),
                arguments("[MQTT-1.5.3-1] client id with a lone surrogate",
                        new Connect("MQTT", 4, true, 0, "a\uD800b", null, null, null)),
                arguments("[MQTT-1.5.3-1] user name ending in a high surrogate",
                        new Connect("MQTT", 4, true, 0, "c", null, "u\uDBFF", null)),
                arguments("[MQTT-1.5.3-2] client id with U+0000", new Connect("MQTT", 4, true, 0, "a\u0000", null, null, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unencodable")
    @DisplayName("[MQTT-4.7.3-3] [MQTT-1.5.3-1] [MQTT-1.5.3-2] the encoder refuses fields the wire cannot carry")
    void refusesUnencodableFields(String label, MqttPacket packet) {
        assertThatThrownBy(() -> MqttEncoder.encode(ByteBufAllocator.DEFAULT, packet))
                .isInstanceOf(EncoderException.class)
                .satisfies(e -> StatementIds.assertCites(e, label));
    }

    @Test
    @DisplayName("a body too large for a four-byte remaining length is refused before allocating")
    void refusesUnframeableBody() {
        // Through the shared helper: a real 256 MB payload would only test the heap size of the build machine.
        assertThatThrownBy(() -> Encoding.fixedHeader(BufferSource.exact(ByteBufAllocator.DEFAULT), 0x30,
                MqttFrameDecoder.MAX_REMAINING_LENGTH + 1L))
                .isInstanceOf(EncoderException.class).hasMessageContaining("section 2.2.3");
    }

    @Test
    @DisplayName("in a pipeline, a refused packet fails the write and leaves nothing outbound")
    void pipelineFailureFailsTheWrite() {
        EmbeddedChannel channel = new EmbeddedChannel(new MqttEncoder());
        try {
            Connect bad = new Connect("MQTT", 4, true, 0, "a\uD800", null, null, null);
            ChannelFuture write = channel.writeAndFlush(bad);
            assertThat(write.isSuccess()).isFalse();
            assertThat(write.cause()).isInstanceOf(EncoderException.class).hasMessageContaining("[MQTT-1.5.3-1]");
            assertThat(channel.outboundMessages()).isEmpty();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    @DisplayName("a CONNECT with user name and password matches the hand-built wire form")
    void connectMatchesWireBuilder() {
        Connect connect = new Connect("MQTT", 4, true, 60, "client", null, "user", hex("00 FF"));
        byte[] expected = Wire.connectHeader(0x02 | 0x80 | 0x40).str("client").str("user").prefixed(hex("00 FF"))
                .frame(0x10);
        assertThat(Encoded.bytes(connect)).isEqualTo(expected);
    }
}
