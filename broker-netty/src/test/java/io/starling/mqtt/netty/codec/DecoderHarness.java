package io.starling.mqtt.netty.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.starling.mqtt.packet.MqttPacket;
import java.util.ArrayList;
import java.util.List;

/**
 * An EmbeddedChannel with the frame decoder and a handler recording what it fires. Input is copied into buffers
 * from the default (leak-tracked) allocator, so a buffer the decoder forgot to release fails the test class.
 */
final class DecoderHarness implements AutoCloseable {
    static final int DEFAULT_MAX_PACKET_SIZE = 1 << 20;

    private final List<Throwable> errors = new ArrayList<>();
    private final EmbeddedChannel channel;

    DecoderHarness() {
        this(DEFAULT_MAX_PACKET_SIZE);
    }

    DecoderHarness(int maxPacketSize) {
        channel = new EmbeddedChannel(new MqttFrameDecoder(maxPacketSize), new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.add(cause);
            }
        });
    }

    /** Decodes one complete, valid packet, asserting nothing else happens. */
    static MqttPacket decodeOne(byte[] frame) {
        try (DecoderHarness harness = new DecoderHarness()) {
            harness.feed(frame);
            assertThat(harness.errors()).isEmpty();
            List<MqttPacket> packets = harness.packets();
            assertThat(packets).hasSize(1);
            return packets.get(0);
        }
    }

    /** Feeds one frame that must be rejected; returns the single exception fired, asserting nothing was decoded. */
    static MalformedPacketException decodeFailure(byte[] frame) {
        try (DecoderHarness harness = new DecoderHarness()) {
            harness.feed(frame);
            assertThat(harness.packets()).isEmpty();
            return harness.singleFailure();
        }
    }

    void feed(byte[]... chunks) {
        for (byte[] chunk : chunks) {
            ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(Math.max(1, chunk.length));
            buf.writeBytes(chunk);
            channel.writeInbound(buf);
        }
    }

    /** Feeds {@code bytes} one byte per read. */
    void feedByteByByte(byte[] bytes) {
        for (byte b : bytes) {
            feed(new byte[] {b});
        }
    }

    List<MqttPacket> packets() {
        List<MqttPacket> packets = new ArrayList<>();
        for (Object msg; (msg = channel.readInbound()) != null; ) {
            packets.add((MqttPacket) msg);
        }
        return packets;
    }

    List<Throwable> errors() {
        return errors;
    }

    MalformedPacketException singleFailure() {
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).isInstanceOf(MalformedPacketException.class);
        return (MalformedPacketException) errors.get(0);
    }

    EmbeddedChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }
}
