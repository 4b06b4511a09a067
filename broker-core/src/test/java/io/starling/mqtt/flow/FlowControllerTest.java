package io.starling.mqtt.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.starling.mqtt.api.BrokerStats;
import io.starling.mqtt.api.FlowControl;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The overload controller's rules (docs/flow-control.md, "The controller"), driven tick by tick with chosen load
 * samples: who is throttled, by how much, when rates hold, how they come back.
 */
@Timeout(30)
class FlowControllerTest {
    private static final long TICK = FlowController.TICK_NANOS;
    private static final long LAG_THRESHOLD = TimeUnit.MILLISECONDS.toNanos(100);

    private final BrokerStats stats = new BrokerStats();
    private final FlowController controller = new FlowController(FlowControl.DEFAULTS, stats, () -> 0.0);
    private long now = 1_000_000_000L;

    /** A publisher and how many PUBLISH packets it sends per tick. */
    private record Publisher(InboundFlow flow, int perTick) {}

    private final List<Publisher> publishers = new ArrayList<>();

    private InboundFlow publisher(String id, int perSecond) {
        InboundFlow flow = controller.open(id, "default", "127.0.0.1:" + (publishers.size() + 1));
        publishers.add(new Publisher(flow, perSecond / 10));
        return flow;
    }

    /** One tick at {@code pressure} (loop lag over its threshold), after each publisher sent its packets. */
    private void tick(double pressure) {
        for (Publisher p : publishers) {
            for (int i = 0; i < p.perTick(); i++) {
                p.flow().onPublish(100);
            }
        }
        now += TICK;
        controller.tick(new LoadSample((long) (pressure * LAG_THRESHOLD), 0, 0, 0), now);
    }

    private void warmUp() {
        for (int i = 0; i < 12; i++) {
            tick(0.5);
        }
    }

    @Test
    @DisplayName("overload throttles the heaviest publishers that together send half the traffic, heaviest first; "
            + "a medium publisher beyond that half and light clients are left alone")
    void heaviestFirst() {
        InboundFlow heavy1 = publisher("heavy-1", 40_000);
        InboundFlow heavy2 = publisher("heavy-2", 30_000);
        InboundFlow medium = publisher("medium", 20_000);
        List<InboundFlow> light = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            light.add(publisher("light-" + i, 50));
        }
        warmUp();
        assertThat(heavy1.messageRate).isCloseTo(40_000, within(400.0));

        tick(2.0);

        assertThat(heavy1.adaptiveRate()).as("halved at pressure 2").isCloseTo(20_000, within(400.0));
        assertThat(heavy2.adaptiveRate()).isCloseTo(15_000, within(300.0));
        assertThat(medium.adaptiveRate()).isZero();
        assertThat(light).allSatisfy(f -> assertThat(f.adaptiveRate()).isZero());
        assertThat(stats.throttleStarts()).isEqualTo(2);
        assertThat(stats.overloadEpisodes()).isEqualTo(1);
        assertThat(controller.overload().throttledClients()).isEqualTo(2);
        assertThat(controller.overload().overloaded()).isTrue();
        assertThat(controller.clients()).filteredOn(c -> c.throttledTo() > 0)
                .extracting(ClientFlowSnapshot::clientId).containsExactlyInAnyOrder("heavy-1", "heavy-2");
    }

    @Test
    @DisplayName("publishers of about the heaviest's rate are cut with it at the first tick, not half of them per tick")
    void peersAreCutTogether() {
        InboundFlow a = publisher("a", 10_000);
        InboundFlow b = publisher("b", 9_000);
        InboundFlow c = publisher("c", 8_000);
        InboundFlow d = publisher("d", 7_600);
        InboundFlow far = publisher("far", 5_000);
        warmUp();

        tick(2.0);

        assertThat(List.of(a, b, c, d)).as("within 3/4 of the heaviest, or needed to cover half")
                .allSatisfy(f -> assertThat(f.adaptiveRate()).isPositive());
        assertThat(d.adaptiveRate()).as("a peer, though the three before cover half").isCloseTo(3_800,
                within(100.0));
        assertThat(far.adaptiveRate()).as("below 3/4 of the heaviest, and half is covered").isZero();
        assertThat(stats.throttleStarts()).isEqualTo(4);
    }

    @Test
    @DisplayName("the cut follows the overload: 1/pressure, at least 10% and at most half per tick; never below the "
            + "light-client rate")
    void cutIsProportionalAndFloored() {
        InboundFlow heavy = publisher("heavy", 10_000);
        warmUp();
        tick(1.25);
        assertThat(heavy.adaptiveRate()).as("1/1.25 = 0.8").isCloseTo(8_000, within(100.0));
        tick(1.01);
        assertThat(heavy.adaptiveRate()).as("at least 10% less").isCloseTo(7_200, within(100.0));
        tick(10);
        assertThat(heavy.adaptiveRate()).as("at most half").isCloseTo(3_600, within(100.0));
        for (int i = 0; i < 30; i++) {
            tick(10);
        }
        assertThat(heavy.adaptiveRate()).as("floor").isEqualTo(100.0);
    }

    @Test
    @DisplayName("between 0.8 and 1 rates hold; below 0.8 each throttled publisher gets back 10% of its original "
            + "rate per tick, and at that rate the throttle is lifted")
    void holdThenAdditiveIncrease() {
        InboundFlow heavy = publisher("heavy", 10_000);
        warmUp();
        tick(2.0);
        double throttled = heavy.adaptiveRate();
        tick(0.9);
        tick(0.8);
        assertThat(heavy.adaptiveRate()).isEqualTo(throttled);
        assertThat(controller.overload().overloaded()).as("still in the episode").isTrue();

        double original = heavy.throttledFrom;
        tick(0.5);
        assertThat(controller.overload().overloaded()).as("the episode lasts while a throttle does").isTrue();
        assertThat(heavy.adaptiveRate()).isCloseTo(throttled + 0.1 * original, within(1.0));
        for (int i = 0; i < 5; i++) {
            tick(0.5);
        }
        assertThat(heavy.adaptiveRate()).as("lifted").isZero();
        assertThat(controller.overload().throttledClients()).isZero();
        assertThat(controller.overload().overloaded()).isFalse();
        assertThat(stats.throttleStarts()).isEqualTo(1);
        assertThat(stats.overloadEpisodes()).isEqualTo(1);
    }

    @Test
    @DisplayName("a load the controller holds around the threshold is one overload episode, not one per crossing; "
            + "the next starts after every throttle has been lifted")
    void oneEpisodeWhileThrottled() {
        InboundFlow heavy = publisher("heavy", 10_000);
        warmUp();
        for (int i = 0; i < 5; i++) {
            tick(1.2);
            tick(0.5);
        }
        assertThat(stats.overloadEpisodes()).isEqualTo(1);
        assertThat(controller.overload().overloaded()).isTrue();
        for (int i = 0; i < 20 && heavy.throttledFrom > 0; i++) {
            tick(0.5);
        }
        assertThat(heavy.adaptiveRate()).as("lifted").isZero();
        assertThat(controller.overload().overloaded()).isFalse();
        tick(1.2);
        assertThat(stats.overloadEpisodes()).isEqualTo(2);
    }

    @Test
    @DisplayName("an overload that light clients alone cause throttles nobody: no client is above the light rate")
    void lightClientsAreNeverThrottled() {
        List<InboundFlow> light = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            light.add(publisher("light-" + i, 100));
        }
        warmUp();
        for (int i = 0; i < 5; i++) {
            tick(3.0);
        }
        assertThat(light).allSatisfy(f -> assertThat(f.adaptiveRate()).isZero());
        assertThat(stats.throttleStarts()).isZero();
        assertThat(stats.overloadEpisodes()).isEqualTo(1);
    }

    @Test
    @DisplayName("with overload protection off nobody is throttled, whatever the load")
    void protectionOff() {
        FlowController off = new FlowController(FlowControl.DEFAULTS.withOverloadProtection(false), stats, () -> 0.0);
        InboundFlow heavy = off.open("heavy", "default", "127.0.0.1:1");
        for (int t = 1; t <= 10; t++) {
            for (int i = 0; i < 10_000; i++) {
                heavy.onPublish(10);
            }
            off.tick(new LoadSample(10 * LAG_THRESHOLD, 0.99, Long.MAX_VALUE / 2, 0), now + t * TICK);
        }
        assertThat(heavy.adaptiveRate()).isZero();
        assertThat(off.overload().pressure()).isZero();
    }

    @Test
    @DisplayName("a throttled publisher that keeps sending faster than its throttled rate is told to pause, for as "
            + "long as its excess takes at that rate")
    void throttledFlowPauses() {
        InboundFlow heavy = publisher("heavy", 10_000);
        warmUp();
        tick(2.0);
        double limit = heavy.adaptiveRate();
        assertThat(limit).isCloseTo(5_000, within(100.0));
        // the test's publisher ignores pauses and sends 600 packets at once: 0.12 s worth at 5,000 msg/s, of which
        // the throttle's 0.1 s burst passes; the rest asks for 20 ms, plus the pacing quantum (64 messages at
        // 5,000 msg/s: over its 10 ms ceiling)
        long pause = 0;
        for (int i = 0; i < 600; i++) {
            pause = heavy.onPublish(10);
        }
        assertThat(pause).isBetween(TimeUnit.MILLISECONDS.toNanos(25), TimeUnit.MILLISECONDS.toNanos(35));
    }

    @Test
    @DisplayName("pressure is the largest signal over its threshold: heap after GC, queued bytes and network buffers "
            + "count as loop lag does")
    void pressureSignals() {
        FlowControl f = FlowControl.DEFAULTS;
        long lag = f.loopLagThreshold().toNanos();
        assertThat(new LoadSample(lag / 2, 0, 0, 0).pressure(lag, 0.85, 1000, 0)).isEqualTo(0.5);
        assertThat(new LoadSample(0, 0.935, 0, 0).pressure(lag, 0.85, 1000, 0)).isCloseTo(1.1, within(1e-9));
        assertThat(new LoadSample(0, 0, 3000, 0).pressure(lag, 0.85, 1000, 0)).isEqualTo(3.0);
        assertThat(new LoadSample(0, 0, 0, 500).pressure(lag, 0.85, 1000, 250)).isEqualTo(2.0);
        assertThat(new LoadSample(0, 0, 0, 500).pressure(lag, 0.85, 1000, 0)).as("threshold 0: off").isZero();
        assertThat(new LoadSample(0, 0, 3000, 0).dominant(lag, 0.85, 1000, 0)).isEqualTo(LoadSample.Signal.QUEUED);
    }

    @Test
    @DisplayName("loop busy counts only with its threshold set: 0.9 busy over a 0.6 threshold is pressure 1.5 and "
            + "throttles; the same sample with the signal off (the default) does not")
    void loopBusySignal() {
        assertThat(new LoadSample(0, 0, 0, 0, 0.9).pressure(LAG_THRESHOLD, 0.85, 1000, 0, 0.6))
                .isCloseTo(1.5, within(1e-9));
        assertThat(new LoadSample(0, 0, 0, 0, 0.9).dominant(LAG_THRESHOLD, 0.85, 1000, 0, 0.6))
                .isEqualTo(LoadSample.Signal.LOOP_BUSY);
        assertThat(new LoadSample(0, 0, 0, 0, 0.9).pressure(LAG_THRESHOLD, 0.85, 1000, 0)).isZero();

        FlowController latencyFirst = new FlowController(FlowControl.DEFAULTS.withLoopBusyThreshold(0.6), stats,
                () -> 0.0);
        InboundFlow heavy = latencyFirst.open("heavy", "default", "127.0.0.1:1");
        for (int t = 1; t <= 12; t++) {
            for (int i = 0; i < 1_000; i++) {
                heavy.onPublish(10);
            }
            latencyFirst.tick(new LoadSample(0, 0, 0, 0, t < 12 ? 0.3 : 0.9), now + t * TICK);
        }
        assertThat(heavy.adaptiveRate()).as("10,000 msg/s cut by 1/1.5").isCloseTo(6_667, within(100.0));
        FlowController defaults = new FlowController(FlowControl.DEFAULTS, stats, () -> 0.0);
        InboundFlow other = defaults.open("other", "default", "127.0.0.1:2");
        for (int t = 1; t <= 12; t++) {
            for (int i = 0; i < 1_000; i++) {
                other.onPublish(10);
            }
            defaults.tick(new LoadSample(0, 0, 0, 0, 1.0), now + t * TICK);
        }
        assertThat(other.adaptiveRate()).isZero();
    }

    @Test
    @DisplayName("a closed connection's flow is forgotten")
    void closeForgets() {
        InboundFlow flow = publisher("gone", 1_000);
        warmUp();
        controller.close(flow);
        assertThat(controller.clients()).isEmpty();
    }
}
