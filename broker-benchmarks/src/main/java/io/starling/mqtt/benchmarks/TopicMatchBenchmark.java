package io.starling.mqtt.benchmarks;

import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import io.starling.mqtt.topic.TopicTrie;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link TopicTrie#match} and subscribe/unsubscribe churn on tries of 1,000 to 1,000,000 subscriptions over
 * distinct IoT-like filters of 3 to 6 levels (about 10% with {@code +}, 5% with {@code #}; see
 * {@link TopicWorkload}).
 *
 * <p>Run: {@code java -jar broker-benchmarks/target/benchmarks.jar TopicMatchBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class TopicMatchBenchmark {
    private static final int NAMES = 1 << 16;
    private static final int CHURN_FILTERS = 1 << 12;
    /** Subscriber key of the churn benchmark; the trie's own keys are 0..n-1. */
    private static final Integer CHURN_KEY = -1;

    @Param({"1000", "100000", "1000000"})
    public int subscriptions;

    private TopicTrie<Integer, Integer> trie;
    private TopicName[] names;
    private TopicFilter[] churnFilters;

    /** Per-thread cursor and match counter, so that the benchmark also runs with {@code -t N}. */
    @State(Scope.Thread)
    public static class Cursor implements BiConsumer<Integer, Integer> {
        int index;
        int matches;

        @Override
        public void accept(Integer key, Integer qos) {
            matches++;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        long start = System.nanoTime();
        TopicWorkload workload = new TopicWorkload(TopicWorkload.SEED);
        trie = new TopicTrie<>();
        List<String> exactSample = workload.fill(trie, subscriptions, TopicWorkload.SAMPLE_SIZE);
        long built = System.nanoTime();

        names = workload.names(exactSample, NAMES);
        // churn on filters that are not subscribed yet, so put creates nodes and remove prunes them
        churnFilters = new TopicFilter[CHURN_FILTERS];
        for (int i = 0; i < CHURN_FILTERS; i++) {
            churnFilters[i] = TopicFilter.of(workload.nextFilter());
        }
        workload.forgetIssued();

        Cursor probe = new Cursor();
        for (TopicName name : names) {
            trie.match(name, probe);
        }
        System.out.printf("%n[setup] %,d subscriptions, %,d nodes, trie built in %,d ms; "
                        + "%.2f matches per name over %,d names%n",
                trie.size(), trie.nodeCount(), (built - start) / 1_000_000,
                (double) probe.matches / NAMES, NAMES);
    }

    /** One publish: find every subscription whose filter matches the next name. */
    @Benchmark
    public void match(Cursor cursor, Blackhole blackhole) {
        TopicName name = names[cursor.index++ & (NAMES - 1)];
        cursor.matches = 0;
        trie.match(name, cursor);
        blackhole.consume(cursor.matches);
    }

    /** One subscribe followed by one unsubscribe of a filter not in the trie (creates, then prunes, nodes). */
    @Benchmark
    public Integer subscribeUnsubscribe(Cursor cursor) {
        TopicFilter filter = churnFilters[cursor.index++ & (CHURN_FILTERS - 1)];
        trie.put(filter, CHURN_KEY, 1);
        return trie.remove(filter, CHURN_KEY);
    }
}
