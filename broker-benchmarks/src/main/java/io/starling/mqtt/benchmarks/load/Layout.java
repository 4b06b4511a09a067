package io.starling.mqtt.benchmarks.load;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/** The connections of one message scenario: who subscribes to what, who publishes where and how fast. */
record Layout(List<ClientSpec> subscribers, List<ClientSpec> publishers) {
    static final int KEEP_ALIVE = 60;
    private static final long SEED = 0x5EED_3L;
    static final int MIN_QOS0_WINDOW = 32;

    static Layout of(Scenario scenario, Params p) {
        int qos = scenario.qos(p);
        int payload = p.i("payload");
        int window = p.i("window");
        int deliveries = p.i("qos0.window");
        List<ClientSpec> subs = new ArrayList<>();
        List<ClientSpec> pubs = new ArrayList<>();
        switch (scenario) {
            case P2P_QOS0, P2P_QOS1, P2P_QOS1_WS, P2P_QOS2, LATENCY, P2P_QOS1_PERSISTENT, LATENCY_PERSISTENT -> {
                int pairs = p.i(scenario.latency() ? "latency.pairs" : "p2p.pairs");
                double rate = scenario.latency() ? p.d(scenario.rateKey()) / pairs : 0;
                boolean clean = !scenario.persistentSubscribers();
                for (int i = 0; i < pairs; i++) {
                    String topic = "bench/p2p/" + i;
                    subs.add(new ClientSpec("ls" + i, KEEP_ALIVE, topic, qos, null, clean));
                    pubs.add(publisher(i, qos, new String[] {topic}, new int[] {1}, payload, window, rate, deliveries));
                }
            }
            case FANOUT_QOS0, FANOUT_QOS1 -> {
                int n = p.i("fanout.subscribers");
                for (int i = 0; i < n; i++) {
                    subs.add(subscriber(i, "bench/fanout", qos));
                }
                pubs.add(publisher(0, qos, new String[] {"bench/fanout"}, new int[] {n}, payload, window, 0,
                        deliveries));
            }
            case FANIN_QOS1 -> {
                subs.add(subscriber(0, "bench/fanin/#", qos));
                int n = p.i("fanin.publishers");
                for (int i = 0; i < n; i++) {
                    pubs.add(publisher(i, qos, new String[] {"bench/fanin/" + i}, new int[] {1}, payload, window,
                            p.d("fanin.rate"), deliveries));
                }
            }
            case WILDCARD -> {
                List<String> filters = wildcardFilters(p.i("wildcard.subscribers"));
                for (int i = 0; i < filters.size(); i++) {
                    subs.add(subscriber(i, filters.get(i), qos));
                }
                String[] topics = wildcardTopics(filters.size(), p.i("wildcard.topics"));
                int[] matches = matchCounts(topics, new HashSet<>(filters));
                int n = p.i("wildcard.publishers");
                for (int i = 0; i < n; i++) {
                    pubs.add(publisher(i, qos, topics, matches, payload, window, 0, p.i("wildcard.qos0.window")));
                }
            }
            case CONNECTIONS -> throw new IllegalArgumentException("the connections scenario has no layout");
        }
        return new Layout(List.copyOf(subs), List.copyOf(pubs));
    }

    int publisherCount() {
        return publishers.size();
    }

    private static ClientSpec subscriber(int i, String filter, int qos) {
        return new ClientSpec("ls" + i, KEEP_ALIVE, filter, qos, null);
    }

    /**
     * A publisher; {@code deliveries} (parameter {@code qos0.window}) bounds the deliveries a QoS 0 publisher at full
     * speed may have under way: its window in messages is that divided by the mean number of subscriptions its
     * messages match, and at least {@link #MIN_QOS0_WINDOW}.
     */
    private static ClientSpec publisher(int i, int qos, String[] topics, int[] matches, int payload, int window,
            double rate, int deliveries) {
        byte[][] bytes = new byte[topics.length][];
        double sum = 0;
        for (int t = 0; t < topics.length; t++) {
            bytes[t] = Wire.utf8(topics[t]);
            sum += matches[t];
        }
        double fanout = Math.max(1, sum / topics.length);
        int qos0Window = deliveries <= 0 ? 0 : (int) Math.max(MIN_QOS0_WINDOW, Math.round(deliveries / fanout));
        return new ClientSpec("lp" + i, KEEP_ALIVE, null, 0,
                new ClientSpec.PublisherSpec(i, qos, bytes, matches, payload, window, rate, SEED + i, qos0Window));
    }

    /** Side of the grid each filter kind covers: 3 kinds, about n/3 filters each. */
    static int side(int n) {
        return (int) Math.ceil(Math.sqrt(Math.ceil(n / 3.0)));
    }

    /**
     * {@code n} distinct filters over topics {@code bench/w/X/Y/Z}, in three kinds taken in turn:
     * {@code bench/w/X/+/Z}, {@code bench/w/X/Y/#} and {@code bench/w/+/Y/Z}.
     */
    static List<String> wildcardFilters(int n) {
        int side = side(n);
        List<String> filters = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int j = i / 3;
            int a = j % side;
            int b = j / side;
            filters.add(switch (i % 3) {
                case 0 -> "bench/w/" + a + "/+/" + b;
                case 1 -> "bench/w/" + a + "/" + b + "/#";
                default -> "bench/w/+/" + a + "/" + b;
            });
        }
        return filters;
    }

    /** {@code count} topics {@code bench/w/X/Y/Z} with X, Y, Z drawn from the filters' grid, fixed seed. */
    static String[] wildcardTopics(int filters, int count) {
        int side = side(filters);
        SplittableRandom random = new SplittableRandom(SEED);
        String[] topics = new String[count];
        for (int i = 0; i < count; i++) {
            topics[i] = "bench/w/" + random.nextInt(side) + "/" + random.nextInt(side) + "/" + random.nextInt(side);
        }
        return topics;
    }

    /** For each topic, how many of {@code filters} match it: every filter that could match is looked up. */
    static int[] matchCounts(String[] topics, Set<String> filters) {
        int[] counts = new int[topics.length];
        for (int t = 0; t < topics.length; t++) {
            String[] levels = topics[t].split("/", -1);
            int n = levels.length;
            int count = 0;
            for (int k = 0; k <= n; k++) { // filters ending in '#' after k levels
                count += countMasks(levels, k, "/#", filters, k == 0 ? "#" : null);
            }
            count += countMasks(levels, n, "", filters, null);
            counts[t] = count;
        }
        return counts;
    }

    private static int countMasks(String[] levels, int k, String suffix, Set<String> filters, String whenEmpty) {
        if (k == 0) {
            return whenEmpty != null && filters.contains(whenEmpty) ? 1 : 0;
        }
        int count = 0;
        StringBuilder sb = new StringBuilder();
        for (int mask = 0; mask < (1 << k); mask++) {
            sb.setLength(0);
            for (int l = 0; l < k; l++) {
                if (l > 0) {
                    sb.append('/');
                }
                sb.append((mask & (1 << l)) != 0 ? "+" : levels[l]);
            }
            sb.append(suffix);
            if (filters.contains(sb.toString())) {
                count++;
            }
        }
        return count;
    }
}
