package io.starling.mqtt.benchmarks;

import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import io.starling.mqtt.topic.TopicTrie;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A deterministic generator of IoT-like topic filters and names, shared by the benchmarks and
 * {@link TrieFootprint}.
 *
 * <p>Filters have 3 to 6 levels: {@code <domain>/<site>/<device>/<metric>[/<channel>[/<detail>]]}, with 16
 * domains, 2048 sites, 4096 devices and small vocabularies below. About 10% of the filters have one {@code +}
 * (at the first level in a tenth of those cases, elsewhere otherwise), about 5% end with {@code #} after a
 * prefix of 2 to 5 levels; the rest are exact. All filters are distinct.
 */
final class TopicWorkload {
    /** The seed of the benchmarks' workload; {@link TrieFootprint} uses it too, to measure the same trie. */
    static final long SEED = 0x5717_11A6L;
    /** How many exact filters {@link #fill} samples for building names; it also shapes the random stream. */
    static final int SAMPLE_SIZE = 1 << 16;
    static final double PLUS_SHARE = 0.10;
    static final double HASH_SHARE = 0.05;

    private static final String[] DOMAINS = {"sensors", "devices", "factory", "home", "fleet", "grid", "building",
        "farm", "retail", "hospital", "city", "warehouse", "lab", "telemetry", "alerts", "cmd"};
    private static final String[] METRICS = {"temperature", "humidity", "pressure", "status", "battery", "rssi",
        "power", "voltage", "current", "state", "config", "firmware", "alarm", "level", "flow", "speed", "position",
        "door", "light", "motion", "co2", "noise", "energy", "uptime"};
    private static final String[] DETAILS = {"value", "unit", "min", "max", "avg", "raw", "set", "get"};

    private final SplittableRandom random;
    private final Set<String> issued = new HashSet<>();

    TopicWorkload(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** A level at position {@code i}, drawn from that position's vocabulary. */
    private String level(int i) {
        return switch (i) {
            case 0 -> DOMAINS[random.nextInt(DOMAINS.length)];
            case 1 -> "site-" + random.nextInt(2048);
            case 2 -> "dev-" + random.nextInt(4096);
            case 3 -> METRICS[random.nextInt(METRICS.length)];
            case 4 -> "ch-" + random.nextInt(16);
            default -> DETAILS[random.nextInt(DETAILS.length)];
        };
    }

    private String[] randomLevels() {
        String[] levels = new String[3 + random.nextInt(4)];
        for (int i = 0; i < levels.length; i++) {
            levels[i] = level(i);
        }
        return levels;
    }

    /** A filter string not issued before by this generator. */
    String nextFilter() {
        while (true) {
            String[] levels = randomLevels();
            double r = random.nextDouble();
            String filter;
            if (r < HASH_SHARE) {
                // prefix of 2..depth-1 levels, then '#'
                int prefix = 2 + random.nextInt(levels.length - 2);
                filter = String.join("/", java.util.Arrays.copyOf(levels, prefix)) + "/#";
            } else if (r < HASH_SHARE + PLUS_SHARE) {
                int at = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(levels.length - 1);
                levels[at] = "+";
                filter = String.join("/", levels);
            } else {
                filter = String.join("/", levels);
            }
            if (issued.add(filter)) {
                return filter;
            }
        }
    }

    /** A topic name with the same shape as the filters, without wildcards. */
    String nextName() {
        return String.join("/", randomLevels());
    }

    /** Forgets which filters were issued, to free the memory; later filters may then repeat earlier ones. */
    void forgetIssued() {
        issued.clear();
    }

    /**
     * Fills {@code trie} with {@code count} distinct filters, subscriber key {@code i} and value (QoS) {@code i % 3}.
     * Returns up to {@code sampleSize} of the exact filters, a uniform sample, for building names that hit.
     */
    List<String> fill(TopicTrie<Integer, Integer> trie, int count, int sampleSize) {
        List<String> exactSample = new ArrayList<>(sampleSize);
        int exactSeen = 0;
        for (int i = 0; i < count; i++) {
            String filter = nextFilter();
            TopicFilter topicFilter = TopicFilter.of(filter);
            trie.put(topicFilter, i, i % 3);
            if (!topicFilter.hasWildcard()) {
                // reservoir sampling over the exact filters
                exactSeen++;
                if (exactSample.size() < sampleSize) {
                    exactSample.add(filter);
                } else {
                    int j = random.nextInt(exactSeen);
                    if (j < sampleSize) {
                        exactSample.set(j, filter);
                    }
                }
            }
        }
        return exactSample;
    }

    /**
     * Names to publish to: half are subscribed exact filters (so they hit that subscription and possibly
     * wildcards), half are fresh names of the same shape (mostly hit only wildcard filters, or nothing).
     */
    TopicName[] names(List<String> exactSample, int count) {
        TopicName[] names = new TopicName[count];
        for (int i = 0; i < count; i++) {
            String name = !exactSample.isEmpty() && random.nextBoolean()
                    ? exactSample.get(random.nextInt(exactSample.size()))
                    : nextName();
            names[i] = TopicName.of(name);
        }
        return names;
    }
}
