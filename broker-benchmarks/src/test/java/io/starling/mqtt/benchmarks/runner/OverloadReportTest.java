package io.starling.mqtt.benchmarks.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.benchmarks.load.HeapSample;
import io.starling.mqtt.benchmarks.load.LatencySummary;
import io.starling.mqtt.benchmarks.load.OverloadResult;
import io.starling.mqtt.benchmarks.load.SlowConsumerResult;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's overload and slow-consumer sections: one verdict per requirement and broker, and their charts. */
class OverloadReportTest {
    @TempDir
    Path dir;

    private static final double[] MARKS = {2, 6, 11, 21, 29};

    @Test
    void eachRequirementGetsAVerdictPerBroker() throws IOException {
        RunnerOptions o = RunnerOptions.parse(new String[] {"quick", "overload", "slow-consumer"});
        List<OverloadResult.Sample> samples = new ArrayList<>();
        for (int i = 0; i <= 60; i++) {
            double t = 0.5 * i;
            long offered = t < 11 ? 0 : t < 21 ? (long) ((t - 11) * 3000) : 30_000 + (long) ((t - 21) * 500);
            long accepted = t < 11 ? 0 : t < 21 ? (long) ((t - 11) * 1000) : 10_000 + (long) ((t - 21) * 500);
            samples.add(new OverloadResult.Sample(t, offered, accepted, accepted, accepted, (long) (t * 1000),
                    (100L + i) << 20, i % 10 == 0 ? -1 : t < 11 ? 1_000_000 : 2_000_000));
        }
        OverloadResult starling = new OverloadResult("starling", null, 200, 4, 1000, 1000, 1000, 3, 0.5, MARKS,
                latency(1), latency(3), latency(2), latency(1), latency(50), latency(1),
                new OverloadResult.Window(3, 0, 3000, 3000, 3000), new OverloadResult.Window(10, 30_000, 10_000, 10_000,
                        10_000), new OverloadResult.Window(8, 4000, 4000, 4000, 4000),
                new OverloadResult.Losses(20_000, 0, 0, 0, 5000, 0, 0, 0, 0, 0, 0, 0, new long[3]), samples, 0.5,
                150L << 20,
                List.of(new HeapSample(12, 400L << 20, 300L << 20, false)), 0);
        OverloadResult mosquitto = OverloadResult.failed("mosquitto", "setup timed out | 3 of 208 clients ready");
        SlowConsumerResult slow = new SlowConsumerResult("starling", null, 5, new double[] {3, 6, 16, 18},
                new SlowConsumerResult.Window(3, 1500, 1500, 1000, 1000, 1000),
                new SlowConsumerResult.Window(10, 2500, 2500, 3000, 3000, 3000),
                new SlowConsumerResult.SlowSubscriber(2.5, 0, 100, 4000, 200, 4000, 3800, 0), 16_000, 7, 2, 16_000, 0, 0,
                0, 0, List.of(), 200L << 20, List.of(), 0, 0.8, 32L << 20);

        StringBuilder md = new StringBuilder();
        OverloadReport report = new OverloadReport(o, List.of(starling, mosquitto), List.of(slow), dir);
        report.write(md, f -> "charts/" + f);
        String text = md.toString();

        // C: 500 msg/s offered and accepted from 21 s on
        assertThat(text).contains("| Starling | 1k | 1.00 → 3.00 | 3.00 **no** | 2.00, 2.00 | 33 % | 1.00 | yes | yes "
                + "(100 %; steady after 0.5 s) | 0 | 300 **over** | 150 |");
        assertThat(text).contains("| broker | A | B | B after its first 2 s | C | messages A / B / C |",
                "| Starling | 0.50 / 1.00 / 2.00 | 1.50 / 3.00 / 6.00 | 1.00 / 2.00 / 4.00 | 0.50 / 1.00 / 2.00 | "
                        + "100 / 100 / 100 |");
        assertThat(text).contains("| Mosquitto | failed: setup timed out / 3 of 208 clients ready |");
        assertThat(text).contains("| Starling | 1k → 500 | 0.50 | **no** | – | – | not measured | **7** (2 published "
                + "before the stall) | closed by the broker "
                + "2.5 s into the stall; 200 of 4000 acked QoS 1 received (3800 lost), 0 after it read again |");
        assertThat(text).contains("![Heavy publishers' accepted rate](charts/overload-accepted.png)",
                "![Light clients' p99 over time](charts/overload-latency-time.png)",
                "![The other subscribers' throughput](charts/slow-consumer-throughput.png)");
        assertThat(report.errors()).containsExactly("overload @ Mosquitto: setup timed out | 3 of 208 clients ready");
        for (String png : new String[] {"overload-accepted.png", "overload-latency.png", "overload-latency-time.png",
            "overload-memory.png", "slow-consumer-throughput.png", "slow-consumer-memory.png"}) {
            BufferedImage img = ImageIO.read(dir.resolve(png).toFile());
            assertThat(img.getWidth()).as(png).isEqualTo(1100);
        }
    }

    @Test
    void memoryLinesArePlacedRelativeToTheirOrigin() {
        List<double[]> samples = List.of(new double[] {3, 100 << 20}, new double[] {8, 200 << 20});
        List<HeapSample> heap = List.of(new HeapSample(1, 50L << 20, 10L << 20, false),
                new HeapSample(7, 60L << 20, 20L << 20, false), new HeapSample(30, 60L << 20, 30L << 20, false));

        List<Charts.Line> lines = OverloadReport.memory(Target.STARLING, samples, s -> s[0], s -> (long) s[1], heap, 6,
                0, 20);

        assertThat(lines).extracting(Charts.Line::name).containsExactly("Starling RSS", "Starling heap after GC");
        assertThat(lines.get(0).x()).containsExactly(-3, 2);
        assertThat(lines.get(0).y()).containsExactly(100, 200);
        assertThat(lines.get(1).x()).containsExactly(-5, 1);
        assertThat(lines.get(1).y()).containsExactly(10, 20);
    }

    @Test
    void ratesComeFromTheGrowthBetweenReadings() {
        List<double[]> samples = List.of(new double[] {1, 0}, new double[] {1.5, 100}, new double[] {2.5, 100});

        double[][] r = OverloadReport.rates(samples, s -> s[0], s -> (long) s[1], 1);

        assertThat(r[0]).containsExactly(0.5, 1.5);
        assertThat(r[1]).containsExactly(200, 0);
    }

    private static LatencySummary latency(long millis) {
        return new LatencySummary(100, millis * 500_000, millis * 1_000_000, millis * 1_000_000, millis * 2_000_000);
    }
}
