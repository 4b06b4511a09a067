package io.starling.mqtt.netty.codec;

import static io.starling.mqtt.netty.codec.StatementIds.assertRejected;
import static io.starling.mqtt.netty.codec.Wire.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.starling.mqtt.api.QoS;
import io.starling.mqtt.packet.Subscribe;
import io.starling.mqtt.packet.Subscription;
import io.starling.mqtt.topic.TopicFilter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SubscribeDecoderTest {
    private static final int SUBSCRIBE = 0x82;

    static Stream<Arguments> validSubscribes() {
        return Stream.of(
                arguments("one filter, QoS 0", body().u16(1).str("a/b").u8(0).frame(SUBSCRIBE),
                        new Subscribe(1, List.of(sub("a/b", QoS.AT_MOST_ONCE)))),
                arguments("[MQTT-4.7.1-2] [MQTT-4.7.1-3] wildcards in whole levels, QoS 0..2",
                        body().u16(65_535).str("#").u8(2).str("sport/+/player1").u8(1).str("+/+").u8(0)
                                .str("a/#").u8(2).str("+").u8(1).frame(SUBSCRIBE),
                        new Subscribe(65_535, List.of(sub("#", QoS.EXACTLY_ONCE),
                                sub("sport/+/player1", QoS.AT_LEAST_ONCE), sub("+/+", QoS.AT_MOST_ONCE),
                                sub("a/#", QoS.EXACTLY_ONCE), sub("+", QoS.AT_LEAST_ONCE)))),
                arguments("[MQTT-3.8.3-1] filters with empty levels and multi-byte characters",
                        body().u16(7).str("/").u8(0).str("\u00e9//x").u8(1).frame(SUBSCRIBE),
                        new Subscribe(7, List.of(sub("/", QoS.AT_MOST_ONCE), sub("\u00e9//x", QoS.AT_LEAST_ONCE)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validSubscribes")
    @DisplayName("[MQTT-3.8.3-1] valid SUBSCRIBE packets decode to the expected record")
    void decodesValidSubscribe(String label, byte[] frame, Subscribe expected) {
        assertThat(DecoderHarness.decodeOne(frame)).isEqualTo(expected);
    }

    static Stream<Arguments> malformedSubscribes() {
        return Stream.of(
                arguments("[MQTT-2.3.1-1] packet id 0", body().u16(0).str("a").u8(0).frame(SUBSCRIBE)),
                arguments("no packet id", body().u8(1).frame(SUBSCRIBE)),
                arguments("[MQTT-3.8.3-3] no topic filter", body().u16(1).frame(SUBSCRIBE)),
                arguments("[MQTT-4.7.1-2] # not last: a/#/b", body().u16(1).str("a/#/b").u8(0).frame(SUBSCRIBE)),
                arguments("[MQTT-4.7.1-2] # inside a level: sport#", body().u16(1).str("sport#").u8(0).frame(SUBSCRIBE)),
                arguments("[MQTT-4.7.1-3] + inside a level: sport+", body().u16(1).str("sport+").u8(0).frame(SUBSCRIBE)),
                arguments("[MQTT-4.7.1-3] + inside a level: a/b+/c", body().u16(1).str("a/b+/c").u8(1).frame(SUBSCRIBE)),
                arguments("[MQTT-4.7.3-1] empty filter", body().u16(1).str("").u8(0).frame(SUBSCRIBE)),
                arguments("[MQTT-4.7.3-2] filter containing U+0000", body().u16(1).strHex("61 00").u8(0).frame(SUBSCRIBE)),
                arguments("[MQTT-3.8.3-1] [MQTT-1.5.3-1] filter with encoded surrogate",
                        body().u16(1).strHex("ED BF BF").u8(0).frame(SUBSCRIBE)),
                arguments("[MQTT-3.8.3-1] filter length runs past the packet",
                        body().u16(1).u16(20).rawHex("61").frame(SUBSCRIBE)),
                arguments("[MQTT-3.8.3-1] second filter truncated",
                        body().u16(1).str("a").u8(0).u8(0).frame(SUBSCRIBE)),
                arguments("[MQTT-3.8.3-4] requested QoS 3", body().u16(1).str("a").u8(3).frame(SUBSCRIBE)),
                arguments("[MQTT-3.8.3-4] reserved bit 2 set", body().u16(1).str("a").u8(0x04).frame(SUBSCRIBE)),
                arguments("[MQTT-3.8.3-4] reserved bit 7 set", body().u16(1).str("a").u8(0x81).frame(SUBSCRIBE)),
                arguments("filter without its requested QoS byte", body().u16(1).str("a").frame(SUBSCRIBE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedSubscribes")
    @DisplayName("[MQTT-2.3.1-1] [MQTT-3.8.3-1] [MQTT-3.8.3-3] [MQTT-3.8.3-4] [MQTT-4.7.1-2] [MQTT-4.7.1-3] "
            + "[MQTT-4.7.3-1] [MQTT-4.7.3-2] malformed SUBSCRIBE packets are rejected (invalid filters close)")
    void rejectsMalformedSubscribe(String label, byte[] frame) {
        assertRejected(label, frame);
    }

    private static Subscription sub(String filter, QoS qos) {
        return new Subscription(TopicFilter.of(filter), qos);
    }
}
