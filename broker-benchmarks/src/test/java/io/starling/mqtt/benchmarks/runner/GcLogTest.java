package io.starling.mqtt.benchmarks.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.benchmarks.load.HeapSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The heap figures of a JVM broker, read from the GC log its flags ask for. */
class GcLogTest {
    @TempDir
    Path dir;

    @Test
    void pausesArePlacedOnTheScenariosClockWithTheHeapBeforeAndAfter() {
        long start = OffsetDateTime.parse("2026-11-26T05:22:00.000Z").toInstant().toEpochMilli();
        List<HeapSample> samples = GcLog.parse(List.of(
                "[2026-11-26T05:22:00.429+0000] Using G1",
                "[2026-11-26T05:22:00.729+0000] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 6M->3M(64M) 3.422ms",
                "[2026-11-26T05:22:01.500+0000] GC(4) Pause Remark 1024K->512K(64M) 1.000ms",
                "[2026-11-26T05:22:02.939+0000] GC(15) Pause Full (G1 Compaction Pause) 2G->13M(4G) 4.695ms",
                "[2026-11-26T05:22:03.000+0000] GC(16) Concurrent Mark Cycle 12.345ms"), start);

        assertThat(samples).containsExactly(
                new HeapSample(0.729, 6L << 20, 3L << 20, false),
                new HeapSample(1.5, 1L << 20, 512L << 10, false),
                new HeapSample(2.939, 2L << 30, 13L << 20, true));
        assertThat(HeapSample.maxAfter(samples, 0, 2)).isEqualTo(3L << 20);
        assertThat(HeapSample.maxBefore(samples, 0, 10)).isEqualTo(2L << 30);
        assertThat(HeapSample.maxAfter(samples, 5, 10)).isEqualTo(-1);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theFlagsMakeAJvmWriteALogThatParses() throws IOException, InterruptedException {
        Path log = dir.resolve("gc.log");
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-XX:+UseG1GC"));
        cmd.addAll(GcLog.flags(log));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SystemGc.class.getName()));
        long start = System.currentTimeMillis();
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertThat(p.waitFor(50, TimeUnit.SECONDS)).isTrue();

        List<HeapSample> samples = GcLog.read(log, start);

        assertThat(samples).anySatisfy(s -> assertThat(s.full()).isTrue());
        assertThat(samples).allSatisfy(s -> assertThat(s.seconds()).isBetween(0.0, 50.0));
        assertThat(GcLog.read(dir.resolve("missing.log"), start)).isEmpty();
    }

    /** The child of {@link #theFlagsMakeAJvmWriteALogThatParses}: one full collection. */
    static final class SystemGc {
        public static void main(String[] args) {
            System.gc();
        }
    }
}
