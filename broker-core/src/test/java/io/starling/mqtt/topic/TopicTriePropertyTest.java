package io.starling.mqtt.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Property test: over thousands of random filters and names from a small alphabet of levels (so that they collide
 * often), {@link TopicTrie#match} visits exactly the (filter, key) pairs that a naive loop over
 * {@link TopicFilter#matches} finds. Seeded, so a failure is reproducible from the seed in its message.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TopicTriePropertyTest {

    /** Name levels: empty, '$'-prefixed, case and space variants, U+FEFF. */
    private static final String[] NAME_LEVELS = {"", "a", "b", "A", "$SYS", "$x", "a ", "\uFEFFa", "sport"};

    static String randomName(Random random) {
        int depth = 1 + random.nextInt(5);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            if (i > 0) {
                sb.append('/');
            }
            sb.append(NAME_LEVELS[random.nextInt(NAME_LEVELS.length)]);
        }
        // a single empty level would be the empty string [MQTT-4.7.3-1]; draw again
        return sb.isEmpty() ? randomName(random) : sb.toString();
    }

    static TopicFilter randomFilter(Random random) {
        int depth = 1 + random.nextInt(5);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            if (i > 0) {
                sb.append('/');
            }
            boolean last = i == depth - 1;
            int r = random.nextInt(10);
            if (last && r < 2) {
                sb.append('#');
            } else if (r < 5) {
                sb.append('+');
            } else {
                sb.append(NAME_LEVELS[random.nextInt(NAME_LEVELS.length)]);
            }
        }
        return sb.isEmpty() ? randomFilter(random) : TopicFilter.of(sb.toString());
    }

    private record Sub(TopicFilter filter, String key) {}

    @ParameterizedTest(name = "seed {0}")
    @DisplayName("[MQTT-4.7.1-2] [MQTT-4.7.1-3] [MQTT-4.7.2-1] [MQTT-4.7.3-4] trie match equals the naive matcher on random data")
    @ValueSource(longs = {1L, 42L, 0xC0FFEEL, 20_141_029L})
    void trieAgreesWithNaiveMatcher(long seed) {
        Random random = new Random(seed);
        TopicTrie<String, Sub> trie = new TopicTrie<>();
        Map<Sub, Integer> subs = new LinkedHashMap<>();
        for (int i = 0; i < 3_000; i++) {
            Sub sub = new Sub(randomFilter(random), "c" + random.nextInt(5));
            trie.put(sub.filter(), sub.key(), sub);
            subs.put(sub, 1);
        }
        // remove some of them again, so that the comparison also covers a pruned trie
        List<Sub> all = new ArrayList<>(subs.keySet());
        for (int i = 0; i < 1_000; i++) {
            Sub sub = all.get(random.nextInt(all.size()));
            Sub removed = trie.remove(sub.filter(), sub.key());
            assertThat(removed == null).isEqualTo(!subs.containsKey(sub));
            subs.remove(sub);
        }
        assertThat(trie.size()).as("seed %d", seed).isEqualTo(subs.size());

        long totalHits = 0;
        for (int i = 0; i < 5_000; i++) {
            TopicName name = TopicName.of(randomName(random));
            Map<Sub, Integer> expected = new HashMap<>();
            for (Sub sub : subs.keySet()) {
                if (sub.filter().matches(name)) {
                    expected.merge(sub, 1, Integer::sum);
                }
            }
            Map<Sub, Integer> actual = new HashMap<>();
            trie.match(name, (key, sub) -> {
                assertThat(key).isEqualTo(sub.key());
                actual.merge(sub, 1, Integer::sum);
            });
            assertThat(actual).as("seed %d, name \"%s\"", seed, name).isEqualTo(expected);
            totalHits += expected.size();
        }
        assertThat(totalHits).as("the alphabet is small enough that names really match").isGreaterThan(5_000);
    }

    @Test
    @DisplayName("[MQTT-4.7.2-1] random '$' names are never matched through a leading wildcard")
    void systemNamesNeverMatchedByLeadingWildcard() {
        Random random = new Random(7);
        TopicTrie<String, TopicFilter> trie = new TopicTrie<>();
        for (int i = 0; i < 2_000; i++) {
            TopicFilter filter = randomFilter(random);
            trie.put(filter, filter.value(), filter);
        }
        int checked = 0;
        for (int i = 0; i < 5_000; i++) {
            TopicName name = TopicName.of(randomName(random));
            if (!name.isSystemTopic()) {
                continue;
            }
            checked++;
            trie.match(name, (key, filter) -> assertThat(filter.levels().get(0)).isNotIn("+", "#"));
        }
        assertThat(checked).isGreaterThan(500);
    }
}
