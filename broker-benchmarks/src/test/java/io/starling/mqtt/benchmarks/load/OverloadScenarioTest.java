package io.starling.mqtt.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.starling.mqtt.api.FlowControl;
import io.starling.mqtt.api.QueueOverflowPolicy;
import io.starling.mqtt.netty.StarlingBroker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The overload scenario against an in-process Starling: with a fixed sustained rate that the broker takes easily,
 * every figure can be predicted (offered = rate × time, everything accepted and delivered, no loss); with one far
 * beyond what any broker takes, the publishers' windows hold them back and the scenario must say so. The broker
 * runs as the runner configures it (inflight 64, {@code drop_newest}), with a queue long enough that a subscriber
 * of this short run never overflows it, except where a test wants drops, and without its overload controller: on a
 * busy machine an event-loop lag past its threshold would throttle the publishers and change the figures these tests
 * predict (what the controller does is measured by the runner against the standalone broker).
 */
class OverloadScenarioTest {

    static StarlingBroker broker(int maxQueued) {
        return StarlingBroker.builder().host("127.0.0.1").port(0).configure(c -> c.maxInflight(64)
                .maxQueuedMessages(maxQueued).queueOverflowPolicy(QueueOverflowPolicy.DROP_NEWEST)
                .flowControl(FlowControl.DEFAULTS.withOverloadProtection(false))).start();
    }

    private static Params params(String rate) {
        return params(rate, "1");
    }

    private static Params params(String rate, String lightProcess) {
        return Params.of("smoke", Map.ofEntries(Map.entry("overload.light.process", lightProcess),Map.entry("overload.light", "8"), Map.entry("overload.light.rate", "20"),
                Map.entry("overload.heavy", "2"), Map.entry("overload.warmup", "0.2"),
                Map.entry("overload.calibrate", "0.5"), Map.entry("overload.rate", rate),
                Map.entry("overload.settle", "2"), Map.entry("overload.baseline", "1"),
                Map.entry("overload.flood", "1.5"), Map.entry("overload.recovery", "1.5"),
                Map.entry("overload.window", "1024"), Map.entry("sample.interval", "0.25"),
                Map.entry("overload.drain", "5"), Map.entry("threads", "1")));
    }

    @Test
    void theClientsGetDistinctIndicesAndTheHeavyPublishersTheLargerWindow() {
        OverloadScenario.Clients c = OverloadScenario.Clients.of(params("0"));

        assertThat(c.light()).hasSize(8).allMatch(s -> s.filter().equals(new String(s.publisher().topics()[0],
                java.nio.charset.StandardCharsets.UTF_8)) && s.publisher().ratePerSecond() == 20 && s.exact());
        assertThat(c.heavyPublishers()).hasSize(2).allMatch(s -> s.publisher().window() == 1024
                && s.publisher().qos() == 1 && s.filter() == null && s.exact());
        assertThat(c.heavySubscribers()).extracting(ClientSpec::filter)
                .containsExactly("bench/ol/heavy/0", "bench/ol/heavy/1");
        assertThat(c.light().stream().map(s -> s.publisher().index()).toList()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(c.heavyPublishers().stream().map(s -> s.publisher().index()).toList()).containsExactly(8, 9);
        assertThat(c.publishers()).isEqualTo(10);
    }

    @ParameterizedTest(name = "light clients in a process of their own: {0}")
    @ValueSource(strings = {"1", "0"})
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aRateTheBrokerTakesIsAcceptedInFullWithoutLoss(String lightProcess) throws Exception {
        try (StarlingBroker broker = broker(1_000_000)) {
            OverloadResult r = new OverloadScenario("127.0.0.1", broker.port(), params("1000", lightProcess),
                    BrokerProbe.NONE).run();

            assertThat(r.error()).as(r.summary()).isNull();
            assertThat(r.completed()).isTrue();
            assertThat(r.calibratedRate()).isPositive();
            assertThat(r.sustainedRate()).isEqualTo(1000);
            // 3 × 1000 msg/s for 1.5 s, then 0.5 × 1000 for 1.5 s, offered open loop by the publishers' clocks
            assertThat(r.flood().offeredPerSecond()).isCloseTo(3000, within(450.0));
            assertThat(r.recovery().offeredPerSecond()).isCloseTo(500, within(100.0));
            assertThat(r.flood().acceptedShare()).isGreaterThan(0.9);
            assertThat(r.throttled()).isFalse();
            assertThat(r.recovered()).as(r.summary()).isTrue();
            assertThat(r.recoverySeconds()).isLessThan(1.0);
            // 8 light clients at 20 msg/s: about 160 round trips a second in each phase
            assertThat(r.lightA().count()).isBetween(120L, 200L);
            assertThat(r.lightB().count()).isBetween(180L, 300L);
            // B after its first 0.5 s (smoke): the last second of B, part of the whole
            assertThat(r.lightBSettled().count()).isBetween(100L, 200L).isLessThan(r.lightB().count());
            assertThat(r.lightBSettled().max()).isLessThanOrEqualTo(r.lightB().max());
            assertThat(r.lightA().p99()).isPositive();
            assertThat(r.losses().ackedLost()).isZero();
            assertThat(r.losses().heavyAcked()).isGreaterThan(4000);
            assertThat(r.losses().heavyUnacked()).isZero();
            assertThat(r.losses().heavyMissing()).isZero();
            assertThat(r.losses().lightAcked()).isPositive();
            assertThat(r.losses().lightAckedLost()).isZero();
            assertThat(r.losses().lightUnacked()).isZero();
            assertThat(r.losses().closed()).isZero();
            assertThat(r.marks()).isSorted();
            // a reading every 0.25 s from the start to past the end of phase C
            List<OverloadResult.Sample> s = r.samples();
            assertThat(s.size()).isGreaterThan((int) (r.marks()[OverloadResult.END] / 0.25) - 2);
            assertThat(s.get(s.size() - 1).seconds()).isGreaterThan(r.marks()[OverloadResult.END]);
            // the light clients' deliveries, read every 0.25 s, grow with their 160 msg/s
            assertThat(s.get(s.size() - 1).lightDelivered()).isGreaterThan(r.lightA().count() + r.lightB().count());
            assertThat(s.stream().filter(x -> x.lightP99Nanos() > 0).count()).isGreaterThan(s.size() / 2);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void lightClientsThatCannotConnectFailTheScenarioWithTheReason() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Params p = Params.of("smoke", Map.of("setup.timeout", "2", "overload.light", "2"));

        assertThatThrownBy(() -> LightClientsProcess.start("127.0.0.1", port, p))
                .isInstanceOf(LoadGenerator.ScenarioFailure.class).hasMessageStartingWith("light clients' process: ");
    }

    @Test
    void histogramsSurviveTheirTripBetweenProcesses() {
        org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(LoopStats.HIGHEST_LATENCY, 3);
        for (long v = 1_000; v <= 5_000_000; v += 1_000) {
            h.recordValue(v);
        }

        org.HdrHistogram.Histogram back = LightClientsMain.decode(LightClientsMain.encode(h));

        assertThat(back.getTotalCount()).isEqualTo(h.getTotalCount());
        assertThat(back.getValueAtPercentile(99)).isEqualTo(h.getValueAtPercentile(99));
        assertThat(back.getMaxValue()).isEqualTo(h.getMaxValue());
        assertThat(LightClientsMain.decode(LightClientsMain.encode(new org.HdrHistogram.Histogram(
                LoopStats.HIGHEST_LATENCY, 3))).getTotalCount()).isZero();
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aRateBeyondTheBrokerFillsTheWindowsAndDoesNotRecover() throws Exception {
        try (StarlingBroker broker = broker(1_000_000)) {
            // 30 and 5 million msg/s offered: more than anything on loopback takes, so the windows stay full
            OverloadResult r = new OverloadScenario("127.0.0.1", broker.port(), params("10000000"),
                    BrokerProbe.NONE).run();

            assertThat(r.error()).as(r.summary()).isNull();
            assertThat(r.flood().offeredPerSecond()).isGreaterThan(2e7);
            assertThat(r.flood().acceptedShare()).isLessThan(0.1);
            assertThat(r.losses().heavyPublishersClosed()).isZero();
            assertThat(r.recovered()).as(r.summary()).isFalse();
            assertThat(r.losses().ackedLost()).as(r.summary()).isZero();
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void everyAcknowledgedMessageTheBrokerDroppedIsCountedAsLost() throws Exception {
        // queues of 50 messages with drop_newest: a heavy subscriber that falls 50 messages behind loses some
        try (StarlingBroker broker = broker(50)) {
            OverloadResult r = new OverloadScenario("127.0.0.1", broker.port(), params("10000000"),
                    BrokerProbe.NONE).run();

            assertThat(r.error()).as(r.summary()).isNull();
            assertThat(r.losses().ackedLost()).as(r.summary()).isEqualTo(broker.stats().queueOverflowDrops());
            assertThat(r.losses().heavyMissing()).isGreaterThanOrEqualTo(r.losses().heavyAckedLost());
            assertThat(java.util.Arrays.stream(r.losses().heavyLostByPhase()).sum())
                    .isEqualTo(r.losses().heavyAckedLost());
        }
    }

    @Test
    void throttlingMeansAcceptingLessThanOfferedAndNoMoreThanDelivered() {
        OverloadResult held = withFlood(new OverloadResult.Window(10, 30_000, 10_500, 10_000, 9_500), 0);
        assertThat(held.throttled()).isTrue();
        // everything offered taken: no throttling needed or done
        OverloadResult took = withFlood(new OverloadResult.Window(10, 30_000, 29_000, 28_000, 28_000), 0);
        assertThat(took.throttled()).isFalse();
        assertThat(took.notOverloaded()).isTrue();
        assertThat(held.notOverloaded()).isFalse();
        // acknowledged at twice the rate it delivered: queueing or dropping, not throttling
        assertThat(withFlood(new OverloadResult.Window(10, 30_000, 10_000, 10_000, 5_000), 0).throttled()).isFalse();
        // held back by closing a publisher's connection
        assertThat(withFlood(new OverloadResult.Window(10, 30_000, 10_500, 10_000, 9_500), 1).throttled()).isFalse();
    }

    private static OverloadResult withFlood(OverloadResult.Window flood, int publishersClosed) {
        OverloadResult.Losses l = new OverloadResult.Losses(0, 0, 0, 0, 0, 0, 0, 0, 0, publishersClosed, 0, 0,
                new long[3]);
        OverloadResult f = OverloadResult.failed("t", null);
        return new OverloadResult("t", null, 1, 1, 1, 1, 1, 3, 0.5, new double[] {1, 2, 3, 4, 5}, f.lightA(),
                f.lightB(), f.lightBSettled(), f.lightC(), f.heavyB(), f.heavyC(), OverloadResult.Window.NONE, flood,
                OverloadResult.Window.NONE, l, List.of(), Double.NaN, -1, List.of(), 0);
    }

    @Test
    void recoveryStartsWhereTheAcceptedRateStaysAtTheOfferedOne() {
        // offered 100 per 0.5 s throughout; accepted: short, short, full, short, full, full
        long[] accepted = {0, 10, 20, 120, 130, 230, 330};
        List<OverloadResult.Sample> samples = new java.util.ArrayList<>();
        for (int i = 0; i < accepted.length; i++) {
            samples.add(new OverloadResult.Sample(10 + 0.5 * i, 100L * i, 0, accepted[i], 0, 0, 0, -1));
        }

        assertThat(OverloadResult.recoverySeconds(samples, 10, 13, 0.9)).isEqualTo(2.0);
        assertThat(OverloadResult.recoverySeconds(samples, 10, 11.5, 0.9)).isEqualTo(1.0);
        assertThat(OverloadResult.recoverySeconds(samples, 10, 11, 0.9)).isNaN();
        assertThat(OverloadResult.recoverySeconds(samples.subList(0, 2), 10, 13, 0.9)).isNaN();
    }
}
