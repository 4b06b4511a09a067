package io.starling.mqtt.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** put / replace / remove semantics, return values, size and pruning of {@link TopicTrie}. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TopicTrieTest {

    private final TopicTrie<String, Integer> trie = new TopicTrie<>();

    private static TopicFilter f(String filter) {
        return TopicFilter.of(filter);
    }

    private Map<String, List<Integer>> match(String name) {
        Map<String, List<Integer>> hits = new HashMap<>();
        trie.match(TopicName.of(name), (k, v) -> hits.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        return hits;
    }

    @Test
    @DisplayName("an empty trie has no entries, no nodes and matches nothing")
    void emptyTrie() {
        assertThat(trie.size()).isZero();
        assertThat(trie.nodeCount()).isZero();
        assertThat(match("a/b")).isEmpty();
        assertThat(trie.remove(f("a/b"), "c1")).isNull();
        assertThat(trie.nodeCount()).isZero();
    }

    @Test
    @DisplayName("put returns null for a new entry and the previous value when it replaces one")
    void putAndReplace() {
        assertThat(trie.put(f("a/b"), "c1", 1)).isNull();
        assertThat(trie.size()).isEqualTo(1);
        assertThat(trie.nodeCount()).isEqualTo(2);

        assertThat(trie.put(f("a/b"), "c1", 2)).isEqualTo(1);
        assertThat(trie.size()).as("replacing does not grow size").isEqualTo(1);
        assertThat(trie.nodeCount()).isEqualTo(2);
        assertThat(match("a/b")).containsExactly(entry("c1", List.of(2)));

        assertThat(trie.put(f("a/b"), "c1", 2)).as("same value again").isEqualTo(2);
        assertThat(trie.size()).isEqualTo(1);
    }

    @Test
    @DisplayName("the same key under several filters is one entry per filter and is visited once per matching filter")
    void sameKeySeveralFilters() {
        trie.put(f("a/b"), "c1", 0);
        trie.put(f("a/+"), "c1", 1);
        trie.put(f("a/#"), "c1", 2);
        trie.put(f("#"), "c1", 3);
        trie.put(f("x/y"), "c1", 4);
        assertThat(trie.size()).isEqualTo(5);
        assertThat(match("a/b").get("c1")).containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(match("x/y").get("c1")).containsExactlyInAnyOrder(3, 4);
    }

    @Test
    @DisplayName("several keys under one filter share the node and are all visited")
    void severalKeysOneFilter() {
        for (int i = 0; i < 10; i++) {
            assertThat(trie.put(f("a/+/c"), "c" + i, i)).isNull();
        }
        assertThat(trie.size()).isEqualTo(10);
        assertThat(trie.nodeCount()).isEqualTo(3);
        Map<String, List<Integer>> hits = match("a/b/c");
        assertThat(hits).hasSize(10);
        for (int i = 0; i < 10; i++) {
            assertThat(hits.get("c" + i)).containsExactly(i);
        }
    }

    @Test
    @DisplayName("remove returns the removed value, then null; other keys and filters stay")
    void removeReturnValues() {
        trie.put(f("a/b"), "c1", 1);
        trie.put(f("a/b"), "c2", 2);
        trie.put(f("a/+"), "c1", 3);

        assertThat(trie.remove(f("a/b"), "c1")).isEqualTo(1);
        assertThat(trie.remove(f("a/b"), "c1")).as("already removed").isNull();
        assertThat(trie.remove(f("a/b"), "c3")).as("never added key").isNull();
        assertThat(trie.remove(f("a/c"), "c1")).as("never added filter").isNull();
        assertThat(trie.remove(f("a/b/c"), "c1")).as("deeper than any node").isNull();
        assertThat(trie.remove(f("a"), "c1")).as("interior node without subscribers").isNull();
        assertThat(trie.remove(f("a/#"), "c1")).isNull();
        assertThat(trie.size()).isEqualTo(2);

        assertThat(match("a/b")).containsOnly(entry("c2", List.of(2)), entry("c1", List.of(3)));
    }

    @Test
    @DisplayName("removing a leaf prunes empty nodes up to the first node still in use")
    void pruning() {
        trie.put(f("a/b/c/d"), "c1", 1);
        trie.put(f("a/b"), "c2", 2);
        trie.put(f("a/x"), "c3", 3);
        assertThat(trie.nodeCount()).isEqualTo(5); // a, b, c, d, x

        trie.remove(f("a/b/c/d"), "c1");
        assertThat(trie.nodeCount()).as("c and d pruned, b keeps a subscriber").isEqualTo(3);

        trie.remove(f("a/b"), "c2");
        assertThat(trie.nodeCount()).as("b pruned, a keeps child x").isEqualTo(2);

        trie.remove(f("a/x"), "c3");
        assertThat(trie.nodeCount()).isZero();
        assertThat(trie.size()).isZero();
    }

    @Test
    @DisplayName("removing an interior subscription keeps the node while it has children")
    void interiorNodeKeptWhileItHasChildren() {
        trie.put(f("a/b"), "c1", 1);
        trie.put(f("a/b/c"), "c2", 2);
        trie.remove(f("a/b"), "c1");
        assertThat(trie.nodeCount()).isEqualTo(3);
        assertThat(match("a/b/c")).containsOnly(entry("c2", List.of(2)));
        assertThat(match("a/b")).isEmpty();
    }

    @Test
    @DisplayName("a node with one remaining key is not pruned")
    void nodeWithRemainingKeyKept() {
        trie.put(f("a/b"), "c1", 1);
        trie.put(f("a/b"), "c2", 2);
        trie.remove(f("a/b"), "c1");
        assertThat(trie.nodeCount()).isEqualTo(2);
        assertThat(match("a/b")).containsOnly(entry("c2", List.of(2)));
    }

    @Test
    @DisplayName("a subscription can be added again after its nodes were pruned")
    void reAddAfterPrune() {
        trie.put(f("a/+/#"), "c1", 1);
        trie.remove(f("a/+/#"), "c1");
        assertThat(trie.nodeCount()).isZero();
        assertThat(trie.put(f("a/+/#"), "c1", 2)).isNull();
        assertThat(match("a/b/c")).containsOnly(entry("c1", List.of(2)));
    }

    @Test
    @DisplayName("wildcard levels are ordinary nodes: '+' and '#' filters are pruned like any other")
    void wildcardNodesPruned() {
        for (String filter : List.of("#", "+", "+/+", "/+", "/#", "+/#", "$SYS/#", "//", "/")) {
            trie.put(f(filter), "k", 1);
        }
        assertThat(trie.size()).isEqualTo(9);
        for (String filter : List.of("#", "+", "+/+", "/+", "/#", "+/#", "$SYS/#", "//", "/")) {
            assertThat(trie.remove(f(filter), "k")).as(filter).isEqualTo(1);
        }
        assertThat(trie.size()).isZero();
        assertThat(trie.nodeCount()).isZero();
    }

    @Test
    @DisplayName("null filter, key or value is refused without leaving nodes behind")
    void nullsRefused() {
        assertThatThrownBy(() -> trie.put(f("a/b/c"), "c1", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> trie.put(f("a/b/c"), null, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> trie.put(null, "c1", 1)).isInstanceOf(NullPointerException.class);
        assertThat(trie.size()).isZero();
        assertThat(trie.nodeCount()).as("no orphan nodes").isZero();
    }

    @Test
    @DisplayName("after many random adds and removes, removing everything leaves size 0 and no nodes")
    void randomAddRemoveThenEmpty() {
        Random random = new Random(0x5EED_0001L);
        Map<TopicFilter, Set<String>> model = new HashMap<>();
        int modelSize = 0;
        for (int step = 0; step < 20_000; step++) {
            TopicFilter filter = TopicTriePropertyTest.randomFilter(random);
            String key = "c" + random.nextInt(8);
            if (random.nextInt(3) == 0) {
                Integer removed = trie.remove(filter, key);
                boolean present = model.getOrDefault(filter, Set.of()).contains(key);
                assertThat(removed != null).as("remove %s %s", filter, key).isEqualTo(present);
                if (present) {
                    model.get(filter).remove(key);
                    modelSize--;
                }
            } else {
                Integer previous = trie.put(filter, key, step);
                boolean added = model.computeIfAbsent(filter, x -> new HashSet<>()).add(key);
                assertThat(previous == null).as("put %s %s", filter, key).isEqualTo(added);
                if (added) {
                    modelSize++;
                }
            }
            if (step % 1000 == 0) {
                assertThat(trie.size()).isEqualTo(modelSize);
            }
        }
        assertThat(trie.size()).isEqualTo(modelSize);
        assertThat(trie.nodeCount()).isPositive();

        List<Map.Entry<TopicFilter, Set<String>>> entries = new ArrayList<>(model.entrySet());
        java.util.Collections.shuffle(entries, random);
        for (Map.Entry<TopicFilter, Set<String>> e : entries) {
            for (String key : e.getValue()) {
                assertThat(trie.remove(e.getKey(), key)).isNotNull();
            }
        }
        assertThat(trie.size()).isZero();
        assertThat(trie.nodeCount()).isZero();
        assertThat(match("a/b")).isEmpty();
    }

    @Test
    @DisplayName("many subscribers on one filter: replace and remove work across the small-array and map forms")
    void manySubscribersOnOneFilter() {
        TopicTrie<String, Integer> trie = new TopicTrie<>();
        TopicFilter filter = TopicFilter.of("shared/+/t");
        for (int i = 0; i < 40; i++) {
            assertThat(trie.put(filter, "k" + i, i)).isNull();
            assertThat(trie.put(filter, "k" + i, i + 100)).isEqualTo(i);
            Map<String, Integer> seen = new HashMap<>();
            trie.match(TopicName.of("shared/x/t"), seen::put);
            assertThat(seen).hasSize(i + 1).containsEntry("k" + i, i + 100).containsEntry("k0", 100);
        }
        for (int i = 0; i < 40; i++) {
            assertThat(trie.remove(filter, "k" + i)).isEqualTo(i + 100);
            assertThat(trie.remove(filter, "k" + i)).isNull();
            Map<String, Integer> seen = new HashMap<>();
            trie.match(TopicName.of("shared/x/t"), seen::put);
            assertThat(seen).hasSize(39 - i);
        }
        assertThat(trie.size()).isZero();
        assertThat(trie.nodeCount()).isZero();

        // The small form: remove from the middle keeps the others.
        for (int i = 0; i < 5; i++) {
            trie.put(filter, "s" + i, i);
        }
        trie.remove(filter, "s2");
        Map<String, Integer> seen = new HashMap<>();
        trie.match(TopicName.of("shared/y/t"), seen::put);
        assertThat(seen).containsOnly(entry("s0", 0), entry("s1", 1), entry("s3", 3), entry("s4", 4));
    }
}
