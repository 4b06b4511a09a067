package io.starling.mqtt.benchmarks.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Scenario 3: recovery. {@code sessions} sessions with {@code perSession} queued messages each (every message
 * queued for one session), written in batches, synced, closed. Then, on a reopen: the time to open, the time to read
 * every queue entry and every message back into memory (what a broker that keeps its queues in memory does at
 * start), and, on a second reopen, the time to read one session's queue in order with its messages (what a broker
 * that loads a session lazily, when its client reconnects, does).
 */
final class RecoveryScenario {
    private static final int COMMIT_EVERY = 1000;
    private static final int SAMPLED_SESSIONS = 100;

    private final Path base;

    RecoveryScenario(Path base) {
        this.base = base;
    }

    String run(List<Engine> engines, int sessions, int perSession, int payloadBytes) {
        Table table = new Table("engine", "messages", "write s", "written MB", "file MB", "open ms", "scan queues s",
                "scan messages s", "everything in memory s", "one session (1,000) mean ms", "p99 ms");
        for (Engine engine : engines) {
            Path dir = Dirs.fresh(base, "recovery-" + engine.id());
            try {
                table.row(once(engine, dir, sessions, perSession, payloadBytes));
            } finally {
                Dirs.delete(dir);
            }
        }
        return table.markdown();
    }

    private Object[] once(Engine engine, Path dir, int sessions, int perSession, int payloadBytes) {
        String[] clients = new String[sessions];
        for (int i = 0; i < sessions; i++) {
            clients[i] = String.format("client-%05d", i);
        }
        long total = (long) sessions * perSession;
        SplittableRandom random = new SplittableRandom(7);
        byte[] payload = new byte[payloadBytes];
        random.nextBytes(payload);
        long written0 = DiskWrites.now();
        long writeStart = System.nanoTime();
        try (KvStore store = engine.open(dir)) {
            // interleaved as messages arrive: message i goes to session i % sessions
            for (long id = 0; id < total; id++) {
                int s = (int) (id % sessions);
                byte[] topic = ("site/" + (s % 1000) + "/device/" + s + "/temperature").getBytes(StandardCharsets.UTF_8);
                store.put(Keys.message(id), Messages.encode(1, topic, payload));
                store.put(Keys.queue(clients[s], id / sessions), Keys.id(id));
                if ((id + 1) % COMMIT_EVERY == 0) {
                    store.commit(false);
                }
            }
            store.commit(true);
        }
        double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
        long written1 = DiskWrites.now();
        String writtenMb = written0 < 0 || written1 < 0 ? "n/a" : Table.mb(written1 - written0);
        long disk = Dirs.size(dir);

        long openStart = System.nanoTime();
        double openNanos;
        double queuesSeconds;
        double messagesSeconds;
        try (KvStore store = engine.open(dir)) {
            openNanos = System.nanoTime() - openStart;
            Map<String, List<Long>> queues = new HashMap<>();
            long t = System.nanoTime();
            long entries = store.scan(Keys.allQueues(),
                    (k, v) -> queues.computeIfAbsent(Keys.queueClient(k), c -> new ArrayList<>()).add(Keys.id(v)));
            queuesSeconds = (System.nanoTime() - t) / 1e9;
            Map<Long, byte[]> messages = new HashMap<>((int) (total * 4 / 3 + 1));
            t = System.nanoTime();
            long stored = store.scan(Keys.allMessages(), (k, v) -> messages.put(Keys.messageId(k), v));
            messagesSeconds = (System.nanoTime() - t) / 1e9;
            if (entries != total || stored != total || queues.size() != sessions) {
                throw new IllegalStateException("recovered " + entries + " entries, " + stored + " messages, "
                        + queues.size() + " sessions; expected " + total + ", " + total + ", " + sessions);
            }
        }

        double[] perSessionNanos = new double[SAMPLED_SESSIONS];
        try (KvStore store = engine.open(dir)) {
            SplittableRandom pick = new SplittableRandom(99);
            for (int i = 0; i < SAMPLED_SESSIONS; i++) {
                String client = clients[pick.nextInt(sessions)];
                long t = System.nanoTime();
                List<byte[]> ids = new ArrayList<>(perSession);
                long[] lastSeq = {-1};
                store.scan(Keys.queuePrefix(client), (k, v) -> {
                    long seq = Keys.queueSeq(k);
                    if (seq <= lastSeq[0]) {
                        throw new IllegalStateException("queue of " + client + " out of order at " + seq);
                    }
                    lastSeq[0] = seq;
                    ids.add(v);
                });
                int found = 0;
                for (byte[] id : ids) {
                    if (store.get(Keys.message(Keys.id(id))) != null) {
                        found++;
                    }
                }
                perSessionNanos[i] = System.nanoTime() - t;
                if (ids.size() != perSession || found != perSession) {
                    throw new IllegalStateException(client + ": " + ids.size() + " entries, " + found + " messages");
                }
            }
        }
        Arrays.sort(perSessionNanos);
        double mean = Arrays.stream(perSessionNanos).average().orElse(0);
        double p99 = perSessionNanos[(int) Math.ceil(0.99 * SAMPLED_SESSIONS) - 1];
        System.err.printf("recovery %s: write %.1f s, open %.0f ms, queues %.2f s, messages %.2f s%n", engine.id(),
                writeSeconds, openNanos / 1e6, queuesSeconds, messagesSeconds);
        return new Object[] {engine.id(), Table.count(total), String.format("%.1f", writeSeconds), writtenMb,
                Table.mb(disk),
            Table.ms(openNanos), String.format("%.2f", queuesSeconds), String.format("%.2f", messagesSeconds),
            String.format("%.2f", openNanos / 1e9 + queuesSeconds + messagesSeconds), Table.ms(mean),
            Table.ms(p99)};
    }
}
