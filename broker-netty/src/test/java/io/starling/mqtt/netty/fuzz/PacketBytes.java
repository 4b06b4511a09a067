package io.starling.mqtt.netty.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.starling.mqtt.netty.codec.MqttEncoder;
import io.starling.mqtt.packet.MqttPacket;
import java.io.ByteArrayOutputStream;

/** Packets as plain bytes, and bytes as text for failure messages. */
final class PacketBytes {
    /** Untracked: for bytes the test writes itself, not for buffers the broker handles. */
    private static final ByteBufAllocator PLAIN = new UnpooledByteBufAllocator(false, true);
    private static final int HEX_SHOWN = 64;

    private PacketBytes() {}

    static byte[] encode(MqttPacket packet) {
        return encode(packet, PLAIN);
    }

    /** Our encoder's bytes for {@code packet}, from a buffer of {@code alloc} that is released again. */
    static byte[] encode(MqttPacket packet, ByteBufAllocator alloc) {
        ByteBuf buf = MqttEncoder.encode(alloc, packet);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Hex of the first 64 bytes, and the total length when there are more. */
    static String hex(byte[] bytes) {
        int shown = Math.min(bytes.length, HEX_SHOWN);
        return ByteBufUtil.hexDump(bytes, 0, shown) + (shown < bytes.length ? "...(" + bytes.length + " bytes)" : "");
    }
}
