package io.starling.mqtt.netty.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Netty's own MQTT codec (test scope only) as an independent reader of bytes: a second implementation that must
 * accept what we write. Buffers come from the caller's {@link TrackingAllocator}, so the oracle cannot leak either.
 */
final class NettyOracle {
    /** Netty refuses longer client ids by default; the limit is ours to apply, not the codec's. */
    private static final int MAX_CLIENT_ID_LENGTH = 65_535;

    private NettyOracle() {}

    /** What Netty decoded from {@code bytes}, in order; a message Netty rejected carries its decoder failure. */
    static List<Decoded> decode(byte[] bytes, TrackingAllocator alloc) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        channel.pipeline().addLast(new MqttDecoder(Math.max(1, bytes.length), MAX_CLIENT_ID_LENGTH));
        List<Decoded> decoded = new ArrayList<>();
        try {
            channel.writeInbound(alloc.copyOf(bytes));
            for (MqttMessage message; (message = channel.readInbound()) != null; ) {
                try {
                    Throwable failure = message.decoderResult().cause();
                    byte[] reencoded = failure == null ? encode(message, alloc) : null;
                    decoded.add(new Decoded(message.fixedHeader().messageType().value(), failure, reencoded));
                } finally {
                    ReferenceCountUtil.release(message);
                }
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        return decoded;
    }

    /** Netty's encoding of a message it decoded; retains the payload for the encoder, which releases it. */
    private static byte[] encode(MqttMessage message, TrackingAllocator alloc) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        channel.pipeline().addLast(MqttEncoder.INSTANCE);
        try {
            channel.writeOutbound(ReferenceCountUtil.retain(message));
            ByteBuf encoded = channel.readOutbound();
            try {
                return ByteBufUtil.getBytes(encoded);
            } finally {
                encoded.release();
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /**
     * One message as Netty read it.
     *
     * @param type      the MQTT packet type value from the fixed header
     * @param failure   why Netty rejected it, or null
     * @param reencoded Netty's own encoding of what it read, or null when it rejected the message
     */
    record Decoded(int type, Throwable failure, byte[] reencoded) {}
}
