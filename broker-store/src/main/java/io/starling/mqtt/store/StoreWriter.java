package io.starling.mqtt.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes to the engine, and group commit. Any thread submits writes, which never block: a
 * lock-free queue takes them and the writer applies them in queue order. The writer commits and fsyncs when a
 * {@link #sync()} barrier waits (in {@link Durability#SYNC}), when a write has waited {@code commitDelay}, or when
 * a backlog builds up; every barrier it drained before that commit is completed after it. While one fsync runs,
 * the next writes and barriers queue up and share the next one.
 *
 * <p>Why a barrier travels in the queue rather than comparing sequence numbers: taking a number and enqueueing are
 * two steps, so a writer that drained up to number n may not yet have seen a write numbered below n whose thread was
 * preempted in between. A barrier enqueued after a write returned is behind that write in the queue, always.
 * {@link #pending} counts writes submitted and not yet committed: zero means nothing a caller wrote is waiting, and
 * {@link #sync()} returns a completed future without touching the queue.
 *
 * <p>Periodic mode acknowledges at once, so nothing slows publishers to the writer's pace: under sustained load its
 * queue would grow until the heap fills (measured: GC took both cores). Past {@link #PERIODIC_BACKLOG_WRITES}
 * pending writes or {@link #PERIODIC_BACKLOG_BYTES} pending bytes, {@link #sync()} therefore waits for the next
 * commit as in SYNC mode; acknowledgements slow down, and publishers with them, until the backlog drains.
 *
 * <p>Barrier futures complete on the writer thread: their callbacks must not block (hand the work to your own
 * executor), or every later commit waits for them.
 */
final class StoreWriter {
    /** What the writer drives. Called on the writer thread only. */
    interface Engine {
        /** Makes everything applied so far durable: commit, then fsync. */
        void commitAndSync();

        /** Housekeeping when writes pause (compaction); true if it changed something that needs a commit. */
        boolean maintain();

        /** The last call. {@code clean} is false after a failure: release the files without writing. */
        void close(boolean clean);
    }

    /** Queue entries taken per pass, and the writes after which a commit is due anyway (bounds memory). */
    static final int MAX_BATCH = 16_384;
    /** Pending writes at which submitters wake the writer even though nothing waits for them. */
    static final long WAKE_BACKLOG = 8_192;
    /** Periodic mode: pending writes past which sync() waits for a commit (back-pressure). */
    static final long PERIODIC_BACKLOG_WRITES = 65_536;
    /** Periodic mode: pending bytes (keys and values) past which sync() waits for a commit (back-pressure). */
    static final long PERIODIC_BACKLOG_BYTES = 64L << 20;
    private static final long MAINTENANCE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** A write with the bytes it holds until committed. */
    private record Sized(Runnable write, long bytes) implements Runnable {
        @Override
        public void run() {
            write.run();
        }
    }

    /** A sync() waiting in the queue; applying it does nothing, the writer completes it after the next commit. */
    private static final class Barrier implements Runnable {
        final CompletableFuture<Void> done = new CompletableFuture<>();

        @Override
        public void run() {}
    }

    private final String name;
    private final Engine engine;
    private final boolean periodic;
    private final long commitDelayNanos;
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicBoolean backPressure = new AtomicBoolean();
    private final AtomicLong backPressureEpisodes = new AtomicLong();
    private final AtomicBoolean closeStarted = new AtomicBoolean();
    private final AtomicBoolean droppedLogged = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean sleeping;
    private volatile boolean wakeRequested;
    private volatile boolean closing;
    private volatile boolean terminated;
    private volatile Throwable failure;
    private volatile long commits;

    /**
     * @param commitDelayNanos in {@link Durability#SYNC}, how long a write nobody waits for may stay uncommitted;
     *                         in periodic mode, the period
     */
    StoreWriter(String name, Engine engine, Durability durability, long commitDelayNanos) {
        this.name = name;
        this.engine = engine;
        this.periodic = durability instanceof Durability.Periodic;
        this.commitDelayNanos = commitDelayNanos;
        this.thread = new Thread(this::run, "starling-store-writer");
        // an embedding application that forgets close() must still be able to exit; acknowledged writes are
        // durable already in SYNC mode, and periodic mode documents what it loses
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues a write; it is applied in submission order. Ignored (logged once) once the store is closed. */
    void submit(Runnable write) {
        submit(write, 0);
    }

    /** As {@link #submit(Runnable)}, for a write that holds {@code bytes} until it is committed. */
    void submit(Runnable write, long bytes) {
        if (closeStarted.get() || failure != null) {
            dropped();
            return;
        }
        long n = pending.incrementAndGet();
        if (bytes > 0) {
            pendingBytes.addAndGet(bytes);
            queue.offer(new Sized(write, bytes));
        } else {
            queue.offer(write);
        }
        // the first write after an idle spell starts the commit-delay clock; a backlog is worth a commit anyway
        if (n == 1 || n >= WAKE_BACKLOG) {
            wake();
        }
        if (terminated) {
            failQueued();
        }
    }

    /**
     * Completes once every write submitted before this call is committed and fsynced; in periodic mode at once,
     * unless the backlog is past its bound.
     */
    CompletableFuture<Void> sync() {
        CompletableFuture<Void> unavailable = unavailable();
        if (unavailable != null) {
            return unavailable;
        }
        long n = pending.get();
        if (n == 0) {
            return DONE;
        }
        if (periodic && !overBacklog(n)) {
            return DONE;
        }
        return barrier();
    }

    /** Periodic mode: whether acknowledgements wait for commits now; logs when that starts and when it ends. */
    private boolean overBacklog(long writes) {
        long bytes = pendingBytes.get();
        boolean over = writes > PERIODIC_BACKLOG_WRITES || bytes > PERIODIC_BACKLOG_BYTES;
        if (over) {
            if (backPressure.compareAndSet(false, true)) {
                backPressureEpisodes.incrementAndGet();
                LOG.info("{}: {} writes ({} bytes) wait for the disk; acknowledgements wait for commits until the "
                        + "backlog halves (periodic mode's back-pressure)", name, writes, bytes);
            }
            return true;
        }
        if (backPressure.get()) {
            // hysteresis: release only at half the bound, so that the state does not flap on every commit
            if (writes > PERIODIC_BACKLOG_WRITES / 2 || bytes > PERIODIC_BACKLOG_BYTES / 2) {
                return true;
            }
            if (backPressure.compareAndSet(true, false)) {
                LOG.info("{}: backlog down to {} writes; acknowledgements no longer wait for commits", name, writes);
            }
        }
        return false;
    }

    /** Times periodic mode started making acknowledgements wait for commits. */
    long backPressureEpisodes() {
        return backPressureEpisodes.get();
    }

    /** Writes submitted and not yet committed. */
    long pendingWrites() {
        return pending.get();
    }

    /** As {@link #sync()}, in both modes: commits what is pending now. */
    CompletableFuture<Void> flush() {
        CompletableFuture<Void> unavailable = unavailable();
        if (unavailable != null) {
            return unavailable;
        }
        return pending.get() == 0 ? DONE : barrier();
    }

    /** Drains, commits, fsyncs, closes the engine and stops the thread. Idempotent; every caller waits for it. */
    void close() {
        if (closeStarted.compareAndSet(false, true)) {
            closing = true;
            wake();
        }
        if (Thread.currentThread() == thread) {
            return; // called from a barrier's callback: the loop ends once it returns
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    boolean isOpen() {
        return !closeStarted.get() && failure == null;
    }

    /** Commit-and-fsync cycles so far. */
    long commits() {
        return commits;
    }

    private CompletableFuture<Void> unavailable() {
        Throwable failed = failure;
        if (failed != null) {
            return CompletableFuture.failedFuture(new IllegalStateException(name + " failed; nothing more is durable", failed));
        }
        if (closeStarted.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException(name + " is closed"));
        }
        return null;
    }

    private CompletableFuture<Void> barrier() {
        Barrier barrier = new Barrier();
        queue.offer(barrier);
        wake();
        if (terminated) {
            failQueued();
        }
        return barrier.done;
    }

    private void wake() {
        wakeRequested = true;
        if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        List<Barrier> barriers = new ArrayList<>();
        long uncommitted = 0;
        long uncommittedBytes = 0;
        long now = System.nanoTime();
        long lastCommit = now;
        long lastMaintenance = now;
        boolean wroteSinceMaintenance = false;
        boolean clean = false;
        try {
            while (true) {
                wakeRequested = false;
                // read before draining: whatever was queued before close() is drained in this pass or a later one
                boolean stopping = closing;
                int drained = 0;
                Runnable op;
                while (drained < MAX_BATCH && (op = queue.poll()) != null) {
                    drained++;
                    if (op instanceof Barrier barrier) {
                        barriers.add(barrier);
                    } else {
                        op.run();
                        uncommitted++;
                        if (op instanceof Sized sized) {
                            uncommittedBytes += sized.bytes();
                        }
                    }
                }
                now = System.nanoTime();
                if (stopping || !barriers.isEmpty() || uncommitted >= MAX_BATCH
                        || uncommitted > 0 && now - lastCommit >= commitDelayNanos) {
                    if (uncommitted > 0) {
                        engine.commitAndSync();
                        commits++;
                        wroteSinceMaintenance = true;
                    }
                    pending.addAndGet(-uncommitted);
                    pendingBytes.addAndGet(-uncommittedBytes);
                    uncommitted = 0;
                    uncommittedBytes = 0;
                    now = System.nanoTime();
                    lastCommit = now;
                    for (Barrier barrier : barriers) {
                        barrier.done.complete(null);
                    }
                    barriers.clear();
                }
                if (stopping && queue.isEmpty()) {
                    break;
                }
                if (drained == MAX_BATCH) {
                    continue;
                }
                if (wroteSinceMaintenance && uncommitted == 0 && now - lastMaintenance >= MAINTENANCE_NANOS) {
                    if (engine.maintain()) {
                        engine.commitAndSync();
                    }
                    wroteSinceMaintenance = false;
                    lastMaintenance = now;
                }
                long timeout = uncommitted > 0 ? commitDelayNanos - (now - lastCommit) : MAINTENANCE_NANOS;
                sleeping = true;
                if (!wakeRequested && !closing) {
                    LockSupport.parkNanos(this, Math.max(timeout, 1_000));
                }
                sleeping = false;
            }
            clean = true;
        } catch (Throwable t) {
            failure = t;
            LOG.error("{} failed: no write is durable from now on, and every sync() fails", name, t);
            for (Barrier barrier : barriers) {
                barrier.done.completeExceptionally(t);
            }
        } finally {
            terminated = true;
            failQueued();
            try {
                engine.close(clean);
            } catch (RuntimeException e) {
                LOG.error("{}: closing the engine failed", name, e);
            }
        }
    }

    /** After the writer stopped: fails the barriers still queued and drops the writes (they raced with close()). */
    private void failQueued() {
        Runnable op;
        while ((op = queue.poll()) != null) {
            if (op instanceof Barrier barrier) {
                Throwable failed = failure;
                barrier.done.completeExceptionally(failed != null
                        ? new IllegalStateException(name + " failed; nothing more is durable", failed)
                        : new IllegalStateException(name + " is closed"));
            } else {
                dropped();
            }
        }
    }

    private void dropped() {
        if (droppedLogged.compareAndSet(false, true)) {
            LOG.warn("{} is {}: writes are ignored from now on (logged once)", name, failure != null ? "failed" : "closed");
        }
    }
}
