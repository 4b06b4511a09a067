package io.starling.mqtt.store;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.topic.TopicName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Group commit throughput, run by hand (not a test; prints, asserts nothing): {@code threads} threads each append a
 * message and wait for sync() before the next, as a QoS 1 publisher waits for its PUBACK, for {@code seconds}
 * after a warm-up. Prints messages/s and commit+fsync cycles/s.
 *
 * <pre>
 * java -cp ... io.starling.mqtt.store.GroupCommitBenchmark [dir] [threads] [seconds] [payloadBytes]
 * </pre>
 */
public final class GroupCommitBenchmark {
    private GroupCommitBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("starling-groupcommit");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int payloadBytes = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        LongAdder appended = new LongAdder();
        try (DurableSessionStore store = DurableSessionStore.open(dir, Durability.SYNC)) {
            for (int t = 0; t < threads; t++) {
                store.putSession("client-" + t);
            }
            store.sync().join();
            long warmUpEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            long end = warmUpEnd + TimeUnit.SECONDS.toNanos(seconds);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String clientId = "client-" + t;
                Thread worker = new Thread(() -> {
                    Message m = new Message(TopicName.of("bench/" + clientId), new byte[payloadBytes],
                            QoS.AT_LEAST_ONCE, false);
                    long now;
                    while ((now = System.nanoTime()) < end) {
                        long key = store.append(clientId, m, QoS.AT_LEAST_ONCE);
                        store.sync().join();
                        store.remove(clientId, key); // the subscriber's PUBACK, not waited for
                        if (now >= warmUpEnd) {
                            appended.increment();
                        }
                    }
                });
                workers.add(worker);
                worker.start();
            }
            while (System.nanoTime() < warmUpEnd) {
                Thread.sleep(10);
            }
            long commitsAtStart = store.commits();
            for (Thread worker : workers) {
                worker.join();
            }
            long commits = store.commits() - commitsAtStart;
            System.out.printf("%d threads, append+sync() each, %d B payloads, %d s: %,.0f messages/s, %,.0f fsyncs/s, "
                            + "%.1f messages per fsync%n", threads, payloadBytes, seconds,
                    appended.sum() / (double) seconds, commits / (double) seconds, appended.sum() / (double) commits);
        }
    }
}
