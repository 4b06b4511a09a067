package io.starling.mqtt.store;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.spi.SessionStore.Recovery;
import io.starling.mqtt.topic.TopicName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Recovery speed, run by hand (not a test; prints, asserts nothing): writes {@code messages} messages of
 * {@code payloadBytes} bytes spread over {@code sessions} sessions (unless {@code dir} already holds a store), closes,
 * then times open plus recover() in this JVM, {@code rounds} times (the first round includes JIT warm-up).
 *
 * <pre>
 * java -Xmx1g -cp ... io.starling.mqtt.store.RecoveryBenchmark [dir] [messages] [sessions] [payloadBytes] [rounds]
 * </pre>
 */
public final class RecoveryBenchmark {
    private RecoveryBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("starling-recovery");
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int sessions = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
        int payloadBytes = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;

        if (Files.exists(dir.resolve(DurableSessionStore.CURRENT))) {
            System.out.println("reusing the store in " + dir);
        } else {
            write(dir, messages, sessions, payloadBytes);
        }
        for (int round = 1; round <= rounds; round++) {
            System.gc();
            long t0 = System.nanoTime();
            long recovered;
            long t1;
            try (DurableSessionStore store = DurableSessionStore.open(dir, Durability.SYNC)) {
                t1 = System.nanoTime();
                Recovery recovery = store.recover();
                recovered = recovery.sessions().stream().mapToLong(s -> s.messages().size()).sum();
            }
            long t2 = System.nanoTime();
            Runtime rt = Runtime.getRuntime();
            System.out.printf("round %d: open %d ms, recover %d ms (%,d messages), open+recover+close %d ms, heap %d MB%n",
                    round, TimeUnit.NANOSECONDS.toMillis(t1 - t0), TimeUnit.NANOSECONDS.toMillis(t2 - t1), recovered,
                    TimeUnit.NANOSECONDS.toMillis(t2 - t0), (rt.totalMemory() - rt.freeMemory()) >> 20);
        }
    }

    private static void write(Path dir, int messages, int sessions, int payloadBytes) throws Exception {
        long start = System.nanoTime();
        try (DurableSessionStore store = DurableSessionStore.open(dir, Durability.SYNC)) {
            for (int s = 0; s < sessions; s++) {
                store.putSession(String.format("client-%05d", s));
            }
            byte[] payload = new byte[payloadBytes];
            for (int i = 0; i < messages; i++) {
                int s = i % sessions;
                payload[i % payloadBytes] = (byte) i;
                Message m = new Message(TopicName.of("sensors/" + s % 50 + "/value"), payload.clone(),
                        QoS.AT_LEAST_ONCE, false);
                store.append(String.format("client-%05d", s), m, QoS.AT_LEAST_ONCE);
                if (i % 100_000 == 99_999) {
                    store.sync().join(); // keeps the queue, not the engine, from holding the whole data set
                }
            }
        }
        long bytes;
        try (var files = Files.list(dir)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
        System.out.printf("wrote %,d messages (%d B payloads) for %,d sessions in %.1f s; directory %,d bytes%n",
                messages, payloadBytes, sessions, (System.nanoTime() - start) / 1e9, bytes);
    }
}
