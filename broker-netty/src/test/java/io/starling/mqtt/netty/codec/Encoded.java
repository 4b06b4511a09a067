package io.starling.mqtt.netty.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.starling.mqtt.packet.MqttPacket;

/** Encodes through the static helper and returns plain bytes, releasing the buffer. */
final class Encoded {
    private Encoded() {}

    static byte[] bytes(MqttPacket packet) {
        ByteBuf buf = MqttEncoder.encode(ByteBufAllocator.DEFAULT, packet);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }
}
