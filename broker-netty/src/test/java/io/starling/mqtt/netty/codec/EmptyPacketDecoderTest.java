package io.starling.mqtt.netty.codec;

import static io.starling.mqtt.netty.codec.StatementIds.assertRejected;
import static io.starling.mqtt.netty.codec.Wire.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.starling.mqtt.packet.Disconnect;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PingReq;
import io.starling.mqtt.packet.PingResp;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EmptyPacketDecoderTest {

    static Stream<Arguments> emptyTypes() {
        return Stream.of(
                arguments("PINGREQ", 0xC0, PingReq.INSTANCE),
                arguments("PINGRESP", 0xD0, PingResp.INSTANCE),
                arguments("DISCONNECT", 0xE0, Disconnect.INSTANCE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("emptyTypes")
    @DisplayName("PINGREQ, PINGRESP and DISCONNECT decode from two bytes")
    void decodes(String name, int firstByte, MqttPacket expected) {
        assertThat(DecoderHarness.decodeOne(new byte[] {(byte) firstByte, 0})).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("emptyTypes")
    @DisplayName("PINGREQ, PINGRESP and DISCONNECT with a body are malformed")
    void rejectsBody(String name, int firstByte, MqttPacket ignored) {
        assertThat(assertRejected(name, body().u8(0).frame(firstByte))).hasMessageContaining("must be 0");
    }
}
