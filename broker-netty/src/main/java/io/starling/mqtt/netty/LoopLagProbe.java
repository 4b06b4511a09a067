package io.starling.mqtt.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.PlatformDependent;
import io.starling.mqtt.flow.LoadProbe;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The overload controller's view of the event loops: each loop runs a tiny task every {@value #PERIOD_MILLIS} ms,
 * and how late it starts is the loop's lag (a loop busy with I/O or long tasks starts it late). Network buffers are
 * the default allocator's direct memory in use: mostly bytes written to sockets that have not taken them yet. How
 * busy a loop is: its thread's CPU time over the wall time since the last reading (a loop that waits in epoll uses
 * none).
 */
final class LoopLagProbe implements LoadProbe {
    private static final long PERIOD_MILLIS = 50;
    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS);

    private final AtomicLong worstLag = new AtomicLong();
    // Each loop thread's id and its CPU time at the last loopBusy() reading; filled by the probe tasks themselves.
    private final Map<Long, Long> loopCpuNanos = new ConcurrentHashMap<>();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long lastBusyReadingNanos = System.nanoTime();
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
            loopCpuNanos.putIfAbsent(Thread.currentThread().getId(), -1L);
            arm(loop);
        }, PERIOD_NANOS, TimeUnit.NANOSECONDS);
    }

    /** The worst lag since the last call. */
    @Override
    public long loopLagNanos() {
        return Math.max(0, worstLag.getAndSet(0));
    }

    /** Called by the flow controller's thread only. */
    @Override
    public double loopBusy() {
        long now = System.nanoTime();
        long wall = now - lastBusyReadingNanos;
        lastBusyReadingNanos = now;
        double busiest = 0;
        for (Map.Entry<Long, Long> e : loopCpuNanos.entrySet()) {
            long cpu = threads.getThreadCpuTime(e.getKey());
            if (cpu < 0) {
                continue; // not supported, or the thread is gone
            }
            long before = e.getValue();
            e.setValue(cpu);
            if (before >= 0 && wall > 0) {
                busiest = Math.max(busiest, Math.min(1.0, (double) (cpu - before) / wall));
            }
        }
        return busiest;
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
