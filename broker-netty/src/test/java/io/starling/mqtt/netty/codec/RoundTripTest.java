package io.starling.mqtt.netty.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PacketType;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RoundTripTest {

    @Test
    @DisplayName("the samples cover all fourteen packet types")
    void samplesCoverEveryType() {
        EnumSet<PacketType> covered = EnumSet.noneOf(PacketType.class);
        SamplePackets.all().forEach(p -> covered.add(p.type()));
        assertThat(covered).containsExactlyInAnyOrder(PacketType.values());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.starling.mqtt.netty.codec.SamplePackets#asArguments")
    @DisplayName("encode then decode gives back an equal packet")
    void roundTrips(MqttPacket packet) {
        assertThat(DecoderHarness.decodeOne(Encoded.bytes(packet))).isEqualTo(packet);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.starling.mqtt.netty.codec.SamplePackets#asArguments")
    @DisplayName("the pipeline encoder writes the same bytes as the static helper")
    void pipelineMatchesStaticHelper(MqttPacket packet) {
        EmbeddedChannel channel = new EmbeddedChannel(new MqttEncoder());
        try {
            assertThat(channel.writeOutbound(packet)).isTrue();
            ByteBuf written = channel.readOutbound();
            try {
                assertThat(ByteBufUtil.getBytes(written)).isEqualTo(Encoded.bytes(packet));
            } finally {
                written.release();
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
