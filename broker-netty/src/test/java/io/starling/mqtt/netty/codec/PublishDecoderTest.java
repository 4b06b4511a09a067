package io.starling.mqtt.netty.codec;

import static io.starling.mqtt.netty.codec.StatementIds.assertRejected;
import static io.starling.mqtt.netty.codec.Wire.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.starling.mqtt.api.QoS;
import io.starling.mqtt.packet.Publish;
import io.starling.mqtt.topic.TopicName;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PublishDecoderTest {

    static Stream<Arguments> validPublishes() {
        return Stream.of(
                arguments("[MQTT-2.3.1-5] QoS 0: the payload follows the topic, no packet id",
                        body().str("a/b").rawHex("00 01 02").frame(0x30),
                        new Publish(TopicName.of("a/b"), QoS.AT_MOST_ONCE, false, false, 0, Wire.hex("00 01 02"))),
                arguments("QoS 0 retained, empty payload",
                        body().str("a").frame(0x31),
                        new Publish(TopicName.of("a"), QoS.AT_MOST_ONCE, false, true, 0, new byte[0])),
                arguments("QoS 1 with packet id 1",
                        body().str("a/b").u16(1).rawHex("FF").frame(0x32),
                        new Publish(TopicName.of("a/b"), QoS.AT_LEAST_ONCE, false, false, 1, Wire.hex("FF"))),
                arguments("QoS 2, DUP, RETAIN, packet id 65535",
                        body().str("x").u16(65_535).rawHex("61").frame(0x3D),
                        new Publish(TopicName.of("x"), QoS.EXACTLY_ONCE, true, true, 65_535, Wire.hex("61"))),
                arguments("[MQTT-3.3.2-1] topic names with empty levels and $",
                        body().str("/$SYS//x/").frame(0x30),
                        new Publish(TopicName.of("/$SYS//x/"), QoS.AT_MOST_ONCE, false, false, 0, new byte[0])),
                arguments("[MQTT-1.5.3-3] U+FEFF in a topic is kept",
                        body().strHex("EF BB BF 74").frame(0x30),
                        new Publish(TopicName.of("\uFEFFt"), QoS.AT_MOST_ONCE, false, false, 0, new byte[0])),
                arguments("multi-byte UTF-8 topic",
                        body().str("caf\u00e9/\uD83D\uDE00").frame(0x30),
                        new Publish(TopicName.of("caf\u00e9/\uD83D\uDE00"), QoS.AT_MOST_ONCE, false, false, 0,
                                new byte[0])));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validPublishes")
    @DisplayName("[MQTT-3.3.2-1] [MQTT-2.3.1-5] [MQTT-1.5.3-3] valid PUBLISH packets decode to the expected record")
    void decodesValidPublish(String label, byte[] frame, Publish expected) {
        assertThat(DecoderHarness.decodeOne(frame)).isEqualTo(expected);
    }

    static Stream<Arguments> malformedPublishes() {
        return Stream.of(
                arguments("[MQTT-3.3.1-4] QoS bits 11", body().str("a").u16(1).frame(0x36)),
                arguments("[MQTT-3.3.1-4] QoS bits 11 with DUP and RETAIN", body().str("a").u16(1).frame(0x3F)),
                arguments("[MQTT-3.3.1-2] QoS 0 with DUP set", body().str("a").frame(0x38)),
                arguments("[MQTT-3.3.2-2] [MQTT-4.7.1-1] topic with +", body().str("a/+").frame(0x30)),
                arguments("[MQTT-3.3.2-2] [MQTT-4.7.1-1] topic #", body().str("#").frame(0x30)),
                arguments("[MQTT-3.3.2-2] [MQTT-4.7.1-1] + inside a level", body().str("a+b").u16(3).frame(0x32)),
                arguments("[MQTT-4.7.3-1] empty topic", body().str("").frame(0x30)),
                arguments("[MQTT-4.7.3-2] topic containing U+0000", body().strHex("61 00 62").frame(0x30)),
                arguments("[MQTT-1.5.3-1] topic with encoded surrogate ED A0 80", body().strHex("ED A0 80").frame(0x30)),
                arguments("[MQTT-1.5.3-1] topic ending in truncated C3", body().strHex("61 C3").frame(0x30)),
                arguments("[MQTT-1.5.3-1] topic with byte FF", body().strHex("FF").frame(0x30)),
                arguments("[MQTT-1.5.3-1] topic with overlong C0 AF", body().strHex("C0 AF").frame(0x30)),
                arguments("[MQTT-3.3.2-1] empty body: no topic", body().frame(0x30)),
                arguments("[MQTT-3.3.2-1] one byte: no full topic length", body().u8(0).frame(0x30)),
                arguments("[MQTT-3.3.2-1] topic length runs past the packet", body().u16(9).rawHex("61 62").frame(0x30)),
                arguments("[MQTT-2.3.1-1] QoS 1 with packet id 0", body().str("a").u16(0).frame(0x32)),
                arguments("[MQTT-2.3.1-1] QoS 2 with packet id 0", body().str("a").u16(0).frame(0x34)),
                arguments("QoS 1 ends before the packet id", body().str("a").u8(1).frame(0x32)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedPublishes")
    @DisplayName("[MQTT-3.3.1-2] [MQTT-3.3.1-4] [MQTT-3.3.2-1] [MQTT-3.3.2-2] [MQTT-4.7.1-1] [MQTT-4.7.3-1] "
            + "[MQTT-4.7.3-2] [MQTT-1.5.3-1] [MQTT-2.3.1-1] malformed PUBLISH packets are rejected")
    void rejectsMalformedPublish(String label, byte[] frame) {
        assertRejected(label, frame);
    }

    @Test
    @DisplayName("[MQTT-4.7.3-3] a topic of exactly 65535 UTF-8 bytes decodes")
    void longestTopicDecodes() {
        String topic = "t".repeat(65_533) + "\u00e9"; // 65533 + 2 bytes
        Publish decoded = (Publish) DecoderHarness.decodeOne(body().str(topic).rawHex("01").frame(0x30));
        assertThat(decoded.topic().utf8()).hasSize(65_535);
        assertThat(decoded.topic().value()).isEqualTo(topic);
    }

    @Test
    @DisplayName("the payload is copied out of the channel's buffer, not shared with it")
    void payloadIsACopy() {
        Publish decoded = (Publish) DecoderHarness.decodeOne(body().str("a").rawHex("01 02 03").frame(0x30));
        assertThat(decoded.payload()).containsExactly(1, 2, 3);
    }
}
