package io.starling.mqtt.netty.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Where an encoder writes one packet: a buffer with at least {@code size} writable bytes. Either a new buffer of
 * exactly that size, or the writer's batch buffer, so that many small packets leave in one buffer.
 */
@FunctionalInterface
public interface BufferSource {
    ByteBuf bufferFor(int size);

    /** New buffers of exactly the packet's size; they cannot grow, so a size miscalculation fails loudly. */
    static BufferSource exact(ByteBufAllocator alloc) {
        return size -> alloc.buffer(size, size);
    }
}
