package io.starling.mqtt.benchmarks.load;

import java.util.List;
import java.util.Locale;

/**
 * What the slow-consumer scenario measured against one broker. Times are seconds after the scenario's start;
 * {@code marks} holds the start of the measured window before the stall, the stall (S1 stops reading), the end of
 * the stall (publishers stop, S1 reads again) and the end of the drain.
 *
 * @param error why the scenario did not complete or what went wrong with the broker (figures kept), or null
 * @param subscribers all subscribers, S1 included
 * @param before the healthy subscribers' and publishers' figures in the window before the stall; {@code stall} the
 *     same while S1 did not read
 * @param s1 what became of the subscriber that stopped reading
 * @param healthyQos1Acked QoS 1 messages the broker acknowledged, times the healthy subscribers (what they must get)
 * @param healthyQos1Lost of those, how many never arrived (must be 0)
 * @param healthyQos1LostBefore of those, how many were published before the stall
 * @param healthyQos0Missing QoS 0 messages written that the healthy subscribers did not get (drops: allowed)
 * @param samples the time series, every {@code sample.interval}
 * @param heap the JVM broker's collections from its GC log, empty for other brokers
 */
public record SlowConsumerResult(String target, String error, int subscribers, double[] marks, Window before,
        Window stall, SlowSubscriber s1, long healthyQos1Acked, long healthyQos1Lost, long healthyQos1LostBefore,
        long healthyQos0Written,
        long healthyQos0Missing, long healthyDuplicates, int healthyClosed, int publishersClosed, List<Sample> samples,
        long peakRssBytes, List<HeapSample> heap, long startEpochMillis, double keep, long growthBytes)
        implements GcLogged<SlowConsumerResult> {

    public static final int BEFORE = 0;
    public static final int STALL = 1;
    public static final int RESUME = 2;
    public static final int END = 3;

    /**
     * One window: the healthy subscribers' QoS 0 and QoS 1 arrivals (all of them together, duplicates included) and
     * the publishers' messages written (QoS 0, QoS 1) and acknowledged (QoS 1).
     */
    public record Window(double seconds, long healthyQos0, long healthyQos1, long qos0Written, long qos1Written,
            long qos1Acked) {
        public static final Window NONE = new Window(0, 0, 0, 0, 0, 0);

        public double healthyPerSecond() {
            return seconds > 0 ? (healthyQos0 + healthyQos1) / seconds : Double.NaN;
        }

        public double healthyQos0PerSecond() {
            return seconds > 0 ? healthyQos0 / seconds : Double.NaN;
        }

        public double healthyQos1PerSecond() {
            return seconds > 0 ? healthyQos1 / seconds : Double.NaN;
        }

        Window minus(Window earlier) {
            return new Window(seconds - earlier.seconds, healthyQos0 - earlier.healthyQos0,
                    healthyQos1 - earlier.healthyQos1, qos0Written - earlier.qos0Written,
                    qos1Written - earlier.qos1Written, qos1Acked - earlier.qos1Acked);
        }
    }

    /**
     * The stalled subscriber S1.
     *
     * @param closedAfter seconds from the stall until the broker closed its connection; NaN if it did not
     * @param duringStall messages it read after it stopped reading (what its decoder still held)
     * @param qos0Received QoS 0 messages it received over the whole run (before, during and after the stall)
     * @param qos0Written QoS 0 messages published over the whole run
     * @param qos1Received distinct QoS 1 messages it received over the whole run
     * @param qos1Acked QoS 1 messages the broker acknowledged over the whole run
     * @param qos1Lost acknowledged QoS 1 messages it never received (the broker dropped them for it, or closed it)
     * @param afterResume messages it received once it read again
     */
    public record SlowSubscriber(double closedAfter, long duringStall, long qos0Received, long qos0Written,
            long qos1Received, long qos1Acked, long qos1Lost, long afterResume) {
        public static final SlowSubscriber NONE = new SlowSubscriber(Double.NaN, 0, 0, 0, 0, 0, 0, 0);

        public boolean closed() {
            return !Double.isNaN(closedAfter);
        }
    }

    /** Cumulative arrivals at the healthy subscribers and at S1, publishes written and acknowledged, broker RSS. */
    public record Sample(double seconds, long healthyReceived, long s1Received, long written, long acked,
            long rssBytes) {}

    public static SlowConsumerResult failed(String target, String error) {
        return new SlowConsumerResult(target, error, 0, new double[4], Window.NONE, Window.NONE, SlowSubscriber.NONE,
                0, 0, 0, 0, 0, 0, 0, 0, List.of(), -1, List.of(), 0, Double.NaN, 0);
    }

    public SlowConsumerResult withTarget(String name) {
        return new SlowConsumerResult(name, error, subscribers, marks, before, stall, s1, healthyQos1Acked,
                healthyQos1Lost, healthyQos1LostBefore, healthyQos0Written, healthyQos0Missing, healthyDuplicates, healthyClosed,
                publishersClosed, samples, peakRssBytes, heap, startEpochMillis, keep, growthBytes);
    }

    @Override
    public SlowConsumerResult withError(String why) {
        return new SlowConsumerResult(target, error == null ? why : error + "; " + why, subscribers, marks, before,
                stall, s1, healthyQos1Acked, healthyQos1Lost, healthyQos1LostBefore, healthyQos0Written, healthyQos0Missing, healthyDuplicates,
                healthyClosed, publishersClosed, samples, peakRssBytes, heap, startEpochMillis, keep, growthBytes);
    }

    @Override
    public SlowConsumerResult withHeap(List<HeapSample> collections) {
        return new SlowConsumerResult(target, error, subscribers, marks, before, stall, s1, healthyQos1Acked,
                healthyQos1Lost, healthyQos1LostBefore, healthyQos0Written, healthyQos0Missing, healthyDuplicates, healthyClosed,
                publishersClosed, samples, peakRssBytes, List.copyOf(collections), startEpochMillis, keep, growthBytes);
    }

    public boolean completed() {
        return marks[END] > 0;
    }

    /** The healthy subscribers' msg/s while S1 stalled ÷ before. */
    public double throughputRatio() {
        double b = before.healthyPerSecond();
        return b > 0 ? stall.healthyPerSecond() / b : Double.NaN;
    }

    public boolean throughputKept() {
        return throughputRatio() >= keep && healthyClosed == 0;
    }

    /** Middle of the stall: memory growth is judged from here to its end. */
    public double midStall() {
        return (marks[STALL] + marks[RESUME]) / 2;
    }

    /** The largest RSS sampled in {@code [from, to)} seconds, -1 if none. */
    public long maxRss(double from, double to) {
        return GcLogged.max(samples, Sample::seconds, Sample::rssBytes, from, to);
    }

    /** RSS growth over the second half of the stall: its largest sample there minus the largest in the first half. */
    public long rssGrowth() {
        long first = maxRss(marks[STALL], midStall());
        long second = maxRss(midStall(), marks[RESUME] + 1e-9);
        return first < 0 || second < 0 ? 0 : second - first;
    }

    /** Heap-after-GC growth over the second half of the stall, 0 without collections in both halves. */
    public long heapGrowth() {
        long first = HeapSample.maxAfter(heap, marks[STALL], midStall());
        long second = HeapSample.maxAfter(heap, midStall(), marks[RESUME]);
        return first < 0 || second < 0 ? 0 : second - first;
    }

    /** Whether RSS was sampled in both halves of the stall (not when the broker's process is unknown). */
    public boolean memoryMeasured() {
        return maxRss(marks[STALL], midStall()) >= 0 && maxRss(midStall(), marks[RESUME] + 1e-9) >= 0;
    }

    /** The "broker memory stays bounded", as stated by {@code slow.growth}; false when not measured. */
    public boolean memoryBounded() {
        return completed() && memoryMeasured() && rssGrowth() <= growthBytes && heapGrowth() <= growthBytes;
    }

    /** A one-line summary for logs. */
    public String summary() {
        if (!completed()) {
            return "slow-consumer @ " + target + ": FAILED " + error;
        }
        return String.format(Locale.ROOT, "slow-consumer @ %s: healthy %.0f → %.0f msg/s (×%.2f, QoS 0 %.0f → %.0f, "
                        + "QoS 1 %.0f → %.0f); acked QoS 1 lost to the healthy %d of %d (%d published before the "
                        + "stall), QoS 0 missing %d of %d; S1 %s, "
                        + "QoS 1 %d of %d acked received (%d lost), QoS 0 %d of %d; RSS max before stall %d, in stall %d "
                        + "MiB, growth in its second half %d MiB%s%s",
                target, before.healthyPerSecond(), stall.healthyPerSecond(), throughputRatio(),
                before.healthyQos0PerSecond(), stall.healthyQos0PerSecond(), before.healthyQos1PerSecond(),
                stall.healthyQos1PerSecond(), healthyQos1Lost, healthyQos1Acked, healthyQos1LostBefore,
                healthyQos0Missing, healthyQos0Written,
                s1.closed() ? String.format(Locale.ROOT, "closed by the broker %.1f s into the stall", s1.closedAfter())
                        : "kept open",
                s1.qos1Received(), s1.qos1Acked(), s1.qos1Lost(), s1.qos0Received(), s1.qos0Written(),
                maxRss(marks[BEFORE], marks[STALL]) >> 20, maxRss(marks[STALL], marks[RESUME] + 1e-9) >> 20,
                rssGrowth() >> 20,
                heap.isEmpty() ? "" : String.format(Locale.ROOT, ", heap after GC max %d MiB (growth %d MiB)",
                        HeapSample.maxAfter(heap, marks[STALL], marks[RESUME]) >> 20, heapGrowth() >> 20),
                error != null ? "; " + error : "");
    }
}
