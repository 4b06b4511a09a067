package io.starling.mqtt.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import io.starling.mqtt.benchmarks.relay.CeilingRelay;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the generator for about a second against the in-process ceiling relay, so that CI exercises it end to end.
 * Netty's leak detector (paranoid in the build's test JVMs) reports through java.util.logging here; a report fails
 * the class.
 */
class LoadGeneratorSmokeTest {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static final Logger LEAK_LOGGER = Logger.getLogger("io.netty.util.ResourceLeakDetector");
    private static final Handler LEAK_HANDLER = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getMessage() != null && record.getMessage().contains("LEAK")) {
                LEAKS.add(record.getMessage());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeAll
    static void reportLeaksThroughJul() {
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        LEAK_LOGGER.addHandler(LEAK_HANDLER);
    }

    @AfterAll
    static void noLeaks() throws InterruptedException {
        // leaked buffers are reported when collected and a later allocation polls the detector
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            for (int j = 0; j < 100; j++) {
                ByteBufAllocator.DEFAULT.buffer(64).release();
            }
        }
        LEAK_LOGGER.removeHandler(LEAK_HANDLER);
        assertThat(LEAKS).isEmpty();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void p2pQos1DeliversEveryMessageOnceThroughTheRelay() throws Exception {
        try (CeilingRelay relay = CeilingRelay.start("127.0.0.1", 0, 1)) {
            Params params = Params.of("smoke", Map.of("warmup", "0.3", "duration", "1", "drain", "5",
                    "p2p.pairs", "4", "threads", "1"));

            ScenarioResult r = new LoadGenerator("127.0.0.1", relay.port(), params, BrokerProbe.NONE)
                    .run(Scenario.P2P_QOS1);

            assertThat(r.error()).isNull();
            assertThat(r.delivered()).isPositive();
            assertThat(r.totals().sent()).isEqualTo(r.totals().completed());
            assertThat(r.totals().missing()).isZero();
            assertThat(r.totals().duplicates()).isZero();
            assertThat(r.totals().errors()).isZero();
            assertThat(r.totals().disconnects()).isZero();
            assertThat(r.latencyNanos()).hasSize(4);
            // every PUBACK is timed from its PUBLISH's write: p50, p99, p99.9, max
            assertThat(r.ackLatencyNanos()).hasSize(4).isSorted();
            assertThat(r.ackLatency(0)).isPositive();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void qos2HandshakesCompleteBothWays() throws Exception {
        try (CeilingRelay relay = CeilingRelay.start("127.0.0.1", 0, 1)) {
            Params params = Params.of("smoke", Map.of("warmup", "0.2", "duration", "0.5", "drain", "5",
                    "p2p.pairs", "2", "threads", "1"));

            ScenarioResult r = new LoadGenerator("127.0.0.1", relay.port(), params, BrokerProbe.NONE)
                    .run(Scenario.P2P_QOS2);

            assertThat(r.error()).isNull();
            assertThat(r.totals().missing()).isZero();
            assertThat(r.totals().unexpectedAcks()).isZero();
            assertThat(r.totals().inflight()).isZero();
        }
    }
}
