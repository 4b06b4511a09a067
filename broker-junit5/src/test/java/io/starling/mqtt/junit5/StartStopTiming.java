package io.starling.mqtt.junit5;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.netty.StarlingBroker;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Start plus stop of the broker the extension starts (127.0.0.1, port 0, one I/O thread), as a plain main class:
 * a timing, not a test. From the repository root (docs/testing.md, "How fast"):
 *
 * <pre>
 * mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test.cp -pl broker-junit5
 * cd broker-junit5 &amp;&amp; java -cp "$(cat target/test.cp):target/classes:target/test-classes" \
 *     -Dorg.slf4j.simpleLogger.defaultLogLevel=warn io.starling.mqtt.junit5.StartStopTiming 200
 * </pre>
 *
 * Prints the first start+stop of the JVM, then the median and 90th percentile of {@code rounds} (default 200) after
 * as many warm-up rounds. A second argument sets the I/O threads (default 1, as the extension). Last, the cost per
 * test of {@code @StarlingTest} itself: a class of {@code rounds} empty repeated tests, with and without it.
 */
public final class StartStopTiming {
    private StartStopTiming() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int ioThreads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        BrokerConfig config = BrokerConfig.builder().host("127.0.0.1").port(0).ioThreads(ioThreads).build();

        long firstStart = System.nanoTime();
        StarlingBroker first = StarlingBroker.create(config).start();
        long firstStarted = System.nanoTime();
        first.close();
        long firstStopped = System.nanoTime();
        System.out.printf(Locale.ROOT, "first in this JVM: start %.1f ms, stop %.1f ms%n",
                (firstStarted - firstStart) / 1e6, (firstStopped - firstStarted) / 1e6);

        for (int i = 0; i < rounds; i++) {
            StarlingBroker.create(config).start().close();
        }
        long[] startStop = new long[rounds];
        long[] start = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            StarlingBroker broker = StarlingBroker.create(config).start();
            long t1 = System.nanoTime();
            broker.close();
            long t2 = System.nanoTime();
            startStop[i] = t2 - t0;
            start[i] = t1 - t0;
        }
        Arrays.sort(startStop);
        Arrays.sort(start);
        System.out.printf(Locale.ROOT, "warm, %d rounds, ioThreads=%d: start+stop median %.2f ms, p90 %.2f ms, "
                        + "max %.2f ms; start alone median %.2f ms%n", rounds, ioThreads,
                startStop[rounds / 2] / 1e6, startStop[rounds * 9 / 10] / 1e6, startStop[rounds - 1] / 1e6,
                start[rounds / 2] / 1e6);

        if (rounds == REPETITIONS) {
            for (int i = 0; i < 2; i++) {
                time(WithExtension.class);
                time(WithoutExtension.class);
            }
            long with = time(WithExtension.class);
            long without = time(WithoutExtension.class);
            System.out.printf(Locale.ROOT, "per test through the engine: %.2f ms with @StarlingTest, %.2f ms without%n",
                    with / 1e6 / REPETITIONS, without / 1e6 / REPETITIONS);
        }
    }

    private static final int REPETITIONS = 200;

    private static long time(Class<?> fixture) {
        long t0 = System.nanoTime();
        Fixtures.run(fixture).testEvents().assertStatistics(s -> s.succeeded(REPETITIONS));
        return System.nanoTime() - t0;
    }

    @Fixtures.Fixture
    @StarlingTest
    static class WithExtension {
        @RepeatedTest(REPETITIONS)
        void test(StarlingBroker broker) {
        }
    }

    @Fixtures.Fixture
    static class WithoutExtension {
        @RepeatedTest(REPETITIONS)
        void test() {
        }
    }
}
