package io.starling.mqtt.netty.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * Remembers every buffer it hands out, so that a fuzz input can be checked on its own: every buffer released when
 * the input is done, and no buffer ever larger than a bound. Netty's leak detector cannot do this per input: it
 * reports a leak only after a garbage collection, long after the input that caused it, and its paranoid records
 * would make each execution several times slower.
 *
 * <p>Backed by an unpooled allocator without Netty's leak tracking: the check here is exact, so the detector's
 * sampling adds nothing but cost. Not thread-safe: one fuzz input runs on one thread (EmbeddedChannel runs every
 * task on the caller).
 */
final class TrackingAllocator implements ByteBufAllocator {
    private static final ByteBufAllocator DELEGATE = new UnpooledByteBufAllocator(false, true);

    private final List<ByteBuf> allocated = new ArrayList<>();
    private final int maxCapacity;

    /** @param maxCapacity the largest capacity any buffer may have, at allocation or after growing */
    TrackingAllocator(int maxCapacity) {
        this.maxCapacity = maxCapacity;
    }

    /** A buffer holding exactly {@code bytes}, as a socket read would deliver them. */
    ByteBuf copyOf(byte[] bytes) {
        return buffer(bytes.length, Math.max(1, bytes.length)).writeBytes(bytes);
    }

    /**
     * Fails when a buffer is, or has grown, beyond the bound. Called after every step, because a cumulation buffer
     * grows in place (ensureWritable) without asking the allocator.
     */
    void assertWithinBound(String when) {
        for (ByteBuf buf : allocated) {
            if (buf.refCnt() > 0 && buf.capacity() > maxCapacity) {
                throw new AssertionError(when + ": a buffer of capacity " + buf.capacity()
                        + " exceeds the bound of " + maxCapacity + " bytes");
            }
        }
    }

    /** Fails listing the buffers still referenced; call after every channel is finished and every output released. */
    void assertAllReleased() {
        List<String> live = new ArrayList<>();
        for (ByteBuf buf : allocated) {
            if (buf.refCnt() != 0) {
                live.add("refCnt " + buf.refCnt() + ", " + buf.readableBytes() + " readable of capacity "
                        + buf.capacity());
            }
        }
        if (!live.isEmpty()) {
            throw new AssertionError(live.size() + " of " + allocated.size() + " buffers never released: " + live);
        }
    }

    int allocations() {
        return allocated.size();
    }

    private <T extends ByteBuf> T track(T buf) {
        allocated.add(buf);
        int capacity = buf.capacity();
        if (capacity > maxCapacity) {
            // Fail at the allocation itself: the stack trace then names the code that asked for it.
            buf.release();
            throw new AssertionError("allocation of " + capacity + " bytes exceeds the bound of " + maxCapacity
                    + " bytes");
        }
        return buf;
    }

    @Override
    public ByteBuf buffer() {
        return track(DELEGATE.buffer());
    }

    @Override
    public ByteBuf buffer(int initialCapacity) {
        return track(DELEGATE.buffer(initialCapacity));
    }

    @Override
    public ByteBuf buffer(int initialCapacity, int maxCapacity) {
        return track(DELEGATE.buffer(initialCapacity, maxCapacity));
    }

    @Override
    public ByteBuf ioBuffer() {
        return track(DELEGATE.ioBuffer());
    }

    @Override
    public ByteBuf ioBuffer(int initialCapacity) {
        return track(DELEGATE.ioBuffer(initialCapacity));
    }

    @Override
    public ByteBuf ioBuffer(int initialCapacity, int maxCapacity) {
        return track(DELEGATE.ioBuffer(initialCapacity, maxCapacity));
    }

    @Override
    public ByteBuf heapBuffer() {
        return track(DELEGATE.heapBuffer());
    }

    @Override
    public ByteBuf heapBuffer(int initialCapacity) {
        return track(DELEGATE.heapBuffer(initialCapacity));
    }

    @Override
    public ByteBuf heapBuffer(int initialCapacity, int maxCapacity) {
        return track(DELEGATE.heapBuffer(initialCapacity, maxCapacity));
    }

    @Override
    public ByteBuf directBuffer() {
        return track(DELEGATE.directBuffer());
    }

    @Override
    public ByteBuf directBuffer(int initialCapacity) {
        return track(DELEGATE.directBuffer(initialCapacity));
    }

    @Override
    public ByteBuf directBuffer(int initialCapacity, int maxCapacity) {
        return track(DELEGATE.directBuffer(initialCapacity, maxCapacity));
    }

    @Override
    public CompositeByteBuf compositeBuffer() {
        return track(DELEGATE.compositeBuffer());
    }

    @Override
    public CompositeByteBuf compositeBuffer(int maxNumComponents) {
        return track(DELEGATE.compositeBuffer(maxNumComponents));
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer() {
        return track(DELEGATE.compositeHeapBuffer());
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
        return track(DELEGATE.compositeHeapBuffer(maxNumComponents));
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer() {
        return track(DELEGATE.compositeDirectBuffer());
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
        return track(DELEGATE.compositeDirectBuffer(maxNumComponents));
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    @Override
    public int calculateNewCapacity(int minNewCapacity, int maxCapacity) {
        return DELEGATE.calculateNewCapacity(minNewCapacity, maxCapacity);
    }
}
