package io.starling.mqtt.benchmarks;

import io.starling.mqtt.topic.TopicTrie;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Measures how long building a trie of N subscriptions takes and how much heap it retains, with the workload
 * of {@link TopicMatchBenchmark}. The estimate is heap used after a full GC with the trie, minus heap used after a
 * full GC before it; the trie keeps its own level strings and Integer keys/values, which are counted, and the
 * generator's bookkeeping is dropped before measuring.
 *
 * <p>Run: {@code java -Xmx4g -cp broker-benchmarks/target/benchmarks.jar io.starling.mqtt.benchmarks.TrieFootprint 1000000}
 */
public final class TrieFootprint {
    private TrieFootprint() {}

    public static void main(String[] args) throws InterruptedException {
        int subscriptions = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

        // warm the code paths on a small trie first, so that the timed build is mostly compiled code
        new TopicWorkload(1).fill(new TopicTrie<>(), 20_000, 1_000);

        long before = usedAfterGc(memory);
        long start = System.nanoTime();
        TopicWorkload workload = new TopicWorkload(TopicWorkload.SEED);
        TopicTrie<Integer, Integer> trie = new TopicTrie<>();
        // the same calls as the benchmark's setup, so that this is the same trie; the sample is dropped
        workload.fill(trie, subscriptions, TopicWorkload.SAMPLE_SIZE);
        long buildMillis = (System.nanoTime() - start) / 1_000_000;
        workload.forgetIssued();
        workload = null;
        long after = usedAfterGc(memory);

        long bytes = after - before;
        int nodes = trie.nodeCount();
        System.out.printf("subscriptions: %,d%nnodes:         %,d%nbuild time:    %,d ms%n"
                        + "trie heap:     %,d bytes (%.1f MiB), %.0f bytes per subscription, %.0f bytes per node%n",
                trie.size(), nodes, buildMillis, bytes, bytes / 1024.0 / 1024.0,
                (double) bytes / subscriptions, (double) bytes / nodes);
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
