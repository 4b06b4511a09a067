package io.starling.mqtt.netty.codec;

import static io.starling.mqtt.netty.codec.StatementIds.assertRejected;
import static io.starling.mqtt.netty.codec.Wire.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PubAck;
import io.starling.mqtt.packet.PubComp;
import io.starling.mqtt.packet.PubRec;
import io.starling.mqtt.packet.PubRel;
import io.starling.mqtt.packet.UnsubAck;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** PUBACK, PUBREC, PUBREL, PUBCOMP and UNSUBACK share one decoder and one table. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AckDecoderTest {

    static Stream<Arguments> ackTypes() {
        return Stream.of(
                arguments("PUBACK", 0x40, (IntFunction<MqttPacket>) PubAck::new),
                arguments("PUBREC", 0x50, (IntFunction<MqttPacket>) PubRec::new),
                arguments("PUBREL", 0x62, (IntFunction<MqttPacket>) PubRel::new),
                arguments("PUBCOMP", 0x70, (IntFunction<MqttPacket>) PubComp::new),
                arguments("UNSUBACK", 0xB0, (IntFunction<MqttPacket>) UnsubAck::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ackTypes")
    @DisplayName("acknowledgements decode with packet ids 1, 258 and 65535")
    void decodesAcks(String name, int firstByte, IntFunction<MqttPacket> expected) {
        for (int id : new int[] {1, 258, 65_535}) {
            assertThat(DecoderHarness.decodeOne(body().u16(id).frame(firstByte))).isEqualTo(expected.apply(id));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ackTypes")
    @DisplayName("[MQTT-2.3.1-1] an acknowledgement with packet id 0 is malformed")
    void rejectsPacketIdZero(String name, int firstByte, IntFunction<MqttPacket> ignored) {
        assertRejected("[MQTT-2.3.1-1]", body().u16(0).frame(firstByte));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ackTypes")
    @DisplayName("an acknowledgement's remaining length must be exactly 2")
    void rejectsWrongLength(String name, int firstByte, IntFunction<MqttPacket> ignored) {
        assertThat(assertRejected(name, body().frame(firstByte))).hasMessageContaining("must be 2");
        assertThat(assertRejected(name, body().u8(1).frame(firstByte))).hasMessageContaining("must be 2");
        assertThat(assertRejected(name, body().u16(1).u8(0).frame(firstByte))).hasMessageContaining("must be 2");
    }
}
