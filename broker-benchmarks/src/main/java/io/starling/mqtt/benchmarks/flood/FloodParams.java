package io.starling.mqtt.benchmarks.flood;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parameters of the flood scenario ({@code flood.*} keys): per-mode defaults, overridden by {@code key=value} on
 * the command line. Kept apart from the load generator's {@code Params} because the flood runs its own client
 * set-up and timing, not the generator's.
 */
public final class FloodParams {
    /** The largest remaining length MQTT 3.1.1 can express (four length bytes), about 256 MB. */
    public static final int MQTT_MAX_REMAINING_LENGTH = 268_435_455;
    /** Below the open-files hard limit of 20,000 here, with room for the generator's own files. */
    static final int MAX_ATTEMPTS = 18_000;

    /** key, then the default in full, quick and smoke mode, then what it means. */
    private static final String[][] TABLE = {
        {"flood.attempts", "2000", "2000", "200", "hostile TCP connection attempts, issued as fast as `flood.pending` allows"},
        {"flood.mix", "idle=1,partial=1,connect=1,bare=1", "idle=1,partial=1,connect=1,bare=1",
            "idle=1,partial=1,connect=1,bare=1", "weights of the attempt kinds, interleaved: idle (TCP only, never a CONNECT: slowloris), partial (7 bytes of a CONNECT, then nothing), connect (a valid CONNECT, DISCONNECT after the CONNACK), bare (open and close at once)"},
        {"flood.pending", "500", "500", "100", "attempts between connect() and its outcome at most"},
        {"flood.connect.timeout", "5", "5", "2", "an attempt whose TCP handshake takes longer counts as timed out, s"},
        {"flood.rate", "50", "50", "50", "the well-behaved client's QoS 1 publishes to itself per second"},
        {"flood.warmup", "2", "1", "0.5", "the well-behaved client publishes this long before the baseline window, s"},
        {"flood.baseline", "5", "5", "1", "baseline window before the attack, s"},
        {"flood.attack", "15", "14", "3", "attack window: attempts, held connections and the big packet, s (in full and quick mode long enough for a 10 s connect timeout, Starling's default, to reap the held connections of a burst of a few seconds)"},
        {"flood.drain", "3", "3", "2", "longest wait for the well-behaved client's last messages after the attack, s"},
        {"flood.big.length", Integer.toString(MQTT_MAX_REMAINING_LENGTH), Integer.toString(MQTT_MAX_REMAINING_LENGTH),
            Integer.toString(MQTT_MAX_REMAINING_LENGTH), "remaining length the big client's PUBLISH header declares, bytes (the body is random bytes)"},
        {"flood.big.trickle", "1", "1", "0.5", "after the header the big client sends 1 KiB every 10 ms this long, then the rest of the declared body as fast as the broker reads it, s"},
        {"flood.threshold.ms", "100", "100", "100", "pass: the median round trip under attack stays below this, ms"},
        {"flood.threads", "2", "2", "1", "event loops of the attackers (the well-behaved client has its own)"},
    };

    private final Map<String, String> values;
    private final Map<String, String> overrides;

    private FloodParams(Map<String, String> values, Map<String, String> overrides) {
        this.values = values;
        this.overrides = overrides;
    }

    /** Defaults of {@code mode} (full, quick or smoke) with {@code overrides} (flood.* keys only) applied. */
    public static FloodParams of(String mode, Map<String, String> overrides) {
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
        FloodParams p = new FloodParams(values, new LinkedHashMap<>(overrides));
        p.validate();
        return p;
    }

    /** Whether {@code key} belongs here rather than to the load generator's parameters. */
    public static boolean owns(String key) {
        return key.startsWith("flood.");
    }

    private void validate() {
        int attempts = i("flood.attempts");
        if (attempts < 0 || attempts > MAX_ATTEMPTS) {
            throw new IllegalArgumentException("flood.attempts must be 0.." + MAX_ATTEMPTS
                    + " (the open-files limit here is 20,000 per process): " + attempts);
        }
        long big = Long.parseLong(get("flood.big.length"));
        if (big < 1 || big > MQTT_MAX_REMAINING_LENGTH) {
            throw new IllegalArgumentException("flood.big.length must be 1.." + MQTT_MAX_REMAINING_LENGTH + ": " + big);
        }
        if (d("flood.rate") <= 0 || i("flood.pending") < 1 || i("flood.threads") < 1) {
            throw new IllegalArgumentException("flood.rate, flood.pending and flood.threads must be positive");
        }
        AttackMix.parse(get("flood.mix"));
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

    public Map<String, String> overrides() {
        return Collections.unmodifiableMap(overrides);
    }

    /** Every parameter: key, full, quick and smoke default, meaning. */
    public static String[][] table() {
        return TABLE.clone();
    }
}
