package io.starling.mqtt.benchmarks.store;

import io.starling.mqtt.benchmarks.store.GroupCommitWriter.Durability;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;

/**
 * Scenario 1: producers append QoS 1 messages through the {@link GroupCommitWriter}. Each producer thread stands for
 * an I/O thread with {@code window} messages awaiting their PUBACK: it submits, and submits the next when one
 * completes. Every message goes to {@code fanout} of {@link #SESSIONS} persistent sessions (stored once, referenced
 * from each). Reported: messages made durable per second, submit-to-completion latency, fsyncs per second and the
 * mean batch, over a measurement window after a warm-up, each run on a fresh store.
 */
final class GroupCommitScenario {
    static final int SESSIONS = 1000;
    private static final int TOPICS_PER_PRODUCER = 1024;

    record Load(int producers, int window) {}

    private final Path base;
    private final long warmupMillis;
    private final long measureMillis;

    GroupCommitScenario(Path base, long warmupMillis, long measureMillis) {
        this.base = base;
        this.warmupMillis = warmupMillis;
        this.measureMillis = measureMillis;
    }

    /**
     * Runs every case {@code repeats} times, the engines alternating within each case so that a disturbance on this
     * shared machine hits both alike, and reports each engine's run with the highest throughput.
     */
    String run(List<Engine> engines, List<Load> loads, int[] payloads, int[] fanouts, int repeats)
            throws InterruptedException {
        Table table = new Table("durability", "producers x window", "payload B", "K", "engine", "msg/s",
                "p50 ms", "p99 ms", "fsync/s", "msg per batch", "KB written per msg", "file MB at end");
        for (Engine engine : engines) {
            // a short throw-away run first, so that the first measured case is compiled code as the others are
            once(engine, Durability.SYNC_EACH_BATCH, new Load(4, 1), 64, 1, warmupMillis, Math.min(500, measureMillis));
        }
        for (Durability durability : Durability.values()) {
            for (Load load : loads) {
                for (int payload : payloads) {
                    for (int fanout : fanouts) {
                        Outcome[] best = new Outcome[engines.size()];
                        for (int r = 0; r < repeats; r++) {
                            for (int i = 0; i < engines.size(); i++) {
                                int e = (i + r) % engines.size();
                                Outcome o = once(engines.get(e), durability, load, payload, fanout, warmupMillis,
                                        measureMillis);
                                if (best[e] == null || o.rate() > best[e].rate()) {
                                    best[e] = o;
                                }
                            }
                        }
                        for (int e = 0; e < engines.size(); e++) {
                            Outcome o = best[e];
                            Histogram h = o.latency;
                            table.row(durability == Durability.SYNC_EACH_BATCH ? "fsync per batch"
                                            : "fsync every 100 ms",
                                    load.producers + " x " + load.window, payload, fanout, engines.get(e).id(),
                                    Table.count(o.rate()),
                                    Table.ms(h.getValueAtPercentile(50)), Table.ms(h.getValueAtPercentile(99)),
                                    Table.count(o.syncs / o.seconds),
                                    String.format("%.1f", o.batches == 0 ? 0.0 : (double) o.messages / o.batches),
                                    o.writtenKbPerMessage, Table.mb(o.diskBytes));
                            System.err.printf("groupcommit %s %s %s payload=%d K=%d: %.0f msg/s%n",
                                    engines.get(e).id(), durability, load, payload, fanout, o.rate());
                        }
                    }
                }
            }
        }
        return table.markdown();
    }

    private record Outcome(long messages, long batches, long syncs, double seconds, Histogram latency,
            String writtenKbPerMessage, long diskBytes) {
        double rate() {
            return messages / seconds;
        }
    }

    private Outcome once(Engine engine, Durability durability, Load load, int payloadBytes, int fanout,
            long warmup, long measure) throws InterruptedException {
        Path dir = Dirs.fresh(base, "groupcommit-" + engine.id());
        String[] clients = new String[SESSIONS];
        for (int i = 0; i < SESSIONS; i++) {
            clients[i] = String.format("client-%05d", i);
        }
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> producers = new ArrayList<>();
        Outcome outcome;
        try (KvStore store = engine.open(dir)) {
            GroupCommitWriter writer = new GroupCommitWriter(store, durability, 100, clients, 1);
            try {
                for (int p = 0; p < load.producers; p++) {
                    int index = p;
                    Thread t = new Thread(() -> produce(writer, index, load.window, payloadBytes, fanout, stop),
                            "producer-" + p);
                    t.start();
                    producers.add(t);
                }
                Thread.sleep(warmup);
                writer.startRecording();
                long written0 = DiskWrites.now();
                long t0 = System.nanoTime();
                Thread.sleep(measure);
                writer.stopRecording();
                long t1 = System.nanoTime();
                long written1 = DiskWrites.now();
                stop.set(true);
                for (Thread t : producers) {
                    t.join();
                }
                writer.close();
                outcome = new Outcome(writer.messages(), writer.batches(), writer.syncs(), (t1 - t0) / 1e9,
                        writer.latency(), DiskWrites.kbPer(written0, written1, writer.messages()), store.diskBytes());
            } finally {
                stop.set(true);
                writer.close();
            }
        } finally {
            Dirs.delete(dir);
        }
        return outcome;
    }

    private static void produce(GroupCommitWriter writer, int index, int window, int payloadBytes, int fanout,
            AtomicBoolean stop) {
        SplittableRandom random = new SplittableRandom(index * 7919L + 1);
        byte[][] topics = new byte[TOPICS_PER_PRODUCER][];
        for (int i = 0; i < topics.length; i++) {
            topics[i] = String.format("site/%03d/device/%05d/temperature", random.nextInt(1000),
                    random.nextInt(100_000)).getBytes(StandardCharsets.UTF_8);
        }
        byte[] payload = new byte[payloadBytes];
        random.nextBytes(payload);
        Semaphore inflight = new Semaphore(window);
        long n = 0;
        try {
            while (!stop.get()) {
                if (!inflight.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                int first = random.nextInt(SESSIONS);
                int[] sessions = new int[fanout];
                for (int k = 0; k < fanout; k++) {
                    sessions[k] = (first + k * 97) % SESSIONS; // distinct sessions, spread over the key space
                }
                writer.submit(1, topics[(int) (n++ & (TOPICS_PER_PRODUCER - 1))], payload, sessions)
                        .whenComplete((v, e) -> inflight.release());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
