package io.starling.mqtt.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Matching semantics of section 4.7, checked twice for every row: with the reference {@link TopicFilter#matches}
 * and with {@link TopicTrie#match} on a trie holding only that filter.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TopicMatchingTest {

    /** Asserts that both matchers agree with {@code expected} for one filter and one name. */
    static void assertMatch(String filter, String name, boolean expected) {
        TopicFilter f = TopicFilter.of(filter);
        TopicName n = TopicName.of(name);
        assertThat(f.matches(n)).as("TopicFilter(%s).matches(%s)", filter, name).isEqualTo(expected);

        TopicTrie<String, String> trie = new TopicTrie<>();
        trie.put(f, "k", filter);
        List<String> hits = new ArrayList<>();
        trie.match(n, (k, v) -> hits.add(v));
        assertThat(hits).as("trie with %s matching %s", filter, name)
                .isEqualTo(expected ? List.of(filter) : List.of());
    }

    static Stream<Arguments> multiLevel() {
        return Stream.of(
                Arguments.of("sport/tennis/player1/#", "sport/tennis/player1", true),
                Arguments.of("sport/tennis/player1/#", "sport/tennis/player1/ranking", true),
                Arguments.of("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true),
                Arguments.of("sport/tennis/player1/#", "sport/tennis/player2", false),
                Arguments.of("sport/tennis/player1/#", "sport/tennis", false),
                Arguments.of("sport/#", "sport", true),
                Arguments.of("sport/#", "sport/", true),
                Arguments.of("sport/#", "sport/a/b", true),
                Arguments.of("sport/#", "sports", false),
                Arguments.of("sport/#", "/sport", false),
                Arguments.of("#", "sport", true),
                Arguments.of("#", "/", true),
                Arguments.of("#", "a/b/c/d/e", true),
                Arguments.of("#", "/finance", true),
                Arguments.of("/#", "/finance", true),
                Arguments.of("/#", "/", true),
                Arguments.of("/#", "finance", false),
                Arguments.of("+/tennis/#", "sport/tennis", true),
                Arguments.of("+/tennis/#", "sport/tennis/player1/score", true),
                Arguments.of("+/tennis/#", "sport/golf/player1", false));
    }

    @ParameterizedTest(name = "\"{0}\" matches \"{1}\": {2}")
    @DisplayName("[MQTT-4.7.1-2] '#' matches the parent and any number of child levels")
    @MethodSource("multiLevel")
    void multiLevelWildcard(String filter, String name, boolean expected) {
        assertMatch(filter, name, expected);
    }

    static Stream<Arguments> singleLevel() {
        return Stream.of(
                Arguments.of("sport/tennis/+", "sport/tennis/player1", true),
                Arguments.of("sport/tennis/+", "sport/tennis/player2", true),
                Arguments.of("sport/tennis/+", "sport/tennis/player1/ranking", false),
                Arguments.of("sport/+", "sport", false),
                Arguments.of("sport/+", "sport/", true),
                Arguments.of("sport/+", "sport/a/b", false),
                Arguments.of("+", "sport", true),
                Arguments.of("+", "/finance", false),
                Arguments.of("+", "/", false),
                Arguments.of("+/+", "/finance", true),
                Arguments.of("+/+", "/", true),
                Arguments.of("+/+", "finance", false),
                Arguments.of("/+", "/finance", true),
                Arguments.of("/+", "/", true),
                Arguments.of("/+", "finance", false),
                Arguments.of("+/+", "a/b/c", false),
                Arguments.of("a/+/c", "a/b/c", true),
                Arguments.of("a/+/c", "a//c", true),
                Arguments.of("a/+/c", "a/c", false),
                Arguments.of("a/+/c", "a/b/c/d", false),
                Arguments.of("+/+/#", "a", false),
                Arguments.of("+/+/#", "a/b", true),
                Arguments.of("+/+/#", "a/b/c/d", true),
                Arguments.of("+/#", "a", true));
    }

    @ParameterizedTest(name = "\"{0}\" matches \"{1}\": {2}")
    @DisplayName("[MQTT-4.7.1-3] '+' matches exactly one level, possibly empty")
    @MethodSource("singleLevel")
    void singleLevelWildcard(String filter, String name, boolean expected) {
        assertMatch(filter, name, expected);
    }

    static Stream<Arguments> systemTopics() {
        return Stream.of(
                Arguments.of("#", "$SYS/monitor/Clients", false),
                Arguments.of("+/monitor/Clients", "$SYS/monitor/Clients", false),
                Arguments.of("+/#", "$SYS/monitor/Clients", false),
                Arguments.of("+", "$SYS", false),
                Arguments.of("#", "$", false),
                Arguments.of("+/+/+", "$SYS/monitor/Clients", false),
                Arguments.of("$SYS/#", "$SYS/monitor/Clients", true),
                Arguments.of("$SYS/#", "$SYS", true),
                Arguments.of("$SYS/monitor/+", "$SYS/monitor/Clients", true),
                Arguments.of("$SYS/+/Clients", "$SYS/monitor/Clients", true),
                Arguments.of("$SYS/monitor/Clients", "$SYS/monitor/Clients", true),
                Arguments.of("$SYS/+", "$SYS/monitor/Clients", false),
                Arguments.of("$share/#", "$SYS/a", false),
                // only a leading '$' makes a system topic
                Arguments.of("#", "a/$SYS", true),
                Arguments.of("+/$SYS", "a/$SYS", true),
                Arguments.of("+/+", "/$SYS", true),
                Arguments.of("#", "\uFEFF$SYS", true));
    }

    @ParameterizedTest(name = "\"{0}\" matches \"{1}\": {2}")
    @DisplayName("[MQTT-4.7.2-1] filters starting with a wildcard do not match names starting with '$'")
    @MethodSource("systemTopics")
    void systemTopicsNotMatchedByLeadingWildcard(String filter, String name, boolean expected) {
        assertMatch(filter, name, expected);
    }

    static Stream<Arguments> exactComparison() {
        return Stream.of(
                Arguments.of("ACCOUNTS", "ACCOUNTS", true),
                Arguments.of("ACCOUNTS", "Accounts", false),
                Arguments.of("Accounts", "ACCOUNTS", false),
                Arguments.of("accounts/+", "Accounts/x", false),
                Arguments.of("caf\u00e9", "caf\u00e9", true),
                Arguments.of("caf\u00e9", "cafe\u0301", false), // precomposed C3 A9 vs decomposed 65 CC 81
                Arguments.of("cafe\u0301", "caf\u00e9", false),
                Arguments.of("cafe\u0301", "cafe\u0301", true),
                Arguments.of("/finance", "finance", false),
                Arguments.of("finance", "/finance", false),
                Arguments.of("finance/", "finance", false),
                Arguments.of("finance", "finance/", false),
                Arguments.of("finance", "finance ", false),
                Arguments.of("finance ", "finance", false),
                Arguments.of(" finance", "finance", false),
                Arguments.of("finance ", "finance ", true),
                Arguments.of("a/ /b", "a/ /b", true),
                Arguments.of("a/ /b", "a//b", false),
                Arguments.of("a//b", "a/b", false),
                Arguments.of("\uFF21", "A", false), // fullwidth A vs A
                Arguments.of("\u212B", "\u00C5", false), // angstrom sign vs A with ring
                Arguments.of("stra\u00dfe", "strasse", false));
    }

    @ParameterizedTest(name = "\"{0}\" matches \"{1}\": {2}")
    @DisplayName("[MQTT-4.7.3-4] exact comparison: no normalisation, no case folding, '/' and spaces count")
    @MethodSource("exactComparison")
    void exactComparisonWithoutNormalisation(String filter, String name, boolean expected) {
        assertMatch(filter, name, expected);
    }

    static Stream<Arguments> byteOrderMark() {
        return Stream.of(
                Arguments.of("\uFEFFa", "\uFEFFa", true),
                Arguments.of("a", "\uFEFFa", false),
                Arguments.of("\uFEFFa", "a", false),
                Arguments.of("a/\uFEFF", "a/\uFEFF", true),
                Arguments.of("a/+", "a/\uFEFF", true),
                Arguments.of("a/\uFEFF", "a/", false),
                Arguments.of("+", "\uFEFFa", true));
    }

    @ParameterizedTest(name = "\"{0}\" matches \"{1}\": {2}")
    @DisplayName("[MQTT-1.5.3-3] U+FEFF is an ordinary character: kept and compared, never stripped")
    @MethodSource("byteOrderMark")
    void byteOrderMarkKept(String filter, String name, boolean expected) {
        assertMatch(filter, name, expected);
    }

    @Test
    @DisplayName("[MQTT-1.5.3-3] U+FEFF survives in the name's value and UTF-8 bytes")
    void byteOrderMarkInBytes() {
        TopicName name = TopicName.of("\uFEFFa");
        assertThat(name.value()).isEqualTo("\uFEFFa").hasSize(2);
        assertThat(name.utf8()).containsExactly(0xEF, 0xBB, 0xBF, 0x61);
        assertThat(TopicFilter.of("\uFEFFa").levels()).containsExactly("\uFEFFa");
    }

    @Test
    @DisplayName("[MQTT-4.7.3-4] all look-alike names are distinct topics in one trie")
    void lookAlikesAreDistinctInOneTrie() {
        List<String> names = List.of("ACCOUNTS", "Accounts", "accounts", "caf\u00e9", "cafe\u0301", "/finance",
                "finance", "finance/", "finance ", " finance", "\uFEFFfinance");
        TopicTrie<String, String> trie = new TopicTrie<>();
        for (String n : names) {
            trie.put(TopicFilter.of(n), n, n);
        }
        assertThat(trie.size()).isEqualTo(names.size());
        for (String n : names) {
            List<String> hits = new ArrayList<>();
            trie.match(TopicName.of(n), (k, v) -> hits.add(k));
            assertThat(hits).as("subscribers of %s", n).containsExactly(n);
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.2-3] every filter in a trie matching a name also matches it by the reference rules")
    void trieHitsAgreeWithReference() {
        List<String> filters = List.of("#", "+", "+/+", "/+", "/#", "sport", "sport/#", "sport/+",
                "sport/tennis/+", "sport/tennis/#", "+/tennis/#", "$SYS/#", "$SYS/monitor/+", "+/monitor/Clients");
        List<String> names = List.of("sport", "sport/", "/finance", "sport/tennis", "sport/tennis/player1",
                "$SYS/monitor/Clients", "a/monitor/Clients", "/", "//");
        TopicTrie<String, TopicFilter> trie = new TopicTrie<>();
        for (String f : filters) {
            trie.put(TopicFilter.of(f), f, TopicFilter.of(f));
        }
        for (String n : names) {
            TopicName name = TopicName.of(n);
            List<String> hits = new ArrayList<>();
            trie.match(name, (k, v) -> hits.add(k));
            List<String> expected = filters.stream().filter(f -> TopicFilter.of(f).matches(name)).toList();
            assertThat(hits).as("filters matching %s", n).containsExactlyInAnyOrderElementsOf(expected);
        }
    }
}
