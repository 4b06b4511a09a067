package io.starling.mqtt.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.netty.StarlingBroker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The slow-consumer scenario against an in-process Starling: S1 really stops reading (nothing reaches it during the
 * stall, everything it is owed afterwards), the other subscribers get every acknowledged QoS 1 message, and what the
 * broker dropped for S1 is exactly what the scenario counts as lost to it.
 */
class SlowConsumerScenarioTest {

    private static Params params(String rate) {
        return Params.of("smoke", Map.of("slow.subscribers", "3", "slow.rate", rate, "slow.warmup", "0.5",
                "slow.before", "1", "slow.after", "1.5", "slow.drain", "5", "sample.interval", "0.25", "threads", "1"));
    }

    @Test
    void s1ComesFirstAndEverybodyGetsBothStreams() {
        SlowConsumerScenario.Clients c = SlowConsumerScenario.Clients.of(params("0"));

        assertThat(c.subscribers()).extracting(ClientSpec::clientId).containsExactly("slow-sub-1", "slow-sub-2",
                "slow-sub-3");
        assertThat(c.subscribers()).allMatch(s -> s.filter().equals("bench/slow/+") && s.subscribeQos() == 1
                && s.exact());
        assertThat(c.qos0().publisher().qos()).isZero();
        assertThat(c.qos0().publisher().index()).isZero();
        assertThat(c.qos0().publisher().matches()).containsExactly(3);
        // qos0.window (256 in smoke mode) spread over the 3 subscribers
        assertThat(c.qos0().publisher().qos0Window()).isEqualTo(85);
        assertThat(c.qos1().publisher().qos()).isEqualTo(1);
        assertThat(c.qos1().publisher().index()).isEqualTo(1);
        assertThat(c.qos1().exact()).isTrue();
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void theStalledSubscriberGetsNothingUntilItReadsAgainAndThenWhatTheBrokerKept() throws Exception {
        // 2,000 msg/s per publisher for 2.8 s: about 5,600 QoS 1 messages, fewer than the queue holds
        try (StarlingBroker broker = OverloadScenarioTest.broker(1_000_000)) {
            SlowConsumerResult r = new SlowConsumerScenario("127.0.0.1", broker.port(), params("2000"),
                    BrokerProbe.NONE).run();

            assertThat(r.error()).as(r.summary()).isNull();
            assertThat(r.completed()).isTrue();
            assertThat(r.marks()).isSorted();
            // two healthy subscribers, each 2,000 QoS 0 + 2,000 QoS 1 msg/s, before and during the stall (a 1 s
            // window: the rate publishers catch up on ticks they missed, hence the margin)
            assertThat(r.before().healthyPerSecond()).as(r.summary()).isBetween(6000.0, 10000.0);
            assertThat(r.stall().healthyPerSecond()).as(r.summary()).isBetween(6000.0, 10000.0);
            assertThat(r.throughputKept()).isTrue();
            assertThat(r.healthyQos1Lost()).isZero();
            assertThat(r.healthyQos1Acked()).isEqualTo(2 * r.s1().qos1Acked());
            assertThat(r.healthyQos0Missing()).isZero();
            SlowConsumerResult.SlowSubscriber s1 = r.s1();
            assertThat(s1.closed()).isFalse();
            assertThat(s1.duringStall()).as("read while stalled").isZero();
            assertThat(s1.afterResume()).isPositive();
            assertThat(s1.qos1Lost()).isZero();
            assertThat(s1.qos1Received()).isEqualTo(s1.qos1Acked());
            // the time series: S1's arrivals stand still through the stall
            List<SlowConsumerResult.Sample> inStall = r.samples().stream()
                    .filter(s -> s.seconds() > r.marks()[SlowConsumerResult.STALL] + 0.1
                            && s.seconds() < r.marks()[SlowConsumerResult.RESUME])
                    .toList();
            assertThat(inStall).hasSizeGreaterThan(3);
            assertThat(inStall).extracting(SlowConsumerResult.Sample::s1Received).containsOnly(
                    inStall.get(0).s1Received());
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void whatTheBrokerDroppedForTheStalledSubscriberIsCountedAsLostToIt() throws Exception {
        // queues of 200 messages with drop_newest; QoS 1 as fast as the broker takes it
        try (StarlingBroker broker = OverloadScenarioTest.broker(200)) {
            SlowConsumerResult r = new SlowConsumerScenario("127.0.0.1", broker.port(), params("0"),
                    BrokerProbe.NONE).run();

            assertThat(r.error()).as(r.summary()).isNull();
            assertThat(r.s1().qos1Lost()).as(r.summary()).isPositive();
            assertThat(r.s1().qos1Lost() + r.healthyQos1Lost()).isEqualTo(broker.stats().queueOverflowDrops());
            assertThat(r.s1().qos1Received() + r.s1().qos1Lost()).isEqualTo(r.s1().qos1Acked());
            assertThat(r.healthyQos1LostBefore()).isBetween(0L, r.healthyQos1Lost());
        }
    }

    @Test
    void memoryGrowthIsJudgedOverTheSecondHalfOfTheStall() {
        List<SlowConsumerResult.Sample> samples = List.of(sample(1, 100), sample(2, 110), sample(3, 150),
                sample(4, 150), sample(5, 190), sample(6, 200), sample(7, 500));
        List<HeapSample> heap = List.of(new HeapSample(2.5, 300L << 20, 40L << 20, false),
                new HeapSample(4.5, 300L << 20, 70L << 20, false), new HeapSample(5.5, 300L << 20, 50L << 20, false));
        SlowConsumerResult r = new SlowConsumerResult("t", null, 3, new double[] {1, 2, 6, 7},
                SlowConsumerResult.Window.NONE, SlowConsumerResult.Window.NONE, SlowConsumerResult.SlowSubscriber.NONE,
                0, 0, 0, 0, 0, 0, 0, 0, samples, -1, heap, 0, 0.8, 32L << 20);

        // stall from 2 to 6 s: first half [2, 4) peaks at 150 MiB, second half [4, 6] at 200 MiB
        assertThat(r.rssGrowth()).isEqualTo(50L << 20);
        assertThat(r.heapGrowth()).isEqualTo(30L << 20);
        assertThat(r.memoryBounded()).isFalse();
    }

    private static SlowConsumerResult.Sample sample(double t, long rssMiB) {
        return new SlowConsumerResult.Sample(t, 0, 0, 0, 0, rssMiB << 20);
    }
}
