package io.starling.mqtt.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The per-thread scratch of {@link TopicTrie#match}: reused, bounded, and safe when a visitor matches again. */
class MatchScratchTest {

    @Test
    @DisplayName("a name matched again reuses its levels; the cache holds at most 1024 names and never a long one")
    void levelsCacheIsBounded() {
        MatchScratch scratch = new MatchScratch();
        String[] first = scratch.levels("sensors/1/temp");
        assertThat(first).containsExactly("sensors", "1", "temp");
        assertThat(scratch.levels(new String("sensors/1/temp"))).isSameAs(first);

        for (int i = 0; i < 5_000; i++) {
            scratch.levels("t/" + i);
            assertThat(scratch.cachedNames()).isLessThanOrEqualTo(MatchScratch.CACHED_NAMES);
        }
        int before = scratch.cachedNames();
        String longName = "x/".repeat(200);
        assertThat(scratch.levels(longName)).hasSize(201).isNotSameAs(scratch.levels(longName));
        assertThat(scratch.cachedNames()).isEqualTo(before);
    }

    @Test
    @DisplayName("after a match no trie node stays referenced from the scratch, and a stack grown by a deep name is not "
            + "kept")
    void releaseForgetsNodesAndLargeStacks() {
        MatchScratch scratch = new MatchScratch();
        scratch.ensure(3);
        scratch.nodes[0] = "node";
        scratch.nodes[4] = "node";
        scratch.release();
        assertThat(scratch.nodes).allMatch(Objects::isNull);

        scratch = new MatchScratch();
        for (int top = 0; top < 4_000; top++) {
            scratch.ensure(top);
        }
        assertThat(scratch.nodes.length).isGreaterThan(MatchScratch.KEPT_STACK);
        scratch.release();
        assertThat(scratch.nodes.length).isLessThanOrEqualTo(MatchScratch.KEPT_STACK);
    }

    @Test
    @DisplayName("a visitor that matches again on the same thread gets its own scratch: both walks give every match")
    void reentrantMatch() {
        TopicTrie<String, Integer> trie = new TopicTrie<>();
        trie.put(TopicFilter.of("a/+"), "plus", 1);
        trie.put(TopicFilter.of("a/b"), "exact", 2);
        trie.put(TopicFilter.of("#"), "all", 3);
        trie.put(TopicFilter.of("c/d/e"), "deep", 4);

        List<String> outer = new ArrayList<>();
        List<String> inner = new ArrayList<>();
        trie.match(TopicName.of("a/b"), (k, v) -> {
            outer.add(k);
            trie.match(TopicName.of("c/d/e"), (k2, v2) -> inner.add(k2));
        });

        assertThat(outer).containsExactlyInAnyOrder("plus", "exact", "all");
        assertThat(inner).hasSize(3 * 2).containsOnly("all", "deep");
        List<String> again = new ArrayList<>();
        trie.match(TopicName.of("a/b"), (k, v) -> again.add(k));
        assertThat(again).containsExactlyInAnyOrder("plus", "exact", "all");
    }

    @Test
    @DisplayName("the shared levels are not changed by matching")
    void sharedLevelsStayIntact() {
        TopicTrie<String, Integer> trie = new TopicTrie<>();
        trie.put(TopicFilter.of("+/x/#"), "k", 1);
        MatchScratch scratch = MatchScratch.acquire();
        String[] levels;
        try {
            levels = scratch.levels("q/x/y");
        } finally {
            scratch.release();
        }
        String[] copy = Arrays.copyOf(levels, levels.length);
        List<String> keys = new ArrayList<>();
        trie.match(TopicName.of("q/x/y"), (k, v) -> keys.add(k));
        assertThat(keys).containsExactly("k");
        assertThat(levels).containsExactly(copy);
    }
}
