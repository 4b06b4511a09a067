package io.starling.mqtt.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The longest legal topics have 65536 levels ({@code "/"} repeated 65535 times). Subscribing to such a filter and
 * publishing to such a name must not overflow the stack of the matching thread (an event loop in the broker).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TopicTrieDeepTopicTest {

    private static final String DEEPEST = "/".repeat(65_535);

    @Test
    @DisplayName("[MQTT-4.7.3-3] a 65535-byte name of 65536 empty levels is matched without stack overflow")
    void deepestTopicMatched() {
        TopicName name = TopicName.of(DEEPEST);
        assertThat(name.utf8()).hasSize(65_535);
        TopicTrie<String, Integer> trie = new TopicTrie<>();
        trie.put(TopicFilter.of(DEEPEST), "exact", 1);
        trie.put(TopicFilter.of("/".repeat(65_533) + "/#"), "hash", 2);
        trie.put(TopicFilter.of("+" + "/+".repeat(32_767)), "plus", 3); // 32768 levels: no match

        List<String> keys = new ArrayList<>();
        trie.match(name, (k, v) -> keys.add(k));
        assertThat(keys).containsExactlyInAnyOrder("exact", "hash");

        assertThat(trie.remove(TopicFilter.of(DEEPEST), "exact")).isEqualTo(1);
        assertThat(trie.remove(TopicFilter.of("/".repeat(65_533) + "/#"), "hash")).isEqualTo(2);
        assertThat(trie.remove(TopicFilter.of("+" + "/+".repeat(32_767)), "plus")).isEqualTo(3);
        assertThat(trie.size()).isZero();
        assertThat(trie.nodeCount()).isZero();
    }

    @Test
    @DisplayName("[MQTT-4.7.3-3] a deep filter of '+' levels matches a deep name of the same depth")
    void deepPlusFilterMatched() {
        String filter = "+" + "/+".repeat(32_767); // 65535 bytes, 32768 levels
        String topic = "a" + "/a".repeat(32_767);
        TopicTrie<String, Integer> trie = new TopicTrie<>();
        trie.put(TopicFilter.of(filter), "plus", 1);
        trie.put(TopicFilter.of(topic), "exact", 2);
        List<String> keys = new ArrayList<>();
        trie.match(TopicName.of(topic), (k, v) -> keys.add(k));
        assertThat(keys).containsExactlyInAnyOrder("plus", "exact");
        assertThat(trie.nodeCount()).isEqualTo(2 * 32_768);
    }
}
