package io.starling.mqtt.netty.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.starling.mqtt.netty.codec.MalformedPacketException;
import io.starling.mqtt.netty.codec.MqttFrameDecoder;
import io.starling.mqtt.netty.codec.PacketTooLargeException;
import io.starling.mqtt.packet.Connect;
import io.starling.mqtt.packet.MqttPacket;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The frame decoder and the fourteen packet decoders on arbitrary bytes in arbitrary read splits.
 *
 * <p>Input format ({@link FuzzInput}, front to back): two bytes of {@code maxPacketSize} (big-endian, at least 2),
 * then chunks, each a length byte and that many bytes; each chunk is one socket read.
 *
 * <p>Properties, per input: the decoder reports bad bytes only as one {@link MalformedPacketException} and decodes
 * nothing after it; every packet it accepts re-encodes to exactly the bytes it came from (only a non-minimal
 * remaining-length encoding may differ), decodes back to an equal packet, and Netty's MQTT codec reads that
 * encoding and writes the same bytes back; every buffer is released; and no buffer is ever sized from a declared
 * length: all stay below a few times what was actually sent within the limit.
 */
class MqttFrameDecoderFuzzTest {
    static final int MAX_CHUNK = 255;

    @FuzzTest(maxDuration = "10s")
    void decodesArbitraryBytesInArbitrarySplits(byte[] data) {
        FuzzInput input = new FuzzInput(data);
        int maxPacketSize = Math.max(2, input.u16());
        TrackingAllocator alloc = new TrackingAllocator(bufferBound(maxPacketSize));
        Recorder recorder = new Recorder();
        List<Integer> frameSizes = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        channel.pipeline().addLast(new MqttFrameDecoder(maxPacketSize, frameSizes::add), recorder);

        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        while (input.hasMore()) {
            byte[] chunk = input.bytes(input.u8());
            sent.writeBytes(chunk);
            channel.writeInbound(alloc.copyOf(chunk));
            channel.checkException();
            alloc.assertWithinBound("after " + sent.size() + " bytes");
        }
        channel.finishAndReleaseAll();
        channel.checkException();

        recorder.assertErrorsAreReported(maxPacketSize);
        // A frame is counted once complete, before its body is decoded: a malformed body is the one extra frame.
        int extraFrames = frameSizes.size() - recorder.packets.size();
        check(extraFrames == 0 || extraFrames == 1 && !recorder.errors.isEmpty(),
                frameSizes.size() + " frames counted but " + recorder.packets.size() + " packets decoded");
        assertFramesRoundTrip(sent.toByteArray(), frameSizes, recorder.packets);
        alloc.assertAllReleased();
    }

    /**
     * The cumulation holds less than one packet below the limit plus one read; Netty rounds capacities up to a
     * power of two and may keep up to half a buffer of consumed bytes before discarding them, hence the factor 4.
     * A buffer sized from a declared length (up to 256 MB) is far beyond this.
     */
    static int bufferBound(int maxPacketSize) {
        return 4 * (maxPacketSize + MAX_CHUNK);
    }

    /** Packet {@code i} came from frame {@code i}: the next {@code frameSizes[i]} bytes of the stream. */
    private static void assertFramesRoundTrip(byte[] stream, List<Integer> frameSizes, List<MqttPacket> packets) {
        TrackingAllocator oracleAlloc = new TrackingAllocator(Integer.MAX_VALUE);
        int offset = 0;
        for (int i = 0; i < packets.size(); i++) {
            byte[] frame = Arrays.copyOfRange(stream, offset, offset + frameSizes.get(i));
            offset += frame.length;
            RoundTrip.assertLossless(packets.get(i), frame, oracleAlloc);
        }
        oracleAlloc.assertAllReleased();
    }

    static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    /** Records, in order, what the decoder fires: packets and exceptions. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<MqttPacket> packets = new ArrayList<>();
        final List<Throwable> errors = new ArrayList<>();
        int packetsAfterError;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof MqttPacket packet)) {
                throw new AssertionError("the decoder fired a " + msg.getClass().getName());
            }
            if (!errors.isEmpty()) {
                packetsAfterError++;
            }
            packets.add(packet);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
        }

        void assertErrorsAreReported(int maxPacketSize) {
            for (Throwable error : errors) {
                if (!(error instanceof MalformedPacketException)) {
                    AssertionError failure = new AssertionError("the decoder fired " + error
                            + " instead of a MalformedPacketException");
                    failure.initCause(error);
                    throw failure;
                }
                if (error instanceof PacketTooLargeException tooLarge) {
                    check(tooLarge.declaredSize() > maxPacketSize && tooLarge.maxPacketSize() == maxPacketSize,
                            "PacketTooLargeException for a packet within the limit: " + tooLarge.getMessage());
                }
            }
            check(errors.size() <= 1, "the decoder fired " + errors.size() + " exceptions: " + errors);
            check(packetsAfterError == 0, packetsAfterError + " packets decoded after a malformed one");
        }
    }

    /** Re-encoding a decoded packet, with our encoder and through Netty's codec. */
    static final class RoundTrip {
        private RoundTrip() {}

        static void assertLossless(MqttPacket packet, byte[] frame, TrackingAllocator alloc) {
            byte[] canonical = PacketBytes.encode(packet, alloc);
            check(canonical[0] == frame[0], String.format("first byte %02x re-encodes as %02x for %s",
                    frame[0], canonical[0], packet));
            byte[] body = Arrays.copyOfRange(frame, headerLength(frame), frame.length);
            byte[] canonicalBody = Arrays.copyOfRange(canonical, headerLength(canonical), canonical.length);
            check(Arrays.equals(body, canonicalBody), "the decoder lost information: " + packet + " came from "
                    + PacketBytes.hex(frame) + " but re-encodes as " + PacketBytes.hex(canonical));

            List<MqttPacket> again = decodeAll(canonical, alloc);
            check(again.equals(List.of(packet)), "re-encoded " + packet + " decodes as " + again);

            List<NettyOracle.Decoded> netty = NettyOracle.decode(canonical, alloc);
            check(netty.size() == 1, "Netty read " + netty.size() + " messages from " + packet);
            NettyOracle.Decoded read = netty.get(0);
            if (read.failure() != null) {
                if (mqtt31IdentifierRule(packet, read.failure())) {
                    return;
                }
                AssertionError failure = new AssertionError("Netty's decoder rejects " + packet + " encoded as "
                        + PacketBytes.hex(canonical) + ": " + read.failure());
                failure.initCause(read.failure());
                throw failure;
            }
            check(Arrays.equals(read.reencoded(), canonical), "Netty reads " + PacketBytes.hex(canonical)
                    + " (" + packet + ") and writes " + PacketBytes.hex(read.reencoded()));
        }

        /**
         * Netty applies MQTT 3.1's client-id rule (1 to 23 characters) while decoding; our decoder only frames and
         * parses, and the CONNECT handler refuses such a client with CONNACK 0x02 (ConnectConformanceIT). The
         * oracle's own limit is 65,535, so an empty id is the one case left.
         */
        private static boolean mqtt31IdentifierRule(MqttPacket packet, Throwable failure) {
            return failure instanceof MqttIdentifierRejectedException && packet instanceof Connect c
                    && c.protocolLevel() == Connect.PROTOCOL_LEVEL_V31 && c.clientId().isEmpty();
        }

        private static List<MqttPacket> decodeAll(byte[] bytes, TrackingAllocator alloc) {
            EmbeddedChannel channel = new EmbeddedChannel();
            channel.config().setAllocator(alloc);
            channel.pipeline().addLast(new MqttFrameDecoder(MqttFrameDecoder.MAX_PACKET_SIZE));
            List<MqttPacket> packets = new ArrayList<>();
            try {
                channel.writeInbound(alloc.copyOf(bytes));
                for (Object msg; (msg = channel.readInbound()) != null; ) {
                    packets.add((MqttPacket) msg);
                }
                channel.checkException();
            } finally {
                channel.finishAndReleaseAll();
            }
            return packets;
        }

        /** The fixed header's length: the first byte and the remaining-length bytes. */
        private static int headerLength(byte[] frame) {
            int i = 1;
            while ((frame[i] & 0x80) != 0) {
                i++;
            }
            return i + 1;
        }
    }
}
