package io.starling.mqtt.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Readers match without locks while writers add and remove (and so prune) on overlapping paths. Subscriptions
 * added before the start and never removed must be visited by every match. Bounded by iterations and by a deadline.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TopicTrieConcurrencyTest {

    private static final int READERS = 2;
    private static final int WRITERS = 2;
    private static final int READER_ITERATIONS = 30_000;
    private static final int WRITER_ITERATIONS = 30_000;
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(15);

    private final ExecutorService pool = Executors.newFixedThreadPool(READERS + WRITERS);

    @AfterEach
    void shutdown() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private record Stable(TopicFilter filter, String key) {}

    @Test
    @DisplayName("matching while others add and remove: no exception, never-removed subscriptions always matched")
    void concurrentMatchAddRemove() throws Exception {
        TopicTrie<String, Integer> trie = new TopicTrie<>();
        Random setup = new Random(2024);
        List<Stable> stable = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; stable.size() < 300; i++) {
            TopicFilter filter = TopicTriePropertyTest.randomFilter(setup);
            if (seen.add(filter.value())) {
                Stable s = new Stable(filter, "stable-" + stable.size());
                stable.add(s);
                assertThat(trie.put(s.filter(), s.key(), -1)).isNull();
            }
        }
        // Names and the stable keys each must match, computed up front with the reference matcher.
        List<TopicName> names = new ArrayList<>();
        List<Set<String>> expected = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            TopicName name = TopicName.of(TopicTriePropertyTest.randomName(setup));
            Set<String> keys = new HashSet<>();
            for (Stable s : stable) {
                if (s.filter().matches(name)) {
                    keys.add(s.key());
                }
            }
            names.add(name);
            expected.add(keys);
        }
        assertThat(expected.stream().mapToInt(Set::size).sum()).as("names hit stable filters").isGreaterThan(500);

        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        List<Future<Integer>> readers = new ArrayList<>();
        List<Future<Integer>> writers = new ArrayList<>();

        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            writers.add(pool.submit(() -> {
                Random random = new Random(100 + writer);
                List<TopicFilter> mine = new ArrayList<>();
                start.await();
                int ops = 0;
                for (; ops < WRITER_ITERATIONS && !stop.get() && System.nanoTime() < deadline; ops++) {
                    if (mine.isEmpty() || random.nextInt(100) < 55) {
                        TopicFilter filter = TopicTriePropertyTest.randomFilter(random);
                        // a writer's key is unique to it, so its put/remove return values are deterministic
                        if (trie.put(filter, "churn-" + writer, ops) == null) {
                            mine.add(filter);
                        }
                    } else {
                        TopicFilter filter = mine.remove(random.nextInt(mine.size()));
                        assertThat(trie.remove(filter, "churn-" + writer)).isNotNull();
                    }
                }
                for (TopicFilter filter : mine) {
                    assertThat(trie.remove(filter, "churn-" + writer)).isNotNull();
                }
                return ops;
            }));
        }
        for (int r = 0; r < READERS; r++) {
            int reader = r;
            readers.add(pool.submit(() -> {
                Random random = new Random(200 + reader);
                start.await();
                int ops = 0;
                for (; ops < READER_ITERATIONS && !stop.get() && System.nanoTime() < deadline; ops++) {
                    int i = random.nextInt(names.size());
                    TopicName name = names.get(i);
                    Set<String> stableHits = new HashSet<>();
                    trie.match(name, (key, value) -> {
                        if (key.startsWith("stable-")) {
                            assertThat(stableHits.add(key)).as("stable key visited once: %s", key).isTrue();
                        }
                    });
                    assertThat(stableHits).as("stable matches of %s", name).isEqualTo(expected.get(i));
                }
                return ops;
            }));
        }

        start.countDown();
        int readOps = 0;
        int writeOps = 0;
        try {
            for (Future<Integer> f : writers) {
                writeOps += f.get(30, TimeUnit.SECONDS);
            }
            for (Future<Integer> f : readers) {
                readOps += f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            stop.set(true);
        }
        assertThat(readOps).isPositive();
        assertThat(writeOps).isPositive();

        // every churn subscription was removed again: only the stable ones are left
        assertThat(trie.size()).isEqualTo(stable.size());
        for (Stable s : stable) {
            assertThat(trie.remove(s.filter(), s.key())).isEqualTo(-1);
        }
        assertThat(trie.size()).isZero();
        assertThat(trie.nodeCount()).isZero();
    }
}
