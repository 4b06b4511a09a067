package io.starling.mqtt.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayoutTest {

    @Test
    void wildcardFiltersAreDistinctAndMixPlusAndHash() {
        List<String> filters = Layout.wildcardFilters(10_000);
        assertThat(new HashSet<>(filters)).hasSize(10_000);
        assertThat(filters).anyMatch(f -> f.contains("+")).anyMatch(f -> f.endsWith("/#"));
    }

    @Test
    void matchCountsAgreeWithAFilterByFilterMatcher() {
        List<String> filters = Layout.wildcardFilters(3_000);
        String[] topics = Layout.wildcardTopics(3_000, 200);
        int[] counts = Layout.matchCounts(topics, new HashSet<>(filters));
        for (int t = 0; t < topics.length; t++) {
            String topic = topics[t];
            long naive = filters.stream().filter(f -> matches(f, topic)).count();
            assertThat(counts[t]).as(topic).isEqualTo((int) naive);
        }
    }

    @Test
    void everyScenarioButConnectionsHasPublishersAndSubscribers() {
        Params p = Params.of("smoke", Map.of());
        for (Scenario s : Scenario.values()) {
            if (s.carriesMessages()) {
                Layout l = Layout.of(s, p);
                assertThat(l.publishers()).as(s.id()).isNotEmpty();
                assertThat(l.subscribers()).as(s.id()).isNotEmpty();
            }
        }
    }

    private static boolean matches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length || !f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }
}
