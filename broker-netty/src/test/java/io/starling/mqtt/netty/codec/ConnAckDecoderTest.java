package io.starling.mqtt.netty.codec;

import static io.starling.mqtt.netty.codec.StatementIds.assertRejected;
import static io.starling.mqtt.netty.codec.Wire.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.starling.mqtt.packet.ConnAck;
import io.starling.mqtt.packet.ConnectReturnCode;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnAckDecoderTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(ConnectReturnCode.class)
    @DisplayName("CONNACK decodes every return code of Table 3.1")
    void decodesEveryReturnCode(ConnectReturnCode code) {
        assertThat(DecoderHarness.decodeOne(body().u8(0).u8(code.value()).frame(0x20)))
                .isEqualTo(new ConnAck(false, code));
    }

    @Test
    @DisplayName("CONNACK with session present")
    void decodesSessionPresent() {
        assertThat(DecoderHarness.decodeOne(body().u8(1).u8(0).frame(0x20)))
                .isEqualTo(new ConnAck(true, ConnectReturnCode.ACCEPTED));
    }

    static Stream<Arguments> malformedConnAcks() {
        return Stream.of(
                arguments("acknowledge flags bit 1 set", body().u8(0x02).u8(0).frame(0x20)),
                arguments("acknowledge flags bit 7 set", body().u8(0x80).u8(0).frame(0x20)),
                arguments("return code 6 is reserved", body().u8(0).u8(6).frame(0x20)),
                arguments("return code 255 is reserved", body().u8(0).u8(255).frame(0x20)),
                arguments("[MQTT-3.2.2-4] session present with a refusal", body().u8(1).u8(5).frame(0x20)),
                arguments("remaining length 1", body().u8(0).frame(0x20)),
                arguments("remaining length 3", body().u8(0).u8(0).u8(0).frame(0x20)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedConnAcks")
    @DisplayName("[MQTT-3.2.2-4] malformed CONNACK packets are rejected")
    void rejectsMalformedConnAck(String label, byte[] frame) {
        assertRejected(label, frame);
    }
}
