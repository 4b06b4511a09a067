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
