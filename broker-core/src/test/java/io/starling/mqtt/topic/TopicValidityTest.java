package io.starling.mqtt.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Table tests for the validity of topic names and topic filters (section 4.7.1 and 4.7.3). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TopicValidityTest {

    @Nested
    @DisplayName("[MQTT-4.7.1-1] wildcards only in filters, never in topic names")
    class WildcardsOnlyInFilters {

        @ParameterizedTest(name = "topic name \"{0}\" is refused")
        @DisplayName("[MQTT-4.7.1-1] a topic name with '+' or '#' is refused")
        @ValueSource(strings = {"#", "+", "sport/#", "sport/+", "sport/tennis#", "a+b", "+/a", "a/#/b", "$SYS/#"})
        void topicNameWithWildcardIsRefused(String name) {
            assertThatThrownBy(() -> TopicName.of(name))
                    .isInstanceOf(InvalidTopicException.class)
                    .hasMessageContaining("MQTT-4.7.1-1");
        }

        @ParameterizedTest(name = "filter \"{0}\" is accepted")
        @DisplayName("[MQTT-4.7.1-1] the same wildcards are accepted in filters")
        @ValueSource(strings = {"#", "+", "sport/#", "sport/+", "+/a", "$SYS/#"})
        void filterWithWildcardIsAccepted(String filter) {
            TopicFilter f = TopicFilter.of(filter);
            assertThat(f.value()).isEqualTo(filter);
            assertThat(f.hasWildcard()).isTrue();
        }
    }

    @Nested
    @DisplayName("[MQTT-4.7.1-2] '#' must be last and alone")
    class MultiLevelWildcard {

        @ParameterizedTest(name = "\"{0}\" is a valid filter")
        @DisplayName("[MQTT-4.7.1-2] '#' alone or right after '/' as the last level is valid")
        @ValueSource(strings = {"#", "sport/#", "sport/tennis/player1/#", "/#", "+/#", "+/tennis/#", "//#", "$SYS/#"})
        void validMultiLevel(String filter) {
            TopicFilter f = TopicFilter.of(filter);
            assertThat(f.hasWildcard()).isTrue();
            assertThat(f.levels()).last().isEqualTo("#");
        }

        @ParameterizedTest(name = "\"{0}\" is refused")
        @DisplayName("[MQTT-4.7.1-2] '#' not alone or not last is refused")
        @ValueSource(strings = {"sport/tennis#", "sport/#/x", "#a", "a#", "#/", "#/#", "##", "sport/#/", "a/b#/c", "#+"})
        void invalidMultiLevel(String filter) {
            assertThatThrownBy(() -> TopicFilter.of(filter))
                    .isInstanceOf(InvalidTopicException.class)
                    .hasMessageContaining("MQTT-4.7.1-");
        }

        @ParameterizedTest(name = "\"{0}\" names 4.7.1-2")
        @DisplayName("[MQTT-4.7.1-2] the refusal names the broken statement")
        @ValueSource(strings = {"sport/tennis#", "sport/#/x", "#a", "#/"})
        void refusalNamesStatement(String filter) {
            assertThatThrownBy(() -> TopicFilter.of(filter)).hasMessageContaining("MQTT-4.7.1-2");
        }
    }

    @Nested
    @DisplayName("[MQTT-4.7.1-3] '+' fills a whole level")
    class SingleLevelWildcard {

        @ParameterizedTest(name = "\"{0}\" is a valid filter")
        @DisplayName("[MQTT-4.7.1-3] '+' at any level, several times, also with '#'")
        @ValueSource(strings = {"+", "+/tennis/#", "sport/+/player1", "+/+", "/+", "+/", "+//+", "a/+/+/b/+", "+/+/#"})
        void validSingleLevel(String filter) {
            TopicFilter f = TopicFilter.of(filter);
            assertThat(f.hasWildcard()).isTrue();
            assertThat(f.levels()).contains("+");
        }

        @ParameterizedTest(name = "\"{0}\" is refused")
        @DisplayName("[MQTT-4.7.1-3] '+' sharing a level with other characters is refused")
        @ValueSource(strings = {"sport+", "a/b+/c", "+a", "a/+b", "++", "+/++", "a+/#"})
        void invalidSingleLevel(String filter) {
            assertThatThrownBy(() -> TopicFilter.of(filter))
                    .isInstanceOf(InvalidTopicException.class)
                    .hasMessageContaining("MQTT-4.7.1-3");
        }

        @ParameterizedTest(name = "\"{0}\" has no wildcard")
        @DisplayName("filters without '+' or '#' report no wildcard")
        @ValueSource(strings = {"sport", "sport/tennis", "/", "//", "$SYS/monitor", " ", "a b/c"})
        void noWildcard(String filter) {
            assertThat(TopicFilter.of(filter).hasWildcard()).isFalse();
        }
    }

    @Nested
    @DisplayName("[MQTT-4.7.3-1] at least one character")
    class NotEmpty {

        @Test
        @DisplayName("[MQTT-4.7.3-1] an empty topic name is refused")
        void emptyName() {
            assertThatThrownBy(() -> TopicName.of(""))
                    .isInstanceOf(InvalidTopicException.class)
                    .hasMessageContaining("MQTT-4.7.3-1");
        }

        @Test
        @DisplayName("[MQTT-4.7.3-1] an empty topic filter is refused")
        void emptyFilter() {
            assertThatThrownBy(() -> TopicFilter.of(""))
                    .isInstanceOf(InvalidTopicException.class)
                    .hasMessageContaining("MQTT-4.7.3-1");
        }

        @ParameterizedTest(name = "\"{0}\" is a valid name and filter")
        @DisplayName("[MQTT-4.7.3-1] one character is enough, even '/' or a space")
        @ValueSource(strings = {"a", "/", " ", "$", "\u00e9", "\uFEFF"})
        void oneCharacter(String value) {
            assertThat(TopicName.of(value).value()).isEqualTo(value);
            assertThat(TopicFilter.of(value).value()).isEqualTo(value);
        }

        @Test
        @DisplayName("null is refused for names and filters")
        void nullRefused() {
            assertThatThrownBy(() -> TopicName.of(null)).isInstanceOf(InvalidTopicException.class);
            assertThatThrownBy(() -> TopicFilter.of(null)).isInstanceOf(InvalidTopicException.class);
        }
    }

    @Nested
    @DisplayName("[MQTT-4.7.3-2] no U+0000")
    class NoNul {

        @ParameterizedTest(name = "name {index} is refused")
        @DisplayName("[MQTT-4.7.3-2] a topic name containing U+0000 is refused")
        @ValueSource(strings = {"\u0000", "a\u0000b", "a/\u0000", "\u0000/a", "sport/tennis\u0000"})
        void nulInName(String name) {
            assertThatThrownBy(() -> TopicName.of(name))
                    .isInstanceOf(InvalidTopicException.class)
                    .hasMessageContaining("MQTT-4.7.3-2");
        }

        @ParameterizedTest(name = "filter {index} is refused")
        @DisplayName("[MQTT-4.7.3-2] a topic filter containing U+0000 is refused")
        @ValueSource(strings = {"\u0000", "a\u0000b", "a/\u0000/#", "+/\u0000", "\u0000#"})
        void nulInFilter(String filter) {
            assertThatThrownBy(() -> TopicFilter.of(filter))
                    .isInstanceOf(InvalidTopicException.class)
                    .hasMessageContaining("MQTT-4.7.3-2");
        }
    }

    @Nested
    @DisplayName("[MQTT-4.7.3-3] at most 65535 bytes of UTF-8")
    class MaxLength {

        /** Strings whose UTF-8 encoding is exactly the given number of bytes, built from 1- to 4-byte characters. */
        static Stream<Arguments> lengths() {
            return Stream.of(
                    Arguments.of("ASCII 'a' x n", "a", 1),
                    Arguments.of("U+00E9 (2 bytes)", "\u00e9", 2),
                    Arguments.of("U+20AC (3 bytes)", "\u20ac", 3),
                    Arguments.of("U+1F600 (4 bytes, surrogate pair)", "\uD83D\uDE00", 4),
                    Arguments.of("U+FEFF (3 bytes)", "\uFEFF", 3));
        }

        static String ofBytes(String unit, int unitBytes, int totalBytes) {
            int units = totalBytes / unitBytes;
            String s = unit.repeat(units) + "a".repeat(totalBytes - units * unitBytes);
            assertThat(s.getBytes(StandardCharsets.UTF_8)).hasSize(totalBytes);
            return s;
        }

        @ParameterizedTest(name = "{0}: exactly 65535 bytes accepted")
        @DisplayName("[MQTT-4.7.3-3] exactly 65535 bytes is accepted as name and filter")
        @MethodSource("lengths")
        void exactlyMaxAccepted(String label, String unit, int unitBytes) {
            String s = ofBytes(unit, unitBytes, 65_535);
            TopicName name = TopicName.of(s);
            assertThat(name.utf8()).hasSize(65_535);
            assertThat(name.value()).isEqualTo(s);
            assertThat(TopicFilter.of(s).value()).isEqualTo(s);
            assertThat(TopicFilter.of(s).matches(name)).isTrue();
        }

        @ParameterizedTest(name = "{0}: 65536 bytes refused")
        @DisplayName("[MQTT-4.7.3-3] 65536 bytes is refused as name and filter")
        @MethodSource("lengths")
        void oneMoreRefused(String label, String unit, int unitBytes) {
            String s = ofBytes(unit, unitBytes, 65_536);
            assertThatThrownBy(() -> TopicName.of(s))
                    .isInstanceOf(InvalidTopicException.class)
                    .hasMessageContaining("MQTT-4.7.3-3");
            assertThatThrownBy(() -> TopicFilter.of(s))
                    .isInstanceOf(InvalidTopicException.class)
                    .hasMessageContaining("MQTT-4.7.3-3");
        }

        @Test
        @DisplayName("[MQTT-4.7.3-3] the limit counts bytes, not chars: 32768 x U+00E9 is 32768 chars but 65536 bytes")
        void multiByteCountedInBytes() {
            String twoByte = "\u00e9".repeat(32_768);
            assertThat(twoByte).hasSize(32_768);
            assertThatThrownBy(() -> TopicName.of(twoByte)).hasMessageContaining("MQTT-4.7.3-3");
            assertThatThrownBy(() -> TopicFilter.of(twoByte)).hasMessageContaining("MQTT-4.7.3-3");

            String threeByte = "\u20ac".repeat(21_846); // 65538 bytes, 21846 chars
            assertThatThrownBy(() -> TopicName.of(threeByte)).hasMessageContaining("MQTT-4.7.3-3");

            String emoji = "\uD83D\uDE00".repeat(16_384); // 65536 bytes, 32768 chars
            assertThatThrownBy(() -> TopicName.of(emoji)).hasMessageContaining("MQTT-4.7.3-3");
        }

        @Test
        @DisplayName("[MQTT-4.7.3-3] a 65535-byte filter ending in '/#' is accepted, one byte more is refused")
        void longWildcardFilter() {
            String ok = "a".repeat(65_533) + "/#";
            assertThat(TopicFilter.of(ok).levels()).hasSize(2);
            String tooLong = "a".repeat(65_534) + "/#";
            assertThatThrownBy(() -> TopicFilter.of(tooLong)).hasMessageContaining("MQTT-4.7.3-3");
        }

        @Test
        @DisplayName("[MQTT-4.7.3-3] a 65535-byte name is matched by the trie")
        void longNameMatchedByTrie() {
            String s = "x/".repeat(32_767) + "y"; // 65535 bytes, 32768 levels
            TopicName name = TopicName.of(s);
            assertThat(name.utf8()).hasSize(65_535);
            TopicTrie<String, Integer> trie = new TopicTrie<>();
            trie.put(TopicFilter.of("x/#"), "hash", 1);
            trie.put(TopicFilter.of(s), "exact", 2);
            trie.put(TopicFilter.of("x/+"), "plus", 3);
            java.util.List<String> keys = new java.util.ArrayList<>();
            trie.match(name, (k, v) -> keys.add(k));
            assertThat(keys).containsExactlyInAnyOrder("hash", "exact");
        }
    }

    @Nested
    @DisplayName("[MQTT-1.5.3-1] well-formed UTF-8 only")
    class Surrogates {

        @ParameterizedTest(name = "name {index} with a lone surrogate is refused")
        @DisplayName("[MQTT-1.5.3-1] a lone surrogate cannot be encoded as well-formed UTF-8 and is refused")
        @ValueSource(strings = {"\uD800", "a\uD800b", "a/\uDC00", "\uDE00\uD83D", "x\uD83D"})
        void loneSurrogateRefused(String value) {
            assertThatThrownBy(() -> TopicName.of(value))
                    .isInstanceOf(InvalidTopicException.class)
                    .hasMessageContaining("MQTT-1.5.3-1");
            assertThatThrownBy(() -> TopicFilter.of(value))
                    .isInstanceOf(InvalidTopicException.class)
                    .hasMessageContaining("MQTT-1.5.3-1");
        }

        @Test
        @DisplayName("[MQTT-1.5.3-1] a well-formed surrogate pair is accepted and encoded in 4 bytes")
        void pairAccepted() {
            TopicName name = TopicName.of("a/\uD83D\uDE00");
            assertThat(name.utf8()).containsExactly(0x61, 0x2F, 0xF0, 0x9F, 0x98, 0x80);
        }
    }

    @Nested
    @DisplayName("value semantics")
    class ValueSemantics {

        @Test
        @DisplayName("utf8() is the exact UTF-8 encoding of the name, without normalisation")
        void utf8() {
            TopicName name = TopicName.of("caf\u00e9/\uFEFFx");
            byte[] expected = "caf\u00e9/\uFEFFx".getBytes(StandardCharsets.UTF_8);
            assertThat(name.utf8()).isEqualTo(expected);
            assertThat(name.utf8()).isNotEqualTo("cafe\u0301/\uFEFFx".getBytes(StandardCharsets.UTF_8));
        }

        @Test
        @DisplayName("equals and hashCode follow the exact string")
        void equality() {
            assertThat(TopicName.of("a/b")).isEqualTo(TopicName.of("a/b")).hasSameHashCodeAs(TopicName.of("a/b"));
            assertThat(TopicName.of("a/b")).isNotEqualTo(TopicName.of("a/B"));
            assertThat(TopicFilter.of("a/+")).isEqualTo(TopicFilter.of("a/+")).hasSameHashCodeAs(TopicFilter.of("a/+"));
            assertThat(TopicFilter.of("a/+")).isNotEqualTo(TopicFilter.of("a/#"));
            assertThat(TopicName.of("a/b").toString()).isEqualTo("a/b");
            assertThat(TopicFilter.of("a/#").toString()).isEqualTo("a/#");
        }

        static Stream<Arguments> levels() {
            return Stream.of(
                    Arguments.of("a", new String[] {"a"}),
                    Arguments.of("/", new String[] {"", ""}),
                    Arguments.of("a//b", new String[] {"a", "", "b"}),
                    Arguments.of("/finance", new String[] {"", "finance"}),
                    Arguments.of("sport/", new String[] {"sport", ""}),
                    Arguments.of("+/+/#", new String[] {"+", "+", "#"}),
                    Arguments.of("///", new String[] {"", "", "", ""}));
        }

        @ParameterizedTest(name = "\"{0}\" has levels {1}")
        @DisplayName("filters keep empty levels")
        @MethodSource("levels")
        void levelsKeepEmpty(String filter, String[] expected) {
            assertThat(TopicFilter.of(filter).levels()).containsExactly(expected);
            assertThat(Levels.split(filter)).containsExactly(expected);
            assertThat(Levels.splitToArray(filter)).containsExactly(expected);
        }

        @Test
        @DisplayName("levels() is unmodifiable")
        void levelsUnmodifiable() {
            assertThatThrownBy(() -> TopicFilter.of("a/b").levels().add("c"))
                    .isInstanceOf(UnsupportedOperationException.class);
        }

        @ParameterizedTest(name = "\"{0}\" is a system topic")
        @DisplayName("[MQTT-4.7.2-1] names starting with '$' are system topics")
        @ValueSource(strings = {"$SYS", "$SYS/monitor/Clients", "$", "$/a", "$foo"})
        void systemTopic(String name) {
            assertThat(TopicName.of(name).isSystemTopic()).isTrue();
        }

        @ParameterizedTest(name = "\"{0}\" is not a system topic")
        @DisplayName("[MQTT-4.7.2-1] '$' elsewhere does not make a system topic")
        @ValueSource(strings = {"SYS", "/$SYS", "a$", "a/$SYS", " $SYS", "\uFEFF$SYS"})
        void notSystemTopic(String name) {
            assertThat(TopicName.of(name).isSystemTopic()).isFalse();
        }
    }

    @ParameterizedTest(name = "\"{0}\"")
    @DisplayName("[MQTT-1.5.3-1] the UTF-8 length is counted without encoding, and agrees with the encoding made on "
            + "first use")
    @ValueSource(strings = {"a", "sensors/1/temp", "\u00e9t\u00e9", "\u20ac/x", "\uD83D\uDE00/y", "\u007F\u0080\u07FF\u0800\uFFFF"})
    void utf8LengthAgreesWithEncoding(String value) {
        TopicName name = TopicName.of(value);
        byte[] expected = value.getBytes(StandardCharsets.UTF_8);
        assertThat(name.utf8Length()).isEqualTo(expected.length);
        assertThat(name.isAscii()).isEqualTo(value.chars().allMatch(c -> c < 0x80));
        assertThat(name.utf8()).containsExactly(expected).isSameAs(name.utf8());
    }
}
