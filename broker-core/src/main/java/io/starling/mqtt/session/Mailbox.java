package io.starling.mqtt.session;

import io.starling.mqtt.spi.OwnerExecutor;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * Runs a session's tasks one at a time, in submission order, on the session's current owner executor.
 *
 * <p>Why not post straight to the event loop: a persistent session moves between event loops when its client
 * reconnects elsewhere. Tasks submitted around the move must neither run on two threads at once nor overtake each
 * other. The mailbox keeps the order; {@link #moveTo} switches the executor between two tasks.
 *
 * <p>Lock-free: submitters only enqueue and CAS the scheduled flag.
 */
final class Mailbox implements Runnable {
    private static final int BATCH = 256;

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    // A field updater instead of an AtomicBoolean: one object less per session.
    private static final AtomicIntegerFieldUpdater<Mailbox> SCHEDULED =
            AtomicIntegerFieldUpdater.newUpdater(Mailbox.class, "scheduled");
    private volatile int scheduled;
    private volatile Executor executor;

    Mailbox(Executor executor) {
        this.executor = executor;
    }

    Executor executor() {
        return executor;
    }

    /** Changes the owner; only called by a task of this mailbox, so no task runs on the old owner afterwards. */
    void moveTo(Executor newOwner) {
        this.executor = newOwner;
    }

    /**
     * True when the caller is the owner thread and no task is waiting: running now keeps the order that a
     * submitted task would have, without the hop.
     */
    boolean canRunInline() {
        return executor instanceof OwnerExecutor owner && owner.inOwnerThread() && scheduled == 0;
    }

    void submit(Runnable task) {
        tasks.add(task);
        if (SCHEDULED.compareAndSet(this, 0, 1)) {
            executor.execute(this);
        }
    }

    /** Drains tasks; the mailbox is its own drain task, which saves an object per session. */
    @Override
    public void run() {
        Executor owner = executor;
        for (int i = 0; i < BATCH; i++) {
            Runnable task = tasks.poll();
            if (task == null) {
                scheduled = 0;
                // A submitter may have enqueued after our poll but before the flag cleared.
                if (!tasks.isEmpty() && SCHEDULED.compareAndSet(this, 0, 1)) {
                    executor.execute(this);
                }
                return;
            }
            task.run();
            if (executor != owner) {
                executor.execute(this);
                return;
            }
        }
        // Yield the event loop to its other work; carry on in a later turn.
        executor.execute(this);
    }
}
