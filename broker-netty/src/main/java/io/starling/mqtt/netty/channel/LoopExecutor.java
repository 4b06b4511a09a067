package io.starling.mqtt.netty.channel;

import io.netty.channel.EventLoop;
import io.starling.mqtt.spi.OwnerExecutor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Core's view of one event loop. One instance per loop, so that core can compare owners by identity. */
public final class LoopExecutor implements OwnerExecutor {
    private final EventLoop loop;

    private LoopExecutor(EventLoop loop) {
        this.loop = loop;
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    @Override
    public boolean inOwnerThread() {
        return loop.inEventLoop();
    }

    @Override
    public String toString() {
        return "LoopExecutor[" + loop + "]";
    }

    /** The per-loop instances of one broker. */
    public static final class Registry {
        private final Map<EventLoop, LoopExecutor> executors = new ConcurrentHashMap<>();

        public LoopExecutor of(EventLoop loop) {
            return executors.computeIfAbsent(loop, LoopExecutor::new);
        }
    }
}
