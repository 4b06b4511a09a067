package io.starling.mqtt.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The machine's wake-up probe: both phases measured, the spinners really spin at the nice value, then stop. */
@Timeout(60)
class WakeupProbeTest {

    @Test
    @DisplayName("idle and loaded phases each record about one round trip per millisecond, and the spinners stop")
    void measuresBothPhases() throws Exception {
        WakeupProbe.Result result = WakeupProbe.run(0.5, 0.5, 1, 0);

        for (WakeupProbe.Phase phase : new WakeupProbe.Phase[] {result.idle(), result.loaded()}) {
            Histogram h = phase.roundTrips();
            // 1 ms apart for 0.5 s: at most 500, and far more than a handful even on a busy machine.
            assertThat(h.getTotalCount()).as(phase.name()).isBetween(50L, 500L);
            assertThat(h.getValueAtPercentile(50)).as(phase.name()).isPositive();
            assertThat(h.getMaxValue()).isGreaterThanOrEqualTo(h.getValueAtPercentile(99));
            assertThat(phase.overOneMs()).isBetween(0L, h.getTotalCount());
            assertThat(phase.line()).startsWith(phase.name()).contains("round trips", "p99.9", "over 1 ms");
        }
        assertThat(result.spins()).as("the spinner ran").isPositive();
        assertThat(result.niced()).isEqualTo("nice unchanged");
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().startsWith("wakeup-spinner") || t.getName().equals("wakeup-echo"));
    }

    @Test
    @DisplayName("the spinners run at the nice value asked for")
    void spinnersAreNiced() throws Exception {
        assumeThat(Files.isSymbolicLink(Path.of("/proc/thread-self")))
                .as("needs Linux /proc/thread-self; skipped elsewhere").isTrue();
        int mine = ThreadNice.niceOf(Files.readString(Path.of("/proc/thread-self/stat")));
        assumeThat(mine).as("this thread already runs at nice 19").isLessThan(19);

        WakeupProbe.Result result = WakeupProbe.run(0.2, 0.2, 2, 19);

        assertThat(result.niced()).isEqualTo("nice 19");
        assertThat(result.spins()).isPositive();
        assertThat(ThreadNice.niceOf(Files.readString(Path.of("/proc/thread-self/stat")))).isEqualTo(mine);
    }
}
