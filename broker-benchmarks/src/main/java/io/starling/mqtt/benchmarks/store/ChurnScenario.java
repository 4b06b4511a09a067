package io.starling.mqtt.benchmarks.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Scenario 2: delete on acknowledgement in steady state. One thread (the writer) appends messages to sessions'
 * queues and acknowledges the oldest at the same rate, so about {@code depth} messages are queued at any time; each
 * commit holds {@code batch} appends and as many acknowledgements (the queue entry goes, and the message with its
 * last reference). Reported: messages churned per second and the store's size on disk as the churn goes on, after
 * close, and after a full compaction, which shows whether the space of deleted messages comes back.
 */
final class ChurnScenario {
    private static final int SESSIONS = 100;
    private static final int CHECKPOINTS = 4;

    private final Path base;

    ChurnScenario(Path base) {
        this.base = base;
    }

    /**
     * @param ratePerSecond messages offered per second, 0 for as fast as the engine goes; a paced run lasting longer
     *     than MVStore's 45 s chunk retention shows its file size once space is reused
     */
    record Case(boolean fsyncEachBatch, long messages, int ratePerSecond) {}

    String run(List<Engine> engines, List<Case> cases, int payloadBytes, int depth, int batch) {
        Table table = new Table("engine", "durability", "messages", "offered msg/s", "msg/s", "KB written per msg",
                "file MB at 1/4, 2/4, 3/4, end", "after close", "reopen ms", "after full compaction",
                "compaction s");
        for (Engine engine : engines) {
            for (Case c : cases) {
                Path dir = Dirs.fresh(base, "churn-" + engine.id());
                try {
                    table.row(once(engine, dir, c, payloadBytes, depth, batch));
                } finally {
                    Dirs.delete(dir);
                }
            }
        }
        return table.markdown();
    }

    private Object[] once(Engine engine, Path dir, Case c, int payloadBytes, int depth, int batch) {
        String[] clients = new String[SESSIONS];
        for (int i = 0; i < SESSIONS; i++) {
            clients[i] = String.format("client-%05d", i);
        }
        SplittableRandom random = new SplittableRandom(42);
        byte[] payload = new byte[payloadBytes];
        random.nextBytes(payload);
        byte[] topic = "site/017/device/00042/temperature".getBytes(StandardCharsets.UTF_8);
        byte[] value = Messages.encode(1, topic, payload);
        long[] nextSeq = new long[SESSIONS];
        // the oldest queued message first: {session, seq, id}
        ArrayDeque<long[]> queued = new ArrayDeque<>();
        StringBuilder sizes = new StringBuilder();
        long checkpointEvery = c.messages / CHECKPOINTS;
        long nextCheckpoint = checkpointEvery;
        long period = TimeUnit.MILLISECONDS.toNanos(100);
        long second = TimeUnit.SECONDS.toNanos(1);
        long seconds;
        long afterClose;
        long id = 0;
        long written0 = DiskWrites.now();
        long written1;
        try (KvStore store = engine.open(dir)) {
            long start = System.nanoTime();
            long lastSync = start;
            long lastMaintain = start;
            while (id < c.messages) {
                for (int i = 0; i < batch && id < c.messages; i++) {
                    int s = (int) (id % SESSIONS);
                    long seq = nextSeq[s]++;
                    store.put(Keys.message(id), value);
                    store.put(Keys.queue(clients[s], seq), Keys.id(id));
                    queued.add(new long[] {s, seq, id});
                    id++;
                }
                while (queued.size() > depth) {
                    long[] oldest = queued.poll();
                    store.delete(Keys.queue(clients[(int) oldest[0]], oldest[1]));
                    store.delete(Keys.message(oldest[2])); // its last (only) reference is gone
                }
                store.commit(c.fsyncEachBatch);
                long now = System.nanoTime();
                if (!c.fsyncEachBatch && now - lastSync >= period) {
                    store.sync();
                    lastSync = now;
                }
                if (now - lastMaintain >= second) {
                    store.maintain();
                    lastMaintain = now;
                }
                if (c.ratePerSecond > 0) {
                    long due = start + (long) (id * 1e9 / c.ratePerSecond);
                    long early = due - System.nanoTime();
                    if (early > 0) {
                        LockSupport.parkNanos(early);
                    }
                }
                if (id >= nextCheckpoint) {
                    sizes.append(sizes.length() == 0 ? "" : " / ").append(Table.mb(store.diskBytes()));
                    nextCheckpoint += checkpointEvery;
                }
            }
            store.commit(true);
            seconds = System.nanoTime() - start;
            written1 = DiskWrites.now();
        }
        afterClose = Dirs.size(dir); // read without opening: opening may itself rewrite
        long reopenStart = System.nanoTime();
        String compacted;
        String compactSeconds;
        try (KvStore store = engine.open(dir)) {
            long reopenNanos = System.nanoTime() - reopenStart;
            long entries = store.scan(Keys.allQueues(), (k, v) -> { });
            if (entries != Math.min(depth, c.messages)) {
                throw new IllegalStateException("expected " + depth + " queued entries after churn, found " + entries);
            }
            long t = System.nanoTime();
            store.compactFully();
            compactSeconds = String.format("%.1f", (System.nanoTime() - t) / 1e9);
            compacted = Table.mb(store.diskBytes());
            System.err.printf("churn %s %s: %.0f msg/s, sizes %s, after close %s MB, compacted %s MB%n", engine.id(),
                    c, c.messages / (seconds / 1e9), sizes, Table.mb(afterClose), compacted);
            return new Object[] {engine.id(), c.fsyncEachBatch ? "fsync per batch" : "fsync every 100 ms",
                Table.count(c.messages), c.ratePerSecond == 0 ? "max" : Table.count(c.ratePerSecond),
                Table.count(c.messages / (seconds / 1e9)), DiskWrites.kbPer(written0, written1, c.messages), sizes,
                Table.mb(afterClose),
                Table.ms(reopenNanos), compacted, compactSeconds};
        }
    }
}
