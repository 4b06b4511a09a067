package io.starling.mqtt.flow;

import io.starling.mqtt.api.BrokerStats;
import io.starling.mqtt.api.FlowControl;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out each connection's {@link InboundFlow} and, every {@link #TICK_NANOS}, measures every publisher's rate
 * and the broker's load, and adjusts the adaptive rates: the overload controller (docs/flow-control.md, "The
 * controller"). Its rules, AIMD with an overload-proportional decrease:
 *
 * <ol>
 *   <li>Pressure P is the largest load signal over its threshold (loop lag, heap after GC, queued bytes, network
 *   buffers).</li>
 *   <li>P &ge; 1 (overload): the heaviest publishers that together send half of all PUBLISH packets, heaviest
 *   first, and with them any publisher sending at least 3/4 of what the heaviest sends, but never one at or below
 *   the light-client rate, get their rate multiplied by max(0.5, min(0.9, 1/P)): at least 10% less per tick, at
 *   most half; never below the light-client rate.</li>
 *   <li>P &lt; 0.8: every throttled publisher gets back 10% of the rate it had when first throttled, per tick;
 *   at that rate its throttle is lifted.</li>
 *   <li>0.8 &le; P &lt; 1: rates hold (hysteresis, so the controller does not oscillate at the threshold).</li>
 * </ol>
 * An overload episode (one WARN, one {@link BrokerStats#onOverloadEpisode()}) lasts from the first tick at P &ge; 1
 * until P &lt; 0.8 with every throttle lifted.
 *
 * Runs on its own daemon thread; the only shared state is each flow's counters and adaptive rate.
 */
public final class FlowController implements AutoCloseable {
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    static final double RECOVER_BELOW = 0.8;
    static final double HEAVY_SHARE = 0.5;
    /**
     * Publishers within this fraction of the heaviest's rate are cut with it: a few equal publishers are all cut at
     * the first tick of an overload rather than half of them per tick, which would take twice as long to bring the
     * load down, and alternate which of them is held.
     */
    static final double PEER_SHARE = 0.75;
    static final double MAX_CUT = 0.5;
    static final double MIN_CUT = 0.9;
    static final double INCREASE_STEP = 0.1;
    /** A throttled publisher's burst: short, so that it is paced smoothly rather than let through in lumps. */
    static final double ADAPTIVE_BURST_SECONDS = 0.1;
    private static final double SMOOTHING = 0.5;
    private static final long LIMIT_LOG_QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Logger LOG = LoggerFactory.getLogger(FlowController.class);

    private final FlowControl settings;
    private final BrokerStats stats;
    private volatile LoadProbe probe = LoadProbe.NONE;
    private final DoubleSupplier heapFraction;
    private final Set<InboundFlow> flows = ConcurrentHashMap.newKeySet();
    private final Map<String, RateLimit[]> listenerLimits = new ConcurrentHashMap<>();
    private final double burstSeconds;
    private volatile OverloadSnapshot last = OverloadSnapshot.IDLE;
    private ScheduledExecutorService timer;

    // The controller thread's own state.
    private long lastTick;
    private boolean overloaded;
    private long overloadStart;

    public FlowController(FlowControl settings, BrokerStats stats) {
        this(settings, stats, FlowController::heapAfterLastCollection);
    }

    FlowController(FlowControl settings, BrokerStats stats, DoubleSupplier heapFraction) {
        this.settings = settings;
        this.stats = stats;
        this.heapFraction = heapFraction;
        this.burstSeconds = settings.burst().toNanos() / 1e9;
    }

    /** The transport's load signals (event-loop lag, network buffers); without one those signals read 0. */
    public void probe(LoadProbe value) {
        this.probe = java.util.Objects.requireNonNull(value, "probe");
    }

    public FlowControl settings() {
        return settings;
    }

    /** The flow of a connection that has just been accepted; {@link #close} it when the connection ends. */
    public InboundFlow open(String clientId, String listener, String remoteAddress) {
        long now = System.nanoTime();
        RateLimit[] shared = listenerLimits.computeIfAbsent(listener, name -> new RateLimit[] {
                limit(settings.listenerMessagesPerSecond(), RateLimit.MESSAGE_SLICE, now),
                limit(settings.listenerBytesPerSecond(), RateLimit.BYTE_SLICE, now)});
        InboundFlow flow = new InboundFlow(clientId, listener, remoteAddress,
                limit(settings.clientMessagesPerSecond(), RateLimit.MESSAGE_SLICE, now),
                limit(settings.clientBytesPerSecond(), RateLimit.BYTE_SLICE, now),
                shared[0], shared[1], new RateLimit(0, ADAPTIVE_BURST_SECONDS, RateLimit.MESSAGE_SLICE, now));
        flows.add(flow);
        return flow;
    }

    private RateLimit limit(double rate, double slice, long now) {
        return rate > 0 ? new RateLimit(rate, burstSeconds, slice, now) : null;
    }

    public void close(InboundFlow flow) {
        flows.remove(flow);
    }

    /** Starts the ticks; a controller with nothing to do (no limits, protection off) starts no thread. */
    public synchronized void start(String threadName) {
        boolean staticLimits = settings.clientMessagesPerSecond() > 0 || settings.clientBytesPerSecond() > 0
                || settings.listenerMessagesPerSecond() > 0 || settings.listenerBytesPerSecond() > 0;
        if (timer != null || !(settings.overloadProtection() || staticLimits)) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::safeTick, TICK_NANOS, TICK_NANOS, TimeUnit.NANOSECONDS);
    }

    private void safeTick() {
        try {
            tick(sample(), System.nanoTime());
        } catch (RuntimeException e) {
            LOG.warn("flow control tick failed; trying again next tick", e);
        }
    }

    /** The load now. */
    public LoadSample sample() {
        // Reading loop threads' CPU times costs a call per thread: only when the signal is on.
        double busy = settings.loopBusyThreshold() > 0 ? probe.loopBusy() : 0;
        return new LoadSample(probe.loopLagNanos(), heapFraction.getAsDouble(), stats.queuedBytes(),
                probe.outboundBytes(), busy);
    }

    /** One tick: measure, then apply the rules. Called by the controller's thread, or by tests directly. */
    void tick(LoadSample sample, long now) {
        double seconds = lastTick == 0 ? TICK_NANOS / 1e9 : Math.max(1e-3, (now - lastTick) / 1e9);
        lastTick = now;
        double total = 0;
        for (InboundFlow f : flows) {
            measure(f, seconds);
            total += f.messageRate;
            logStaticLimit(f, now);
        }
        if (!settings.overloadProtection()) {
            last = new OverloadSnapshot(0, false, sample, 0);
            return;
        }
        double pressure = pressure(sample);
        if (pressure >= 1) {
            if (!overloaded) {
                overloaded = true;
                overloadStart = now;
                stats.onOverloadEpisode();
                LOG.warn("broker overloaded: pressure {} ({}; driven by {}); throttling the heaviest publishers",
                        String.format("%.2f", pressure), sample, dominant(sample));
            }
            throttleHeaviest(total, pressure, sample, now);
        } else if (pressure < RECOVER_BELOW) {
            for (InboundFlow f : flows) {
                if (f.throttledFrom > 0) {
                    raise(f, now);
                }
            }
        }
        int throttled = 0;
        double held = 0;
        for (InboundFlow f : flows) {
            if (f.throttledFrom > 0) {
                throttled++;
                held += f.adaptiveRate();
            }
        }
        if (overloaded && LOG.isDebugEnabled()) {
            LOG.debug("overload tick: pressure {} ({}); {} publishers throttled to {} msg/s in all, {} msg/s measured",
                    String.format("%.2f", pressure), sample, throttled, Math.round(held), Math.round(total));
        }
        // The episode ends once the load is low and every throttle has been lifted, not at the first quiet tick: a
        // controller holding the load near its threshold would otherwise log a new episode every few ticks.
        if (overloaded && pressure < RECOVER_BELOW && throttled == 0) {
            overloaded = false;
            LOG.info("broker load back to normal after {} ms: pressure {} ({}); no publisher throttled",
                    TimeUnit.NANOSECONDS.toMillis(now - overloadStart), String.format("%.2f", pressure), sample);
        }
        last = new OverloadSnapshot(pressure, overloaded, sample, throttled);
    }

    private static void measure(InboundFlow f, double seconds) {
        long messages = f.messages();
        long bytes = f.bytes();
        double messageRate = (messages - f.seenMessages) / seconds;
        double byteRate = (bytes - f.seenBytes) / seconds;
        f.seenMessages = messages;
        f.seenBytes = bytes;
        f.messageRate = SMOOTHING * messageRate + (1 - SMOOTHING) * f.messageRate;
        f.byteRate = SMOOTHING * byteRate + (1 - SMOOTHING) * f.byteRate;
    }

    private void logStaticLimit(InboundFlow f, long now) {
        if (!f.hasStaticLimits()) {
            return;
        }
        long limited = f.lastLimitedNanos();
        boolean recently = limited != 0 && now - limited < LIMIT_LOG_QUIET_NANOS;
        if (recently && !f.limitLogged) {
            f.limitLogged = true;
            LOG.info("client {} from {}: inbound rate limit reached at {} msg/s, {} B/s; its reads pause to hold it "
                    + "there", f.clientId(), f.remoteAddress(), Math.round(f.messageRate), Math.round(f.byteRate));
        } else if (!recently && f.limitLogged) {
            f.limitLogged = false;
            LOG.info("client {} from {}: back under its inbound rate limit", f.clientId(), f.remoteAddress());
        }
    }

    private double pressure(LoadSample sample) {
        return sample.pressure(settings.loopLagThreshold().toNanos(), settings.heapThreshold(),
                settings.queuedBytesThreshold(), outboundThreshold(), settings.loopBusyThreshold());
    }

    private LoadSample.Signal dominant(LoadSample sample) {
        return sample.dominant(settings.loopLagThreshold().toNanos(), settings.heapThreshold(),
                settings.queuedBytesThreshold(), outboundThreshold(), settings.loopBusyThreshold());
    }

    private long outboundThreshold() {
        if (settings.outboundBytesThreshold() > 0) {
            return settings.outboundBytesThreshold();
        }
        return probe.outboundLimit() * 3 / 4;
    }

    /** Rule 2: heaviest first, until they cover half of all traffic, and the heaviest's peers; light clients never. */
    private void throttleHeaviest(double total, double pressure, LoadSample sample, long now) {
        List<InboundFlow> heavy = new ArrayList<>();
        for (InboundFlow f : flows) {
            if (f.messageRate > settings.lightClientRate()) {
                heavy.add(f);
            }
        }
        heavy.sort(Comparator.comparingDouble((InboundFlow f) -> f.messageRate).reversed());
        double cut = Math.max(MAX_CUT, Math.min(MIN_CUT, 1 / pressure));
        double floor = Math.max(1, settings.lightClientRate());
        double covered = 0;
        double peer = heavy.isEmpty() ? 0 : PEER_SHARE * heavy.get(0).messageRate;
        for (InboundFlow f : heavy) {
            if (covered >= HEAVY_SHARE * total && f.messageRate < peer) {
                break;
            }
            covered += f.messageRate;
            double current = f.adaptiveRate() > 0 ? Math.min(f.adaptiveRate(), f.messageRate) : f.messageRate;
            double next = Math.max(floor, current * cut);
            if (f.throttledFrom == 0) {
                f.throttledFrom = f.messageRate;
                f.throttleStartNanos = now;
                stats.onThrottleStart();
                LOG.info("client {} from {}: throttled to {} msg/s (it published {} msg/s; broker pressure {}, {})",
                        f.clientId(), f.remoteAddress(), Math.round(next), Math.round(f.messageRate),
                        String.format("%.2f", pressure), sample);
            }
            f.adaptiveRate(next);
        }
    }

    /** Rule 3: additive increase until the rate it had when throttled; then the throttle is lifted. */
    private void raise(InboundFlow f, long now) {
        double next = f.adaptiveRate() + INCREASE_STEP * f.throttledFrom;
        if (next >= f.throttledFrom) {
            LOG.info("client {} from {}: throttle lifted after {} ms", f.clientId(), f.remoteAddress(),
                    TimeUnit.NANOSECONDS.toMillis(now - f.throttleStartNanos));
            f.throttledFrom = 0;
            f.adaptiveRate(0);
        } else {
            f.adaptiveRate(next);
        }
    }

    /** The load and the controller's state at the last tick. */
    public OverloadSnapshot overload() {
        return last;
    }

    /** Every connection's measured rate and throttle state at the last tick. */
    public List<ClientFlowSnapshot> clients() {
        long now = System.nanoTime();
        List<ClientFlowSnapshot> result = new ArrayList<>(flows.size());
        for (InboundFlow f : flows) {
            long limited = f.lastLimitedNanos();
            result.add(new ClientFlowSnapshot(f.clientId(), f.listener(), f.messageRate, f.byteRate,
                    f.adaptiveRate(), limited != 0 && now - limited < LIMIT_LOG_QUIET_NANOS));
        }
        return result;
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    /**
     * Heap in use after the last collection of the largest heap pool that reports it (the old generation), over
     * the maximum heap: what the application holds, not the garbage a young collection has yet to clear.
     */
    static double heapAfterLastCollection() {
        MemoryUsage best = null;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported()) {
                MemoryUsage usage = pool.getCollectionUsage();
                if (usage != null && (best == null || usage.getMax() > best.getMax())) {
                    best = usage;
                }
            }
        }
        long max = Runtime.getRuntime().maxMemory();
        if (best == null || max <= 0) {
            return 0;
        }
        return (double) best.getUsed() / max;
    }
}
