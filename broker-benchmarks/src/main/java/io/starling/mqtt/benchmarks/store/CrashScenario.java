package io.starling.mqtt.benchmarks.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 5: crash safety. A {@link CrashChild} JVM writes committed batches to a store and prints each batch's
 * last sequence number; after its first line, at a random moment, the parent kills it with SIGKILL ({@code
 * Process.destroyForcibly()} on Linux), reopens the store itself and checks with {@link CrashCheck} that every
 * printed number is there, in whole batches, with the right bytes. The same store goes through every cycle, so
 * later cycles recover a store that was itself recovered. SIGKILL loses the process, not the operating system's
 * cache: it proves the engines' recovery and atomicity, not what a power cut would do to unsynced data.
 */
final class CrashScenario {
    private final Path base;
    private final long seed;

    CrashScenario(Path base, long seed) {
        this.base = base;
        this.seed = seed;
    }

    String run(List<Engine> engines, List<String> modes, int cycles) throws IOException, InterruptedException {
        Table table = new Table("engine", "durability", "cycles", "failures", "entries committed (printed)",
                "recovered beyond last printed (max)", "reopen ms (max)", "first failure");
        for (Engine engine : engines) {
            for (String mode : modes) {
                Path dir = Dirs.fresh(base, "crash-" + engine.id() + "-" + mode);
                try {
                    Result r = cycles(engine, mode, dir, cycles);
                    table.row(engine.id(), mode.equals("sync") ? "fsync per batch" : "fsync every 100 ms", r.cycles,
                            r.failures, Table.count(r.printed + 1), r.beyondPrinted, r.reopenMaxMillis,
                            r.firstFailure.isEmpty() ? "-" : r.firstFailure);
                } finally {
                    Dirs.delete(dir);
                }
            }
        }
        return table.markdown();
    }

    /**
     * What the cycles on one store showed.
     *
     * @param printed the highest sequence number the children printed (committed), -1 for none
     * @param beyondPrinted the most entries a reopened store held beyond the last printed number (committed but
     *     killed before printing, or printed but not read before the pipe closed)
     * @param firstFailure the first broken promise, empty when none
     */
    record Result(int cycles, int failures, long printed, long beyondPrinted, long reopenMaxMillis,
            String firstFailure) {}

    /** Runs {@code cycles} kill-and-check cycles on the store in {@code dir} with durability "sync" or "periodic". */
    Result cycles(Engine engine, String mode, Path dir, int cycles) throws IOException, InterruptedException {
        SplittableRandom random = new SplittableRandom(seed);
        int failures = 0;
        String firstFailure = "";
        long beyondMax = 0;
        long reopenMax = 0;
        long printed = -1;
        Path log = Files.createTempFile(dir.getParent(), "crash-child-", ".log");
        // RocksDB extracts its 15 MB native library into java.io.tmpdir and deletes it at a normal exit only: a
        // killed child would leave one behind per cycle, so the children get a temp directory removed afterwards
        Path childTmp = Files.createTempDirectory(dir.getParent(), "crash-child-tmp-");
        try {
            for (int cycle = 1; cycle <= cycles; cycle++) {
                long lastPrinted = runAndKill(engine, mode, dir, log, childTmp, 200 + random.nextInt(1800));
                printed = Math.max(printed, lastPrinted);
                CrashCheck check = new CrashCheck();
                String verdict;
                long t = System.nanoTime();
                try (KvStore store = engine.open(dir)) {
                    reopenMax = Math.max(reopenMax, (System.nanoTime() - t) / 1_000_000);
                    store.scan(Keys.queuePrefix(CrashChild.CLIENT), (k, v) -> check.entry(Keys.queueSeq(k), v));
                    verdict = check.verdict(printed, CrashChild.BATCH, CrashChild.KEEP);
                } catch (RuntimeException e) {
                    verdict = "reopen failed: " + e;
                }
                String childErrors = Files.readString(log, StandardCharsets.UTF_8).strip();
                if (verdict == null && !childErrors.isEmpty()) {
                    verdict = "child wrote to stderr: " + childErrors.lines().findFirst().orElse("");
                }
                if (verdict != null) {
                    failures++;
                    if (firstFailure.isEmpty()) {
                        firstFailure = "cycle " + cycle + ": " + verdict;
                    }
                } else {
                    beyondMax = Math.max(beyondMax, check.hi() - printed);
                }
                System.err.printf("crash %s %s cycle %d: printed %d, store ends at %d (%d entries): %s%n",
                        engine.id(), mode, cycle, printed, check.hi(), check.count(), verdict == null ? "ok" : verdict);
                if (verdict != null && verdict.startsWith("reopen failed")) {
                    break; // the same store cannot go on
                }
            }
        } finally {
            Files.deleteIfExists(log);
            Dirs.delete(childTmp);
        }
        return new Result(cycles, failures, printed, beyondMax, reopenMax, firstFailure);
    }

    /** Starts a child, kills it {@code killAfterMillis} after its first committed batch; returns the last it printed. */
    private static long runAndKill(Engine engine, String mode, Path dir, Path log, Path tmp, long killAfterMillis)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
                "-Djava.io.tmpdir=" + tmp, "-cp",
                System.getProperty("java.class.path"), CrashChild.class.getName(), engine.id(), dir.toString(),
                mode));
        Process child = new ProcessBuilder(command).redirectError(log.toFile()).start();
        AtomicLong last = new AtomicLong(-1);
        CountDownLatch first = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    last.set(Long.parseLong(line.strip()));
                    first.countDown();
                }
            } catch (IOException e) {
                // the JDK closes the pipe when it reaps the killed child; lines not read by then only make the
                // check less strict (an earlier last printed number), never wrong
            }
        }, "crash-child-reader");
        reader.start();
        try {
            if (!first.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the child committed nothing in 60 s; see " + log);
            }
            Thread.sleep(killAfterMillis);
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux
            child.waitFor();
            reader.join(10_000); // lines written before the kill are still in the pipe
        }
        return last.get();
    }
}
