package io.starling.mqtt.benchmarks.load;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scenario parameters: per-mode defaults, overridden by {@code key=value} from the command line. Durations in
 * seconds, rates in messages per second.
 */
public final class Params {
    /** key, then the default in full, quick and smoke mode, then what it means. */
    private static final String[][] TABLE = {
        {"warmup", "5", "1", "0.5", "warm-up before the measured window, s"},
        {"duration", "10", "2", "1", "measured window, s"},
        {"drain", "10", "5", "3", "longest wait for in-flight messages after the window, s"},
        {"setup.timeout", "120", "60", "30", "longest wait for all connections and subscriptions, s"},
        {"threads", "2", "2", "2", "generator event loops"},
        {"connect.pending", "64", "64", "64", "connections between connect and ready at most (below Mosquitto's listen backlog of 100)"},
        {"payload", "64", "64", "64", "payload bytes (20-byte header: publisher, sequence, send time)"},
        {"window", "64", "64", "64", "QoS 1/2 inflight window per publisher"},
        {"qos0.window", "256", "256", "256", "deliveries a full-speed QoS 0 publisher may have under way: it stays this many messages, divided by its fan-out (at least 32), ahead of the newest one any subscriber saw (0: open loop)"},
        {"p2p.pairs", "32", "32", "8", "publisher-subscriber pairs, one topic each"},
        {"fanout.subscribers", "1000", "1000", "100", "subscribers of the one topic"},
        {"fanin.publishers", "1000", "1000", "100", "publishers, one topic each, one wildcard subscriber"},
        {"fanin.rate", "20", "20", "20", "messages per second per fan-in publisher"},
        {"wildcard.subscribers", "10000", "10000", "1000", "subscribers, one distinct filter each (+ and #)"},
        {"wildcard.publishers", "8", "8", "4", "publishers on random topics"},
        {"wildcard.topics", "4096", "4096", "1024", "distinct topics the publishers pick from"},
        {"wildcard.qos", "0", "0", "0", "QoS of the wildcard scenario"},
        {"wildcard.qos0.window", "4096", "4096", "1024", "qos0.window of the wildcard publishers: each message reaches a different one of thousands of subscriber sockets, so a window of 256 measures the round trip, not routing"},
        {"latency.pairs", "32", "32", "8", "pairs in the latency scenario"},
        {"latency.rate", "10000", "10000", "2000", "offered messages per second in total"},
        {"latency.persistent.rate", "2000", "2000", "1000", "offered messages per second in total in latency-persistent (every message stored)"},
        {"connections.count", "18000", "5000", "500", "idle connections (the open-files limit here is 20,000 per process)"},
        {"connections.sources", "4", "4", "2", "source addresses 127.0.0.1..127.0.0.N"},
        {"connections.hold", "2", "1", "0.5", "idle time before measuring memory, s"},
        {"connections.warmup", "1000", "1000", "100", "connections opened and closed before the measurement, to warm both sides"},
        {"overload.light", "200", "200", "20", "overload: light clients, each publishing QoS 1 to a topic of its own and subscribed to it"},
        {"overload.light.rate", "5", "5", "5", "overload: messages per second per light client"},
        {"overload.light.process", "1", "1", "1", "overload: 1: the light clients run in a JVM of their own, so that their round trip is not also the flood generator's (its threads' scheduling, collector and compiler); 0: on an event loop of the generator's own process"},
        {"overload.heavy", "4", "4", "2", "overload: heavy publishers, each with a subscriber of its own on its topic"},
        {"overload.warmup", "2", "1", "0.5", "overload: heavy publishers at full speed before the calibration, s"},
        {"overload.calibrate", "5", "3", "1", "overload: calibration, s: heavy publishers as fast as the broker takes them (window `window`); what their subscribers receive per second is the sustained rate"},
        {"overload.rate", "0", "0", "0", "overload: sustained rate to use instead of the calibrated one, msg/s over all heavy publishers (0: calibrate)"},
        {"overload.settle", "10", "5", "3", "overload: longest wait after the calibration for the heavy traffic to drain, s"},
        {"overload.baseline", "10", "5", "1", "overload: phase A, light clients alone, s"},
        {"overload.flood", "20", "10", "2", "overload: phase B, heavy publishers offer `overload.factor` × the sustained rate, s"},
        {"overload.onset", "2", "2", "0.5", "overload: the first seconds of phase B, left out of the light clients' settled figure (the flood's start, before the broker has reacted); the whole of B is reported too"},
        {"overload.recovery", "10", "8", "2", "overload: phase C, heavy publishers offer `overload.recovery.factor` × the sustained rate, s"},
        {"overload.factor", "3", "3", "3", "overload: offered rate in phase B ÷ the sustained rate"},
        {"overload.recovery.factor", "0.5", "0.5", "0.5", "overload: offered rate in phase C ÷ the sustained rate"},
        {"overload.window", "4096", "4096", "1024", "overload: heavy publishers' inflight window in phases B and C (open loop: a publisher whose window is full waits, and what it could not send counts as offered, not accepted)"},
        {"overload.flood.nice", "19", "19", "19", "overload: Linux nice value of the generator threads that run the heavy publishers and their subscribers (0: unchanged). Where the generator shares the broker's cores, the flood then competes for CPU with the broker, which has to hold it back, rather than with the light clients whose latency is measured; every broker runs with the same value"},
        {"overload.drain", "10", "5", "3", "overload: longest wait for acknowledgements and deliveries at the end, s"},
        {"overload.heap.bound", "256", "256", "256", "overload: stated bound on a JVM broker's heap after GC during the run, MiB (half the 512 MiB heap)"},
        {"overload.latency.factor", "2", "2", "2", "overload: requirement, light clients' p99 in phase B ≤ this × their p99 in phase A"},
        {"slow.subscribers", "5", "5", "3", "slow-consumer: subscribers of both topics; the first (S1) stops reading"},
        {"slow.rate", "0", "0", "0", "slow-consumer: msg/s of each publisher (0: as fast as the broker takes them, QoS 1 within `window`, QoS 0 within `qos0.window`)"},
        {"slow.warmup", "3", "3", "0.5", "slow-consumer: everybody reads, not measured, s (long enough for the JIT: the window before the stall is the reference)"},
        {"slow.before", "5", "3", "1", "slow-consumer: measured window while everybody reads, s"},
        {"slow.after", "20", "10", "2", "slow-consumer: measured window while S1 does not read, s"},
        {"slow.drain", "10", "5", "3", "slow-consumer: after the publishers stop, S1 reads again; longest wait for what is left, s"},
        {"slow.keep", "0.8", "0.8", "0.8", "slow-consumer: requirement, the other subscribers' msg/s while S1 stalls ÷ before ≥ this"},
        {"slow.growth", "32", "32", "32", "slow-consumer: requirement, the broker's memory (RSS, and heap after GC for a JVM) grows by at most this over the second half of the stall, MiB"},
        {"sample.interval", "0.5", "0.5", "0.25", "overload and slow-consumer: interval of the time series (rates, RSS), s"},
    };

    private final String mode;
    private final Map<String, String> values;
    private final Map<String, String> overrides;

    private Params(String mode, Map<String, String> values, Map<String, String> overrides) {
        this.mode = mode;
        this.values = values;
        this.overrides = overrides;
    }

    /** Defaults of {@code mode} (full, quick or smoke) with {@code overrides} applied. */
    public static Params of(String mode, Map<String, String> overrides) {
        int column = switch (mode) {
            case "full" -> 1;
            case "quick" -> 2;
            case "smoke" -> 3;
            default -> throw new IllegalArgumentException("mode must be full, quick or smoke: " + mode);
        };
        Map<String, String> values = new LinkedHashMap<>();
        for (String[] row : TABLE) {
            values.put(row[0], row[column]);
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!values.containsKey(e.getKey())) {
                throw new IllegalArgumentException("unknown parameter '" + e.getKey() + "'; known: " + values.keySet());
            }
            values.put(e.getKey(), e.getValue());
        }
        return new Params(mode, values, new LinkedHashMap<>(overrides));
    }

    public String mode() {
        return mode;
    }

    public double d(String key) {
        return Double.parseDouble(get(key));
    }

    public int i(String key) {
        return Integer.parseInt(get(key));
    }

    public String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("unknown parameter " + key);
        }
        return v;
    }

    public Map<String, String> values() {
        return Collections.unmodifiableMap(values);
    }

    public Map<String, String> overrides() {
        return Collections.unmodifiableMap(overrides);
    }

    /** Markdown table of every parameter with its value in this run. */
    public static String[][] table() {
        return TABLE.clone();
    }

    /** One {@code key=value} argument into {@code into}. */
    public static void parseOverride(String arg, Map<String, String> into) {
        int eq = arg.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("expected key=value, got " + arg);
        }
        into.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
}
