package io.starling.mqtt.protocol;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task on a given executor after a delay, from one daemon timer thread created on first use (most brokers
 * never need it). Used to answer throttled logins late without holding an event loop.
 */
public final class DelayedTasks implements AutoCloseable {
    private final String threadName;
    private ScheduledThreadPoolExecutor timer;
    private boolean closed;

    public DelayedTasks(String threadName) {
        this.threadName = threadName;
    }

    /** Runs {@code task} on {@code executor} after {@code delayNanos}; dropped silently once closed. */
    public void schedule(Executor executor, Runnable task, long delayNanos) {
        ScheduledThreadPoolExecutor t = timer();
        if (t != null) {
            t.schedule(() -> executor.execute(task), delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private synchronized ScheduledThreadPoolExecutor timer() {
        if (closed) {
            return null;
        }
        if (timer == null) {
            timer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread thread = new Thread(r, threadName);
                thread.setDaemon(true);
                return thread;
            });
            timer.setRemoveOnCancelPolicy(true);
        }
        return timer;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
