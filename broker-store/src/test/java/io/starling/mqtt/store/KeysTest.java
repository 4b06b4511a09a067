package io.starling.mqtt.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The key layout the per-session range scans and deletes rely on. */
class KeysTest {
    private static final List<String> IDS = List.of("", "a", "ab", "a\0", "a\0\0", "a\0b", "\0", "\0\0\1", "ü€", "a b");

    @Test
    @DisplayName("no session's prefix starts another session's keys, whatever U+0000 the client ids hold")
    void prefixesAreDisjoint() {
        for (String a : IDS) {
            for (String b : IDS) {
                byte[] key = Keys.message(b, 42);
                assertThat(Keys.hasPrefix(key, Keys.prefix(Keys.MESSAGE, a)))
                        .as("%s vs %s", a.replace("\0", "\\0"), b.replace("\0", "\\0"))
                        .isEqualTo(a.equals(b));
            }
        }
    }

    @Test
    @DisplayName("a key gives back its client id and number")
    void keysParseBack() {
        for (String id : IDS) {
            byte[] key = Keys.message(id, Long.MAX_VALUE - 3);
            int length = Keys.prefixLength(key);
            assertThat(Keys.clientId(key, length)).isEqualTo(id);
            assertThat(Keys.number(key, length)).isEqualTo(Long.MAX_VALUE - 3);
            byte[] inbound = Keys.inbound(id, 65535);
            assertThat(Keys.number(inbound, Keys.prefixLength(inbound))).isEqualTo(65535);
            byte[] subscription = Keys.subscription(id, "a/\u00fc/#");
            assertThat(Keys.text(subscription, Keys.prefixLength(subscription))).isEqualTo("a/\u00fc/#");
            assertThat(Keys.clientIdOfRecord(Keys.session(id))).isEqualTo(id);
            assertThat(Keys.clientIdOfRecord(Keys.will(id))).isEqualTo(id);
        }
    }

    @Test
    @DisplayName("message keys sort as their numbers do, as RocksDB compares them (unsigned bytes)")
    void keyOrderIsNumericOrder() {
        long[] numbers = {1, 9, 10, 15, 16, 127, 128, 255, 256, 1L << 32, Long.MAX_VALUE};
        for (int i = 1; i < numbers.length; i++) {
            assertThat(Arrays.compareUnsigned(Keys.message("s", numbers[i - 1]), Keys.message("s", numbers[i])))
                    .isNegative();
        }
    }

    @Test
    @DisplayName("each kind is one range: the upper bound of a prefix is above its keys and below the next kind")
    void kindsAreRanges() {
        byte[] prefix = Keys.prefix(Keys.MESSAGE, "a");
        byte[] bound = Keys.upperBound(prefix);
        assertThat(Arrays.compareUnsigned(Keys.message("a", -1L), bound)).isNegative();
        assertThat(Arrays.compareUnsigned(Keys.message("a\0", 1), bound)).isPositive();
        assertThat(Arrays.compareUnsigned(Keys.message("ab", 1), bound)).isPositive();
        assertThat(Arrays.compareUnsigned(Keys.retained("zzz"), Keys.upperBound(Keys.kind(Keys.RETAINED)))).isNegative();
    }
}
