package io.starling.mqtt.netty.codec;

import static io.starling.mqtt.netty.codec.StatementIds.assertRejected;
import static io.starling.mqtt.netty.codec.Wire.body;
import static io.starling.mqtt.netty.codec.Wire.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PacketType;
import io.starling.mqtt.packet.PingReq;
import io.starling.mqtt.packet.PubAck;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The fixed header, the size limit and what happens after the first malformed packet. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FrameDecoderTest {
    private static final byte[] PINGREQ = hex("C0 00");

    @ParameterizedTest(name = "first byte 0x{0}")
    @ValueSource(strings = {"00", "0F", "F0", "FF"})
    @DisplayName("packet types 0 and 15 are reserved and malformed as soon as the first byte arrives")
    void rejectsReservedTypes(String firstByte) {
        try (DecoderHarness harness = new DecoderHarness()) {
            harness.feed(hex(firstByte));
            assertThat(harness.singleFailure()).hasMessageContaining("reserved");
        }
    }

    /** Every non-PUBLISH type with every wrong flag nibble; the label names the statements the reason must cite. */
    static Stream<Arguments> wrongFlags() {
        List<Arguments> cases = new ArrayList<>();
        for (PacketType type : PacketType.values()) {
            if (type == PacketType.PUBLISH) {
                continue;
            }
            String typeId = switch (type) {
                case PUBREL -> " [MQTT-3.6.1-1]";
                case SUBSCRIBE -> " [MQTT-3.8.1-1]";
                case UNSUBSCRIBE -> " [MQTT-3.10.1-1]";
                case DISCONNECT -> " [MQTT-3.14.1-1]";
                default -> "";
            };
            for (int flags = 0; flags < 16; flags++) {
                if (flags != type.requiredFlags()) {
                    String label = "[MQTT-2.2.2-1] [MQTT-2.2.2-2]" + typeId + " " + type + " with flags " + flags;
                    cases.add(arguments(label, type.value() << 4 | flags));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongFlags")
    @DisplayName("[MQTT-2.2.2-1] [MQTT-2.2.2-2] [MQTT-3.6.1-1] [MQTT-3.8.1-1] [MQTT-3.10.1-1] [MQTT-3.14.1-1] "
            + "reserved fixed header flags other than Table 2.2's are malformed at the first byte")
    void rejectsWrongFlags(String label, int firstByte) {
        try (DecoderHarness harness = new DecoderHarness()) {
            harness.feed(new byte[] {(byte) firstByte});
            StatementIds.assertCites(harness.singleFailure(), label);
        }
    }

    @Test
    @DisplayName("[MQTT-2.2.2-1] PUBREL, SUBSCRIBE and UNSUBSCRIBE decode with flags 0010")
    void acceptsRequiredFlags() {
        assertThat(DecoderHarness.decodeOne(body().u16(1).frame(0x62))).isNotNull();
        assertThat(DecoderHarness.decodeOne(body().u16(1).str("a").u8(0).frame(0x82))).isNotNull();
        assertThat(DecoderHarness.decodeOne(body().u16(1).str("a").frame(0xA2))).isNotNull();
    }

    @Test
    @DisplayName("a remaining length continuing into a fifth byte is malformed when the fourth byte arrives")
    void rejectsFiveByteRemainingLength() {
        try (DecoderHarness harness = new DecoderHarness(MqttFrameDecoder.MAX_PACKET_SIZE)) {
            harness.feed(hex("30 FF FF FF"));
            assertThat(harness.errors()).isEmpty();
            harness.feed(hex("FF"));
            assertThat(harness.singleFailure()).hasMessageContaining("four bytes");
        }
    }

    @Test
    @DisplayName("a four-byte remaining length of the maximum value is legal: the decoder waits for the body")
    void acceptsMaximumRemainingLengthHeader() {
        try (DecoderHarness harness = new DecoderHarness(MqttFrameDecoder.MAX_PACKET_SIZE)) {
            harness.feed(hex("30 FF FF FF 7F 00 01 61"));
            assertThat(harness.errors()).isEmpty();
            assertThat(harness.packets()).isEmpty();
        }
    }

    @Test
    @DisplayName("a header declaring more than the limit fails on the header alone, and nothing more is decoded")
    void rejectsOversizedPacketOnHeader() {
        try (DecoderHarness harness = new DecoderHarness(1024)) {
            harness.feed(hex("30 80 80 80 01")); // PUBLISH declaring 2 MB
            assertThat(harness.singleFailure()).isInstanceOfSatisfying(PacketTooLargeException.class, e -> {
                assertThat(e.declaredSize()).isEqualTo(5 + 2_097_152);
                assertThat(e.maxPacketSize()).isEqualTo(1024);
            });
            harness.feed(PINGREQ, PINGREQ);
            assertThat(harness.packets()).isEmpty();
            assertThat(harness.errors()).hasSize(1);
        }
    }

    @Test
    @DisplayName("the limit counts the whole packet, fixed header included")
    void limitIncludesFixedHeader() {
        byte[] exactly100 = body().str("t").raw(new byte[95]).frame(0x30); // 2 + 3 + 95
        assertThat(exactly100).hasSize(100);
        try (DecoderHarness harness = new DecoderHarness(100)) {
            harness.feed(exactly100);
            assertThat(harness.packets()).hasSize(1);
        }
        try (DecoderHarness harness = new DecoderHarness(99)) {
            harness.feed(exactly100);
            assertThat(harness.singleFailure()).isInstanceOf(PacketTooLargeException.class);
            assertThat(harness.packets()).isEmpty();
        }
    }

    @Test
    @DisplayName("after a malformed packet the exception fires once and all later input is discarded")
    void discardsEverythingAfterFailure() {
        try (DecoderHarness harness = new DecoderHarness()) {
            harness.feed(concat(PINGREQ, body().u16(0).frame(0x40), PINGREQ)); // PUBACK id 0 in the middle
            assertThat(harness.packets()).containsExactly(PingReq.INSTANCE);
            harness.singleFailure();
            harness.feed(PINGREQ, body().u16(1).frame(0x40), hex("00 00"));
            assertThat(harness.packets()).isEmpty();
            assertThat(harness.errors()).hasSize(1);
            assertThat(harness.channel().isOpen()).as("closing is the inbound handler's decision").isTrue();
        }
    }

    @Test
    @DisplayName("a record's IllegalArgumentException is wrapped as malformed with its statement ID")
    void wrapsRecordValidation() {
        MalformedPacketException failure = assertRejected("[MQTT-3.2.2-4]", body().u8(1).u8(4).frame(0x20));
        assertThat(failure.statementId()).contains("MQTT-3.2.2-4");
        assertThat(failure.getCause()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("many packets in one read are all decoded, in order")
    void decodesManyPacketsInOneRead() {
        byte[][] acks = IntStream.rangeClosed(1, 500).mapToObj(id -> body().u16(id).frame(0x40)).toArray(byte[][]::new);
        try (DecoderHarness harness = new DecoderHarness()) {
            harness.feed(concat(acks));
            List<MqttPacket> expected = IntStream.rangeClosed(1, 500).mapToObj(PubAck::new)
                    .map(MqttPacket.class::cast).toList();
            assertThat(harness.packets()).containsExactlyElementsOf(expected);
            assertThat(harness.errors()).isEmpty();
        }
    }

    @Test
    @DisplayName("the size limit must allow at least a two-byte packet and at most what MQTT can frame")
    void validatesLimit() {
        assertThatThrownBy(() -> new MqttFrameDecoder(1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MqttFrameDecoder(MqttFrameDecoder.MAX_PACKET_SIZE + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, offset, part.length);
            offset += part.length;
        }
        return all;
    }
}
