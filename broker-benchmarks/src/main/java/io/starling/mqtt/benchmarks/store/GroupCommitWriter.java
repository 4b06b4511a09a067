package io.starling.mqtt.benchmarks.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The single writer thread of the store design both engines are measured with. Producers (the broker's I/O
 * threads) hand it messages; it takes whatever is pending, up to {@link #MAX_BATCH}, writes each message once
 * ({@code m/<id>}) plus one queue entry per subscriber session ({@code q/<clientId>\0<seq>}), commits the lot as
 * one atomic batch and then completes the producers' futures: one fsync for every message that arrived while the
 * previous one ran (group commit).
 *
 * <p>{@link Durability#SYNC_EACH_BATCH} fsyncs every batch before completing it, so a completed future means the
 * message survives a power cut. {@link Durability#PERIODIC} completes a batch once it is written to the operating
 * system and fsyncs every {@code syncPeriod}: a crash of the process loses nothing, a crash of the machine loses up
 * to one period of acknowledged messages.
 *
 * <p>Counters and the latency histogram (submit to completion, in nanoseconds) are written by the writer thread
 * only while recording is on, and read after {@link #close()}.
 */
public final class GroupCommitWriter implements AutoCloseable {
    /** The most messages one batch takes. */
    public static final int MAX_BATCH = 4096;
    private static final long MAINTAIN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** When a batch counts as done. */
    public enum Durability {
        /** After its fsync. */
        SYNC_EACH_BATCH,
        /** After its write; fsync on a timer. */
        PERIODIC
    }

    private record Append(int qos, byte[] topic, byte[] payload, int[] sessions, long submitNanos,
            CompletableFuture<Void> done) {}

    private final KvStore store;
    private final Durability durability;
    private final long syncPeriodNanos;
    private final String[] clientIds;
    private final long[] nextSeq;
    private final BlockingQueue<Append> pending = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Histogram latency = new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
    private volatile boolean running = true;
    private volatile boolean recording;
    private volatile Throwable failure;
    private long nextId;
    private long messages;
    private long batches;
    private long syncs;

    /**
     * @param clientIds the sessions, addressed by index in {@link #submit}
     * @param firstId the id of the first message written
     */
    public GroupCommitWriter(KvStore store, Durability durability, long syncPeriodMillis, String[] clientIds,
            long firstId) {
        this.store = store;
        this.durability = durability;
        this.syncPeriodNanos = TimeUnit.MILLISECONDS.toNanos(syncPeriodMillis);
        this.clientIds = clientIds.clone();
        this.nextSeq = new long[clientIds.length];
        this.nextId = firstId;
        this.thread = new Thread(this::run, "store-writer");
        thread.start();
    }

    /** Queues a message for the given sessions; the future completes when the batch holding it is done. */
    public CompletableFuture<Void> submit(int qos, byte[] topic, byte[] payload, int[] sessions) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Throwable failed = failure;
        if (failed != null || !running) {
            done.completeExceptionally(failed != null ? failed : new IllegalStateException("writer closed"));
            return done;
        }
        pending.add(new Append(qos, topic, payload, sessions, System.nanoTime(), done));
        return done;
    }

    /** Starts counting (messages, batches, fsyncs, latency); what completed before is not counted. */
    public void startRecording() {
        recording = true;
    }

    public void stopRecording() {
        recording = false;
    }

    private void run() {
        List<Append> batch = new ArrayList<>(MAX_BATCH);
        long lastSync = System.nanoTime();
        long lastMaintain = lastSync;
        boolean periodic = durability == Durability.PERIODIC;
        try {
            while (running || !pending.isEmpty()) {
                long now = System.nanoTime();
                long wait = periodic ? Math.max(0, lastSync + syncPeriodNanos - now) : IDLE_POLL_NANOS;
                Append first = pending.poll(wait, TimeUnit.NANOSECONDS);
                if (first != null) {
                    batch.add(first);
                    pending.drainTo(batch, MAX_BATCH - 1);
                    writeBatch(batch, !periodic);
                    batch.clear();
                }
                now = System.nanoTime();
                if (periodic && now - lastSync >= syncPeriodNanos) {
                    store.sync();
                    lastSync = now;
                    if (recording) {
                        syncs++;
                    }
                }
                if (now - lastMaintain >= MAINTAIN_EVERY_NANOS) {
                    store.maintain();
                    lastMaintain = now;
                }
            }
            store.commit(true);
        } catch (Throwable t) {
            failure = t;
            running = false;
            for (Append a : batch) {
                a.done.completeExceptionally(t);
            }
            Append a;
            while ((a = pending.poll()) != null) {
                a.done.completeExceptionally(t);
            }
        }
    }

    private void writeBatch(List<Append> batch, boolean sync) {
        for (Append a : batch) {
            long id = nextId++;
            store.put(Keys.message(id), Messages.encode(a.qos, a.topic, a.payload));
            byte[] ref = Keys.id(id);
            for (int s : a.sessions) {
                store.put(Keys.queue(clientIds[s], nextSeq[s]++), ref);
            }
        }
        store.commit(sync);
        long done = System.nanoTime();
        boolean counting = recording;
        for (Append a : batch) {
            a.done.complete(null);
            if (counting) {
                latency.recordValue(Math.min(done - a.submitNanos, latency.getHighestTrackableValue()));
            }
        }
        if (counting) {
            messages += batch.size();
            batches++;
            if (sync) {
                syncs++;
            }
        }
    }

    /** Writes what is pending, with a final fsync, and stops the thread. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // a submit that raced with close() would otherwise wait forever
        Append late;
        while ((late = pending.poll()) != null) {
            late.done.completeExceptionally(new IllegalStateException("writer closed"));
        }
        if (failure != null) {
            throw new IllegalStateException("store writer failed", failure);
        }
    }

    /** Messages completed while recording (read after {@link #close()}). */
    public long messages() {
        return messages;
    }

    public long batches() {
        return batches;
    }

    public long syncs() {
        return syncs;
    }

    public Histogram latency() {
        return latency;
    }

    /** The id the next message would get (read after {@link #close()}). */
    public long nextId() {
        return nextId;
    }
}
