package io.starling.mqtt.benchmarks.load;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * What the clients of one run share: the per-loop statistics, the number of publishers (the size of each
 * subscriber's tracker table) and the readiness count. Phase changes and reads of the statistics run as tasks on
 * every loop, so that the loops never synchronise on the hot path. A run may span several event-loop groups (the
 * overload and slow-consumer scenarios keep the clients they measure apart on loops of their own); each group's
 * statistics can then be read on their own.
 */
final class RunContext {
    private final List<EventLoopGroup> groups;
    private final int publishers;
    private final Map<EventExecutor, LoopStats> stats = new ConcurrentHashMap<>();
    private final AtomicInteger ready = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private final java.util.concurrent.Semaphore pending;
    private volatile boolean closing;
    /** Connect attempts per client during set-up (some brokers drop a few connections under a connect storm). */
    static final int MAX_ATTEMPTS = 3;
    private volatile java.util.function.Consumer<LoadClient> retry;
    private final AtomicInteger retries = new AtomicInteger();
    private final AtomicReference<String> firstRetryReason = new AtomicReference<>();
    /** Per publisher (16 slots apart, against false sharing): its highest sequence number any subscriber saw. */
    private final java.util.concurrent.atomic.AtomicLongArray newestSeen;

    RunContext(EventLoopGroup group, int publishers, int maxPendingConnects) {
        this(List.of(group), publishers, maxPendingConnects);
    }

    RunContext(List<EventLoopGroup> groups, int publishers, int maxPendingConnects) {
        this.groups = List.copyOf(groups);
        this.publishers = publishers;
        this.newestSeen = new java.util.concurrent.atomic.AtomicLongArray(Math.max(1, publishers) * 16);
        for (int i = 0; i < newestSeen.length(); i += 16) {
            newestSeen.set(i, -1);
        }
        this.pending = new java.util.concurrent.Semaphore(maxPendingConnects);
        for (EventLoopGroup group : groups) {
            for (EventExecutor loop : group) {
                stats.put(loop, new LoopStats());
            }
        }
    }

    /** From now on, closed connections are the generator's doing, not the broker's. */
    void closing() {
        closing = true;
    }

    boolean isClosing() {
        return closing;
    }

    /** A subscriber saw message {@code sequence} of {@code publisher}. */
    void seen(int publisher, long sequence) {
        int slot = publisher * 16;
        if (sequence > newestSeen.get(slot)) {
            newestSeen.setRelease(slot, sequence);
        }
    }

    /**
     * How many more messages a QoS 0 publisher sending as fast as it can may send, when its next sequence number
     * is {@code next}: it stays at most {@code window} messages ahead of the newest one any subscriber has seen
     * (messages the broker dropped do not hold it back; later ones move the mark). Unbounded when the window is 0.
     */
    long qos0Allowance(int publisher, long next, int window) {
        return window <= 0 ? Long.MAX_VALUE : newestSeen.get(publisher * 16) + 1 + window - next;
    }

    int publishers() {
        return publishers;
    }

    LoopStats statsFor(EventExecutor loop) {
        return stats.computeIfAbsent(loop, l -> new LoopStats());
    }

    void ready(LoadClient client) {
        ready.incrementAndGet();
        pending.release();
    }

    /**
     * A client failed before it was ready: retried (its connect slot passes to the retry) while it has attempts
     * left and the run is not closing, otherwise counted as a failure.
     */
    void failed(LoadClient client, String why) {
        java.util.function.Consumer<LoadClient> r = retry;
        if (r != null && !closing && client.attempt() + 1 < MAX_ATTEMPTS) {
            retries.incrementAndGet();
            firstRetryReason.compareAndSet(null, client.spec().clientId() + ": " + why);
            r.accept(client);
            return;
        }
        firstFailure.compareAndSet(null, client.spec().clientId() + ": " + why);
        failed.incrementAndGet();
        pending.release();
    }

    /** Who reconnects a failed client; null: no retries. */
    void onRetry(java.util.function.Consumer<LoadClient> retry) {
        this.retry = retry;
    }

    int retries() {
        return retries.get();
    }

    String firstRetryReason() {
        return firstRetryReason.get();
    }

    /** Waits for a free connect slot (bounded number of connections between connect and ready). */
    boolean acquireConnectSlot(long timeoutMillis) throws InterruptedException {
        return pending.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    void releaseConnectSlot() {
        pending.release();
    }

    int readyCount() {
        return ready.get();
    }

    int failedCount() {
        return failed.get();
    }

    String firstFailure() {
        return firstFailure.get();
    }

    /** Runs {@code change} on every loop and waits for all of them. */
    void runOnEveryLoop(Consumer<LoopStats> change) throws InterruptedException {
        readEveryLoop(s -> {
            change.accept(s);
            return null;
        });
    }

    <T> List<T> readEveryLoop(Function<LoopStats, T> read) throws InterruptedException {
        return read(stats.keySet(), read);
    }

    /** Runs {@code read} on each loop of {@code group} (one of this run's) and returns the results. */
    <T> List<T> readLoopsOf(EventLoopGroup group, Function<LoopStats, T> read) throws InterruptedException {
        List<EventExecutor> loops = new ArrayList<>();
        group.forEach(loops::add);
        return read(loops, read);
    }

    /** The counters of the clients on {@code group}'s loops. */
    Counters counters(EventLoopGroup group) throws InterruptedException {
        return Counters.sum(readLoopsOf(group, LoopStats::snapshot));
    }

    private <T> List<T> read(java.util.Collection<EventExecutor> loops, Function<LoopStats, T> read)
            throws InterruptedException {
        List<Future<T>> futures = new ArrayList<>();
        for (EventExecutor loop : loops) {
            LoopStats s = statsFor(loop);
            futures.add(loop.submit(() -> read.apply(s)));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            try {
                results.add(f.get(10, TimeUnit.SECONDS));
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("event loop task failed", e);
            }
        }
        return results;
    }

    Counters counters() throws InterruptedException {
        return Counters.sum(readEveryLoop(LoopStats::snapshot));
    }

    Histogram latency() throws InterruptedException {
        return merged(s -> s.latency.copy());
    }

    Histogram ackLatency() throws InterruptedException {
        return merged(s -> s.ackLatency.copy());
    }

    private Histogram merged(Function<LoopStats, Histogram> copy) throws InterruptedException {
        Histogram total = new Histogram(LoopStats.HIGHEST_LATENCY, 3);
        for (Histogram h : readEveryLoop(copy)) {
            total.add(h);
        }
        return total;
    }

    List<EventLoopGroup> groups() {
        return groups;
    }
}
