package io.starling.mqtt.benchmarks.store;

import java.nio.file.Path;

/**
 * Run in a fresh JVM by {@link PracticalScenario}: opens an empty store in {@code DIR} (the first open in the JVM:
 * class loading, and for RocksDB extracting and loading its native library), writes one key durably, closes, and
 * opens it again. Prints {@code first-open-ms reopen-ms}. With engine {@code none} it only starts and exits, the
 * JVM baseline.
 *
 * <p>Usage: {@code OpenProbe ENGINE|none DIR}
 */
public final class OpenProbe {
    private OpenProbe() {}

    public static void main(String[] args) {
        if ("none".equals(args[0])) {
            System.out.println("0 0");
            return;
        }
        Engine engine = Engine.of(args[0]);
        Path dir = Path.of(args[1]);
        long t0 = System.nanoTime();
        KvStore store = engine.open(dir);
        long t1 = System.nanoTime();
        store.put(Keys.FORMAT_VERSION, new byte[] {1});
        store.commit(true);
        store.close();
        long t2 = System.nanoTime();
        try (KvStore again = engine.open(dir)) {
            long t3 = System.nanoTime();
            if (again.get(Keys.FORMAT_VERSION) == null) {
                throw new IllegalStateException("the format version key did not survive a reopen");
            }
            System.out.printf("%.1f %.1f%n", (t1 - t0) / 1e6, (t3 - t2) / 1e6);
        }
    }
}
