package io.starling.mqtt.netty;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.util.concurrent.RejectedExecutionHandlers;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * Event loops that go back to I/O at least every {@value #TASK_QUANTUM_MS} ms. Netty's default lets a loop run
 * queued tasks for up to a second before it reads again; a burst of new connections (each registration is a task)
 * then stalled every established connection on that loop for up to that second: the flood benchmark measured
 * 680 ms median round trips during a 2,000-connection burst. The quantum was 10 ms at first; 1 ms since the overload
 * benchmark, where a flooding publisher's continued reads (with edge-triggered epoll they run as tasks) held a light
 * client's packet for up to that long. See docs/decisions/0012-event-loop-task-quantum.md.
 */
final class ResponsiveEventLoopGroup extends MultiThreadIoEventLoopGroup {
    static final long TASK_QUANTUM_MS = 1;

    ResponsiveEventLoopGroup(int threads, ThreadFactory threadFactory, IoHandlerFactory io) {
        super(threads, threadFactory, io);
    }

    @Override
    protected IoEventLoop newChild(Executor executor, IoHandlerFactory ioHandlerFactory, Object... args) {
        return new SingleThreadIoEventLoop(this, executor, ioHandlerFactory, Integer.MAX_VALUE,
                RejectedExecutionHandlers.reject(), TASK_QUANTUM_MS);
    }
}
