package io.starling.mqtt.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The GCRA token bucket: burst, pause length, quiet periods, rate changes, sharing between threads. */
@Timeout(30)
class RateLimitTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    @DisplayName("a burst of rate × burst-seconds passes without a pause; the next unit asks for its interval plus one "
            + "10 ms pacing quantum")
    void burstThenPause() {
        long t = 1_000 * SECOND;
        RateLimit limit = new RateLimit(100, 1.0, RateLimit.MESSAGE_SLICE, t);
        for (int i = 0; i < 100; i++) {
            assertThat(limit.take(1, t)).as("unit %d", i).isZero();
        }
        assertThat(limit.take(1, t)).isEqualTo(10 * MS + 10 * MS);
        assertThat(limit.take(1, t)).isEqualTo(20 * MS + 10 * MS);
    }

    @Test
    @DisplayName("the pause frees one quantum (here half the 10 ms burst): after it, a steady rate at the limit never "
            + "pauses")
    void steadyRateAtTheLimit() {
        long t = 0;
        RateLimit limit = new RateLimit(1_000, 0.01, RateLimit.MESSAGE_SLICE, t);
        for (int i = 0; i < 10; i++) {
            limit.take(1, t);
        }
        long pause = limit.take(1, t);
        assertThat(pause).isEqualTo(MS + 5 * MS);
        t += pause;
        for (int i = 0; i < 5_000; i++) {
            t += MS;
            assertThat(limit.take(1, t)).isZero();
        }
    }

    @Test
    @DisplayName("the pacing quantum is the time 64 messages take, between 1 and 10 ms: at 32,000 msg/s a paused "
            + "taker wakes after 2 ms and then takes 64 without a pause")
    void quantumScalesWithTheRate() {
        RateLimit limit = new RateLimit(32_000, 0.1, RateLimit.MESSAGE_SLICE, 0);
        assertThat(limit.pacingQuantum(32_000)).isEqualTo(2 * MS);
        assertThat(limit.pacingQuantum(1_000_000)).as("floor").isEqualTo(MS);
        assertThat(limit.pacingQuantum(100)).as("ceiling").isEqualTo(10 * MS);
        assertThat(limit.pacingQuantum(6_400)).isEqualTo(10 * MS);
        long t = 0;
        int free = 0;
        long pause;
        while ((pause = limit.take(1, t)) == 0) {
            free++;
        }
        assertThat(free).as("the burst: 0.1 s at 32,000 msg/s").isEqualTo(3_200);
        long interval = SECOND / 32_000;
        assertThat(pause).as("one unit over the burst, plus the quantum").isEqualTo(interval + 2 * MS);
        t += pause;
        int afterWaking = 0;
        while (limit.take(1, t) == 0) {
            afterWaking++;
        }
        assertThat(afterWaking).as("one slice").isEqualTo(64);
    }

    @Test
    @DisplayName("a byte limit's slice is 64 KiB: at 64 MiB/s its quantum is the 1 ms floor, at 1 MiB/s 10 ms, at 16,384,000 B/s 4 ms")
    void byteSlice() {
        RateLimit limit = new RateLimit(64 * 1024 * 1024, 1.0, RateLimit.BYTE_SLICE, 0);
        assertThat(limit.pacingQuantum(64 * 1024 * 1024)).isEqualTo(MS);
        assertThat(limit.pacingQuantum(1024 * 1024)).isEqualTo(10 * MS);
        assertThat(limit.pacingQuantum(16_384_000)).isEqualTo(4 * MS);
    }

    @Test
    @DisplayName("a quiet period refills at most one burst, not the whole quiet time's worth")
    void quietDoesNotAccumulate() {
        RateLimit limit = new RateLimit(10, 1.0, RateLimit.MESSAGE_SLICE, 0);
        long later = 3_600 * SECOND;
        int passed = 0;
        while (limit.take(1, later) == 0) {
            passed++;
        }
        assertThat(passed).isEqualTo(10);
    }

    @Test
    @DisplayName("units weigh in: 1,000 bytes against 1,000 B/s with a 1 s burst pass once, then ask for a second's "
            + "pause (and a quantum)")
    void weightedUnits() {
        RateLimit limit = new RateLimit(1_000, 1.0, RateLimit.BYTE_SLICE, 0);
        assertThat(limit.take(1_000, 0)).isZero();
        assertThat(limit.take(1_000, 0)).isEqualTo(SECOND + 10 * MS);
    }

    @Test
    @DisplayName("rate 0 is no limit; a lowered rate applies from the next take; raising it back works")
    void rateChanges() {
        RateLimit limit = new RateLimit(0, 1.0, RateLimit.MESSAGE_SLICE, 0);
        for (int i = 0; i < 1_000_000; i++) {
            assertThat(limit.take(1, 0)).isZero();
        }
        limit.rate(10);
        long t = SECOND;
        int passed = 0;
        while (limit.take(1, t) == 0) {
            passed++;
        }
        assertThat(passed).isEqualTo(10);
        limit.rate(0);
        assertThat(limit.take(1, t)).isZero();
    }

    @Test
    @DisplayName("shared by 4 threads, the bucket hands out exactly its burst without pause, and no more")
    void sharedAcrossThreads() throws Exception {
        RateLimit limit = new RateLimit(10_000, 1.0, RateLimit.MESSAGE_SLICE, 0);
        java.util.concurrent.atomic.AtomicInteger free = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 5_000; i++) {
                    if (limit.take(1, 0) == 0) {
                        free.incrementAndGet();
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(free).hasValue(10_000);
    }
}
