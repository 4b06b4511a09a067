package io.starling.mqtt.store;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.topic.TopicName;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The child JVM of the crash and lock tests. {@code append DIR}: four threads append their n-th message (payload
 * {@link Stores#payload}) to their own session, mark it sent, wait for sync() and only then print
 * {@code A client key n;}; every tenth message one prints {@code D client key;}, removes its oldest and prints
 * {@code R client key;} once that is synced too. It runs until it is killed. {@code hold DIR}: opens the store,
 * prints {@code OPEN;} and keeps it open until its standard input closes.
 */
public final class CrashChild {
    static final int THREADS = 4;

    private CrashChild() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        // every line also goes to a file (one write(2) each, which a SIGKILL cannot take back): the parent reads it
        // after the kill, as the tail of what it reads from the pipe can be missing
        PrintStream out = new PrintStream(new TeeOutputStream(System.out,
                new FileOutputStream(Path.of(args[2]).toFile(), true)), false, StandardCharsets.UTF_8);
        DurableSessionStore store = DurableSessionStore.open(dir, Durability.SYNC);
        if (args[0].equals("hold")) {
            say(out, "OPEN;");
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                while (in.readLine() != null) {
                    // wait for the parent to close our input
                }
            }
            store.close();
            return;
        }
        long recovered = store.recover().sessions().stream().mapToLong(s -> s.messages().size()).sum();
        for (int t = 0; t < THREADS; t++) {
            store.putSession("c" + t);
        }
        store.sync().join();
        say(out, "READY " + recovered + ";");
        for (int t = 0; t < THREADS; t++) {
            String clientId = "c" + t;
            Thread thread = new Thread(() -> run(store, clientId, out), "appender-" + t);
            thread.start();
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void run(DurableSessionStore store, String clientId, PrintStream out) {
        TopicName topic = TopicName.of("crash/" + clientId);
        Deque<Long> mine = new ArrayDeque<>();
        for (long n = 0; ; n++) {
            long key = store.append(clientId, new Message(topic, Stores.payload(clientId, n), QoS.EXACTLY_ONCE, false),
                    QoS.EXACTLY_ONCE);
            store.markSent(clientId, key, packetId(n));
            store.sync().join();
            say(out, "A " + clientId + " " + key + " " + n + ";");
            mine.add(key);
            if (n % 10 == 9) {
                long oldest = mine.removeFirst();
                say(out, "D " + clientId + " " + oldest + ";"); // from here on it may be gone
                store.remove(clientId, oldest);
                store.sync().join();
                say(out, "R " + clientId + " " + oldest + ";");
            }
        }
    }

    static int packetId(long n) {
        return (int) (n % 65535) + 1;
    }

    /** Writes to both, flushing both on flush(); no buffering of its own. */
    private static final class TeeOutputStream extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        TeeOutputStream(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws IOException {
            write(new byte[] {(byte) x}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            b.write(bytes, off, len);
            a.write(bytes, off, len);
        }

        @Override
        public void flush() throws IOException {
            b.flush();
            a.flush();
        }
    }

    private static void say(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
