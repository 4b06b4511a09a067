package io.starling.mqtt.benchmarks.store;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The process {@link CrashScenario} kills. It appends numbered entries to one session's queue ({@code
 * q/crash\0<seq>}) in batches of {@link #BATCH}, deletes the oldest so that at most {@link #KEEP} stay (space is
 * reused, chunks are rewritten: the paths where a crash can hurt), commits each batch and only then prints the
 * batch's last sequence number on stdout. Durability "sync" fsyncs each batch before printing; "periodic" prints
 * after the write and fsyncs every 100 ms. Every printed number is a promise: the parent checks it after the kill.
 *
 * <p>Usage: {@code CrashChild ENGINE DIR sync|periodic}. Runs until killed.
 */
public final class CrashChild {
    /** Entries per commit. */
    public static final int BATCH = 50;
    /** Entries kept; older ones are deleted. */
    public static final int KEEP = 5000;
    /** The session whose queue the child writes. */
    public static final String CLIENT = "crash";

    private CrashChild() {}

    public static void main(String[] args) {
        Engine engine = Engine.of(args[0]);
        Path dir = Path.of(args[1]);
        boolean syncEachBatch = !"periodic".equals(args[2]);
        PrintStream out = new PrintStream(System.out, false);
        long period = TimeUnit.MILLISECONDS.toNanos(100);
        long second = TimeUnit.SECONDS.toNanos(1);
        KvStore store = engine.open(dir);
        long[] range = {Long.MAX_VALUE, -1}; // lowest and highest sequence present
        store.scan(Keys.queuePrefix(CLIENT), (k, v) -> {
            long seq = Keys.queueSeq(k);
            range[0] = Math.min(range[0], seq);
            range[1] = Math.max(range[1], seq);
        });
        long lo = range[1] < 0 ? 0 : range[0];
        long next = range[1] + 1;
        long lastSync = System.nanoTime();
        long lastMaintain = lastSync;
        while (true) {
            for (int i = 0; i < BATCH; i++) {
                store.put(Keys.queue(CLIENT, next), expectedValue(next));
                next++;
            }
            while (next - lo > KEEP) {
                store.delete(Keys.queue(CLIENT, lo++));
            }
            store.commit(syncEachBatch);
            out.println(next - 1);
            out.flush();
            long now = System.nanoTime();
            if (!syncEachBatch && now - lastSync >= period) {
                store.sync();
                lastSync = now;
            }
            if (now - lastMaintain >= second) {
                store.maintain();
                lastMaintain = now;
            }
        }
    }

    /** The value the child writes for a sequence number: its length and bytes both depend on it. */
    public static byte[] expectedValue(long seq) {
        byte[] v = new byte[100 + (int) (seq % 400)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (byte) (seq * 31 + i);
        }
        return v;
    }
}
