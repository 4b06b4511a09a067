package io.starling.mqtt.benchmarks.flood;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import io.starling.mqtt.benchmarks.load.BrokerProbe;
import io.starling.mqtt.netty.StarlingBroker;
import java.time.Duration;
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
 * Runs a small flood (200 attempts, 2 s of attack) against an in-process Starling whose connect timeout is 0.5 s, so
 * that every part of the accounting has something to count: CONNACKs, held connections the broker closes, the big
 * packet's close. Netty's leak detector reports through java.util.logging here; a report fails the class.
 */
class FloodScenarioTest {
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
    void starlingKeepsTheWellBehavedClientFastClosesTheBigPacketAtOnceAndReapsHeldConnections() throws Exception {
        try (StarlingBroker broker = StarlingBroker.builder().host("127.0.0.1").port(0)
                .configure(c -> c.connectTimeout(Duration.ofMillis(500))).start()) {
            FloodParams params = FloodParams.of("smoke", Map.of("flood.attempts", "200", "flood.warmup", "0.3",
                    "flood.baseline", "1", "flood.attack", "2", "flood.drain", "1", "flood.big.trickle", "0.3"));

            FloodResult r = new FloodScenario("127.0.0.1", broker.port(), params, BrokerProbe.NONE).run();

            assertThat(r.error()).isNull();
            assertThat(r.probeClosed()).isNull();
            // 50 msg/s: about 50 messages in the baseline second and 100 in the attack's two
            assertThat(r.baseline().messages()).isBetween(40, 60);
            assertThat(r.attack().messages()).isBetween(85, 115);
            assertThat(r.baseline().missing()).isZero();
            assertThat(r.attack().missing()).isZero();
            assertThat(r.pass()).as(r.summary()).isTrue();

            AttackTally.KindCounts total = r.attempts().total();
            assertThat(total.attempted()).isEqualTo(200);
            assertThat(total.pending()).isZero();
            assertThat(total.connected() + total.refused() + total.timedOut() + total.failed()).isEqualTo(200);
            assertThat(r.burstSeconds()).isPositive().isLessThan(2);
            AttackTally.KindCounts connect = r.attempts().of(AttackKind.CONNECT);
            assertThat(connect.attempted()).isEqualTo(50);
            assertThat(connect.connacked()).isEqualTo(connect.connected());
            for (AttackKind held : new AttackKind[] {AttackKind.IDLE, AttackKind.PARTIAL}) {
                AttackTally.KindCounts c = r.attempts().of(held);
                assertThat(c.closedByBroker()).as(held.id()).isEqualTo(c.connected()).isPositive();
                assertThat(c.closeMinNanos()).as(held.id()).isGreaterThanOrEqualTo(400_000_000L);
                assertThat(c.closeMaxNanos()).as(held.id()).isLessThan(2_000_000_000L);
            }
            assertThat(r.attempts().stillHeld()).isZero();
            assertThat(r.attempts().of(AttackKind.BARE).closedByBroker()).isZero();

            BigPacketOutcome big = r.bigPacket();
            assertThat(big.declared()).isEqualTo(FloodParams.MQTT_MAX_REMAINING_LENGTH);
            assertThat(big.connacked()).isTrue();
            assertThat(big.headerSent()).isTrue();
            assertThat(big.closedByBroker()).as(big.describe()).isTrue();
            assertThat(big.millisToClose()).isBetween(0.0, 300.0); // well inside the 0.3 s trickle
            assertThat(big.bytesAfterHeader()).isLessThan(64 * 1024);
            assertThat(big.sentWhole()).isFalse();
        }
    }
}
