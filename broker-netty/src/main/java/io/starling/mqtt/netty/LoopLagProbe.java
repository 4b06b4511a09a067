package io.starling.mqtt.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.PlatformDependent;
import io.starling.mqtt.flow.LoadProbe;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The overload controller's view of the event loops: each loop runs a tiny task every {@value #PERIOD_MILLIS} ms,
 * and how late it starts is the loop's lag (a loop busy with I/O or long tasks starts it late). Network buffers are
 * the default allocator's direct memory in use: mostly bytes written to sockets that have not taken them yet.
 */
final class LoopLagProbe implements LoadProbe {
    private static final long PERIOD_MILLIS = 50;
    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS);

    private final AtomicLong worstLag = new AtomicLong();
    private volatile boolean stopped;

    LoopLagProbe(EventLoopGroup loops) {
        for (EventExecutor loop : loops) {
            arm(loop);
        }
    }

    private void arm(EventExecutor loop) {
        if (stopped || loop.isShuttingDown()) {
            return;
        }
        long due = System.nanoTime() + PERIOD_NANOS;
        loop.schedule(() -> {
            long lag = System.nanoTime() - due;
            worstLag.accumulateAndGet(lag, Math::max);
            arm(loop);
        }, PERIOD_NANOS, TimeUnit.NANOSECONDS);
    }

    /** The worst lag since the last call. */
    @Override
    public long loopLagNanos() {
        return Math.max(0, worstLag.getAndSet(0));
    }

    @Override
    public long outboundBytes() {
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            return provider.metric().usedDirectMemory();
        }
        return 0;
    }

    @Override
    public long outboundLimit() {
        return PlatformDependent.maxDirectMemory();
    }

    void stop() {
        stopped = true;
    }
}
