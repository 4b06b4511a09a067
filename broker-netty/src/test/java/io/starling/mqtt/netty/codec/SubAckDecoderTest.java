package io.starling.mqtt.netty.codec;

import static io.starling.mqtt.netty.codec.StatementIds.assertRejected;
import static io.starling.mqtt.netty.codec.Wire.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.starling.mqtt.packet.SubAck;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SubAckDecoderTest {

    @Test
    @DisplayName("[MQTT-3.9.3-2] SUBACK decodes the codes 0x00, 0x01, 0x02 and 0x80 in order")
    void decodesAllCodes() {
        assertThat(DecoderHarness.decodeOne(body().u16(9).rawHex("00 01 02 80 01").frame(0x90)))
                .isEqualTo(new SubAck(9, List.of(0, 1, 2, 0x80, 1)));
    }

    static Stream<Arguments> malformedSubAcks() {
        return Stream.of(
                arguments("[MQTT-3.9.3-2] return code 0x03", body().u16(1).rawHex("03").frame(0x90)),
                arguments("[MQTT-3.9.3-2] return code 0x81", body().u16(1).rawHex("00 81").frame(0x90)),
                arguments("[MQTT-3.9.3-1] no return code", body().u16(1).frame(0x90)),
                arguments("[MQTT-2.3.1-1] packet id 0", body().u16(0).rawHex("00").frame(0x90)),
                arguments("no packet id", body().u8(1).frame(0x90)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedSubAcks")
    @DisplayName("[MQTT-2.3.1-1] [MQTT-3.9.3-1] [MQTT-3.9.3-2] malformed SUBACK packets are rejected")
    void rejectsMalformedSubAck(String label, byte[] frame) {
        assertRejected(label, frame);
    }
}
