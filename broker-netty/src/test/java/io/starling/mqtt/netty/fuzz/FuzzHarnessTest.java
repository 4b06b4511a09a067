package io.starling.mqtt.netty.fuzz;

import static io.starling.mqtt.netty.fuzz.PacketBytes.concat;
import static io.starling.mqtt.netty.fuzz.PacketBytes.encode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.engine.BrokerEngine;
import io.starling.mqtt.netty.MqttChannelInitializer;
import io.starling.mqtt.packet.ConnAck;
import io.starling.mqtt.packet.Connect;
import io.starling.mqtt.packet.ConnectReturnCode;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PingReq;
import io.starling.mqtt.packet.Publish;
import io.starling.mqtt.topic.TopicName;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The fuzz targets' oracles can fail: a check that never fires looks exactly like a broker without bugs. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FuzzHarnessTest {

    @Test
    @DisplayName("the tracking allocator fails on a buffer never released, and passes once it is")
    void trackingAllocatorFindsUnreleasedBuffers() {
        TrackingAllocator alloc = new TrackingAllocator(1024);
        ByteBuf buf = alloc.buffer(16);
        assertThatThrownBy(alloc::assertAllReleased).isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 of 1 buffers never released");
        buf.release();
        alloc.assertAllReleased();
    }

    @Test
    @DisplayName("the tracking allocator fails on a buffer beyond its bound, allocated so or grown in place")
    void trackingAllocatorEnforcesItsBound() {
        TrackingAllocator alloc = new TrackingAllocator(64);
        assertThatThrownBy(() -> alloc.buffer(65)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("exceeds the bound of 64");
        ByteBuf growing = alloc.buffer(16);
        try {
            growing.writeBytes(new byte[200]);
            assertThatThrownBy(() -> alloc.assertWithinBound("growing")).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("exceeds the bound of 64");
        } finally {
            growing.release();
        }
    }

    @Test
    @DisplayName("server output is refused when a PUBLISH comes before CONNACK, when a packet is cut short, "
            + "and when the server sends a client-only packet")
    void serverOutputChecksFire() {
        TrackingAllocator alloc = new TrackingAllocator(1 << 20);
        byte[] connAck = encode(new ConnAck(false, ConnectReturnCode.ACCEPTED));
        byte[] publish = encode(new Publish(TopicName.of("a"), QoS.AT_MOST_ONCE, false, false, 0, new byte[] {1}));
        byte[] pingReq = encode(PingReq.INSTANCE);

        assertThat(ServerOutput.assertValid("ok", concat(connAck, publish), alloc)).hasSize(2);
        assertThatThrownBy(() -> ServerOutput.assertValid("early", concat(publish, connAck), alloc))
                .hasMessageContaining("CONNACK must come first");
        assertThatThrownBy(() -> ServerOutput.assertValid("cut", concat(connAck, new byte[] {0x30, 5, 0}), alloc))
                .hasMessageContaining("incomplete packet");
        assertThatThrownBy(() -> ServerOutput.assertValid("client-only", concat(connAck, pingReq), alloc))
                .hasMessageContaining("a server never sends");
        assertThatThrownBy(() -> ServerOutput.assertValid("refused", concat(
                encode(ConnAck.refuse(ConnectReturnCode.NOT_AUTHORIZED)), publish), alloc))
                .hasMessageContaining("packets after a refusing");
        alloc.assertAllReleased();
    }

    @Test
    @DisplayName("a WARN from a Starling logger is seen while stderr is captured")
    void stderrCaptureSeesStarlingWarnings() {
        try (StderrCapture capture = new StderrCapture()) {
            LoggerFactory.getLogger("io.starling.mqtt.netty.fuzz.Probe").warn("deliberate warning");
            LoggerFactory.getLogger("io.starling.mqtt.netty.fuzz.Probe").info("not a problem");
            assertThat(capture.problems()).singleElement().asString().contains("deliberate warning");
        }
    }

    @Test
    @DisplayName("MqttChannelInitializer builds the real pipeline on the embedded socket channel, "
            + "which answers CONNECT with CONNACK 0 and counts the client until it leaves")
    void embeddedPipelineServesAClient() {
        try (BrokerEngine engine = new BrokerEngine(BrokerConfig.builder().build())) {
            TrackingAllocator alloc = new TrackingAllocator(1 << 20);
            PipelineClient client = new PipelineClient("client", 50_000, new MqttChannelInitializer(engine), alloc);
            client.write(encode(new Connect("MQTT", 4, true, 0, "harness", null, null, null)), alloc);
            client.runPendingTasks();
            client.collectOutbound();

            List<MqttPacket> answers = ServerOutput.assertValid("client", client.received(), alloc);
            assertThat(answers).containsExactly(new ConnAck(false, ConnectReturnCode.ACCEPTED));
            assertThat(engine.stats().clientsConnected()).isEqualTo(1);

            client.close();
            client.runPendingTasks();
            assertThat(engine.stats().clientsConnected()).isZero();
            client.assertNothingUnhandled();
            client.finish();
            alloc.assertAllReleased();
        }
    }
}
