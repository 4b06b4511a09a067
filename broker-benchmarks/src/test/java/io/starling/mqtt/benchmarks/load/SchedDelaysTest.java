package io.starling.mqtt.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The scheduling-delay reader: perf's columns read right, and a long wait blamed on what ran meanwhile. */
class SchedDelaysTest {
    private static final String TIMEHIST = """
                       time    cpu  task name                       wait time  sch delay   run time
                                    [tid/pid]                          (msec)     (msec)     (msec)
            --------------- ------  ------------------------------  ---------  ---------  ---------
               10.003000 [0000]  C2 CompilerThre[100/50]             1.000      0.010      4.000
               10.003100 [0000]  ol-light-1-1[200/60]                5.000      3.000      0.100
               10.005000 [0001]  <idle>                              0.000      0.000     15.000
               10.010050 [0001]  ol-light-1-1[200/60]                6.000      0.010      0.040
               10.020000 [0001]  starling-1-io-3[300/70]             2.000      0.020      0.500
               20.000000 [0000]  ol-light-1-1[200/60]                1.000      9.000      0.100
            """;
    private static final Pattern LOOPS = Pattern.compile("ol-light|starling-.*-io");

    private static List<SchedDelays.Slice> slices() {
        return TIMEHIST.lines().map(SchedDelays::parse).filter(Objects::nonNull).toList();
    }

    @Test
    @DisplayName("a timehist line gives when the task became runnable, ran and left; headers are skipped")
    void parsesColumns() {
        assertThat(slices()).hasSize(6);
        SchedDelays.Slice light = slices().get(1);
        assertThat(light.cpu()).isZero();
        assertThat(light.task()).isEqualTo("ol-light-1-1[200/60]");
        assertThat(light.leftAt()).isEqualTo(10.0031);
        assertThat(light.ranAt()).isCloseTo(10.003, within(1e-9));
        assertThat(light.runnableAt()).isCloseTo(10.0, within(1e-9));
        assertThat(light.delay()).isCloseTo(0.003, within(1e-9));
        assertThat(SchedDelays.parse("--------------- ------  ----")).isNull();
    }

    @Test
    @DisplayName("thread ids are dropped and process ids kept, so that two JVMs' compiler threads stay apart")
    void namesOwners() {
        assertThat(SchedDelays.owner("C2 CompilerThre[100/50]")).isEqualTo("C2 CompilerThre (pid 50)");
        assertThat(SchedDelays.owner("kdamond.0[81]")).isEqualTo("kdamond.0");
        assertThat(SchedDelays.owner("<idle>")).isEqualTo("<idle>");
    }

    @Test
    @DisplayName("a wake-up over the threshold is blamed on what ran on its CPU and the others while it waited")
    void blamesWhatRanMeanwhile() {
        SchedDelays.Report r = SchedDelays.analyse(slices(), LOOPS, 1, 0, 15);

        // The three loop wake-ups before 15 s; the 9 ms one at 20 s is outside the window.
        assertThat(r.wakeUps()).isEqualTo(3);
        assertThat(r.overThreshold()).isEqualTo(1);
        assertThat(r.percentileMs(50)).isCloseTo(0.02, within(1e-9));
        assertThat(r.percentileMs(100)).isCloseTo(3.0, within(1e-9));
        // The light loop was runnable from 10.000 to 10.003 on CPU 0, where the compiler ran; CPU 1 sat idle.
        assertThat(r.sameCpuMs()).containsOnlyKeys("C2 CompilerThre (pid 50)");
        assertThat(r.sameCpuMs().get("C2 CompilerThre (pid 50)")).isCloseTo(3.0, within(1e-6));
        assertThat(r.otherCpuMs()).containsOnlyKeys("<idle>");
        assertThat(r.otherCpuMs().get("<idle>")).isCloseTo(3.0, within(1e-6));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SchedDelays.print(r, LOOPS.pattern(), 1, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("3 wake-ups", "1 waited over 1.0 ms", "3.0  C2 CompilerThre (pid 50)", "3.0  <idle>");
    }

    @Test
    @DisplayName("without a time window every wake-up counts, and a threshold above every delay blames nobody")
    void wholeFileAndHighThreshold() {
        SchedDelays.Report r = SchedDelays.analyse(slices(), LOOPS, 10, Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY);
        assertThat(r.wakeUps()).isEqualTo(4);
        assertThat(r.overThreshold()).isZero();
        assertThat(r.sameCpuMs()).isEmpty();
        assertThat(r.otherCpuMs()).isEmpty();
    }
}
