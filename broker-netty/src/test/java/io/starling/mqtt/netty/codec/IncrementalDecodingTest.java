package io.starling.mqtt.netty.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.packet.MqttPacket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** TCP delivers bytes, not packets: any split of the stream must decode to the same packets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IncrementalDecodingTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.starling.mqtt.netty.codec.SamplePackets#asArguments")
    @DisplayName("every valid packet decodes when fed one byte per read")
    void decodesByteByByte(MqttPacket packet) {
        byte[] bytes = Encoded.bytes(packet);
        try (DecoderHarness harness = new DecoderHarness()) {
            harness.feedByteByByte(Arrays.copyOf(bytes, bytes.length - 1));
            assertThat(harness.packets()).isEmpty();
            harness.feed(new byte[] {bytes[bytes.length - 1]});
            assertThat(harness.packets()).containsExactly(packet);
            assertThat(harness.errors()).isEmpty();
        }
    }

    @Test
    @DisplayName("all sample packets in one buffer decode in order")
    void decodesAllInOneRead() {
        try (DecoderHarness harness = new DecoderHarness()) {
            harness.feed(allSamplesBytes());
            assertThat(harness.packets()).containsExactlyElementsOf(SamplePackets.all());
            assertThat(harness.errors()).isEmpty();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    @DisplayName("the sample stream split at random points decodes in order")
    void decodesRandomSplits(long seed) {
        byte[] stream = allSamplesBytes();
        Random random = new Random(seed);
        try (DecoderHarness harness = new DecoderHarness()) {
            List<MqttPacket> decoded = new ArrayList<>();
            for (int offset = 0; offset < stream.length; ) {
                int chunk = Math.min(stream.length - offset, 1 + random.nextInt(300));
                harness.feed(Arrays.copyOfRange(stream, offset, offset + chunk));
                decoded.addAll(harness.packets());
                offset += chunk;
            }
            assertThat(decoded).containsExactlyElementsOf(SamplePackets.all());
            assertThat(harness.errors()).isEmpty();
        }
    }

    private static byte[] allSamplesBytes() {
        return FrameDecoderTest.concat(SamplePackets.all().stream().map(Encoded::bytes).toArray(byte[][]::new));
    }
}
