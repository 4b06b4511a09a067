package io.starling.mqtt.benchmarks.store;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Scenario 4: retained messages. {@code sites x devices} topics {@code site/<s>/device/<d>/temperature}, each with
 * a small retained payload, written in batches, synced, closed and reopened. Then: a full scan of every retained
 * message (a subscription to {@code #}) and key-range scans for {@code site/<s>/#} (the parent key and the range
 * below it).
 */
final class RetainedScenario {
    private static final int COMMIT_EVERY = 10_000;
    private static final int SAMPLED_SITES = 50;

    private final Path base;

    RetainedScenario(Path base) {
        this.base = base;
    }

    String run(List<Engine> engines, int sites, int devices, int payloadBytes) {
        Table table = new Table("engine", "topics", "write s", "written MB", "file MB", "open ms", "full scan s",
                "site/N/# (" + devices + " topics) mean ms", "p99 ms");
        for (Engine engine : engines) {
            Path dir = Dirs.fresh(base, "retained-" + engine.id());
            try {
                table.row(once(engine, dir, sites, devices, payloadBytes));
            } finally {
                Dirs.delete(dir);
            }
        }
        return table.markdown();
    }

    private Object[] once(Engine engine, Path dir, int sites, int devices, int payloadBytes) {
        long total = (long) sites * devices;
        SplittableRandom random = new SplittableRandom(3);
        byte[] payload = new byte[payloadBytes];
        random.nextBytes(payload);
        byte[] value = Messages.encode(1, new byte[0], payload);
        long written0 = DiskWrites.now();
        long writeStart = System.nanoTime();
        try (KvStore store = engine.open(dir)) {
            long n = 0;
            // devices report in turn across sites, so keys arrive out of order as they would
            for (int d = 0; d < devices; d++) {
                for (int s = 0; s < sites; s++) {
                    store.put(Keys.retained("site/" + s + "/device/" + d + "/temperature"), value);
                    if (++n % COMMIT_EVERY == 0) {
                        store.commit(false);
                    }
                }
            }
            store.commit(true);
        }
        double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
        long written1 = DiskWrites.now();
        String writtenMb = written0 < 0 || written1 < 0 ? "n/a" : Table.mb(written1 - written0);
        long disk = Dirs.size(dir);
        long openStart = System.nanoTime();
        try (KvStore store = engine.open(dir)) {
            double openNanos = System.nanoTime() - openStart;
            long t = System.nanoTime();
            long[] bytes = {0};
            long all = store.scan(Keys.allRetained(), (k, v) -> bytes[0] += k.length + v.length);
            double fullSeconds = (System.nanoTime() - t) / 1e9;
            if (all != total) {
                throw new IllegalStateException("full scan found " + all + " of " + total);
            }
            double[] siteNanos = new double[SAMPLED_SITES];
            SplittableRandom pick = new SplittableRandom(5);
            for (int i = 0; i < SAMPLED_SITES; i++) {
                String parent = "site/" + pick.nextInt(sites);
                t = System.nanoTime();
                long found = store.get(Keys.retained(parent)) == null ? 0 : 1;
                found += store.scan(Keys.retainedBelow(parent), (k, v) -> { });
                siteNanos[i] = System.nanoTime() - t;
                if (found != devices) {
                    throw new IllegalStateException(parent + "/# found " + found + " of " + devices);
                }
            }
            Arrays.sort(siteNanos);
            double mean = Arrays.stream(siteNanos).average().orElse(0);
            double p99 = siteNanos[(int) Math.ceil(0.99 * SAMPLED_SITES) - 1];
            System.err.printf("retained %s: write %.1f s, full scan %.2f s, site mean %.2f ms%n", engine.id(),
                    writeSeconds, fullSeconds, mean / 1e6);
            return new Object[] {engine.id(), Table.count(total), String.format("%.1f", writeSeconds), writtenMb,
                Table.mb(disk),
                Table.ms(openNanos), String.format("%.2f", fullSeconds), Table.ms(mean), Table.ms(p99)};
        }
    }
}
