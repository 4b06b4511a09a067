package io.starling.mqtt.netty.codec;

import static io.starling.mqtt.netty.codec.StatementIds.assertRejected;
import static io.starling.mqtt.netty.codec.Wire.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.starling.mqtt.packet.Unsubscribe;
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
class UnsubscribeDecoderTest {
    private static final int UNSUBSCRIBE = 0xA2;

    static Stream<Arguments> validUnsubscribes() {
        return Stream.of(
                arguments("one filter", body().u16(1).str("a/b").frame(UNSUBSCRIBE),
                        new Unsubscribe(1, List.of(TopicFilter.of("a/b")))),
                arguments("[MQTT-3.10.3-1] several filters with wildcards",
                        body().u16(65_535).str("#").str("+/x/+").str("\u00e9").frame(UNSUBSCRIBE),
                        new Unsubscribe(65_535, List.of(TopicFilter.of("#"), TopicFilter.of("+/x/+"),
                                TopicFilter.of("\u00e9")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validUnsubscribes")
    @DisplayName("[MQTT-3.10.3-1] valid UNSUBSCRIBE packets decode to the expected record")
    void decodesValidUnsubscribe(String label, byte[] frame, Unsubscribe expected) {
        assertThat(DecoderHarness.decodeOne(frame)).isEqualTo(expected);
    }

    static Stream<Arguments> malformedUnsubscribes() {
        return Stream.of(
                arguments("[MQTT-2.3.1-1] packet id 0", body().u16(0).str("a").frame(UNSUBSCRIBE)),
                arguments("[MQTT-3.10.3-2] no topic filter", body().u16(1).frame(UNSUBSCRIBE)),
                arguments("[MQTT-4.7.1-2] # not last", body().u16(1).str("a/#/b").frame(UNSUBSCRIBE)),
                arguments("[MQTT-4.7.1-3] + inside a level", body().u16(1).str("sport+").frame(UNSUBSCRIBE)),
                arguments("[MQTT-4.7.3-1] empty filter", body().u16(1).str("").frame(UNSUBSCRIBE)),
                arguments("[MQTT-3.10.3-1] [MQTT-1.5.3-1] filter ill-formed UTF-8",
                        body().u16(1).strHex("E0 80 AF").frame(UNSUBSCRIBE)),
                arguments("[MQTT-3.10.3-1] filter length runs past the packet",
                        body().u16(1).u16(3).rawHex("61").frame(UNSUBSCRIBE)),
                arguments("[MQTT-3.10.3-1] one stray byte after the last filter",
                        body().u16(1).str("a").u8(0).frame(UNSUBSCRIBE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedUnsubscribes")
    @DisplayName("[MQTT-2.3.1-1] [MQTT-3.10.3-1] [MQTT-3.10.3-2] [MQTT-4.7.1-2] [MQTT-4.7.1-3] [MQTT-4.7.3-1] "
            + "malformed UNSUBSCRIBE packets are rejected")
    void rejectsMalformedUnsubscribe(String label, byte[] frame) {
        assertRejected(label, frame);
    }
}
