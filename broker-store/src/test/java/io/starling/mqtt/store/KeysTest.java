package io.starling.mqtt.store;

import static org.assertj.core.api.Assertions.assertThat;

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
                String key = Keys.message(b, 42);
                assertThat(key.startsWith(Keys.prefix(a))).as("%s vs %s", Keys.printable(a), Keys.printable(b))
                        .isEqualTo(a.equals(b));
            }
        }
    }

    @Test
    @DisplayName("a key gives back its client id and number")
    void keysParseBack() {
        for (String id : IDS) {
            String key = Keys.message(id, Long.MAX_VALUE - 3);
            int length = Keys.prefixLength(key);
            assertThat(Keys.clientId(key, length)).isEqualTo(id);
            assertThat(Keys.parseHex(key, length)).isEqualTo(Long.MAX_VALUE - 3);
            String inbound = Keys.inbound(id, 65535);
            assertThat(Keys.parseHex(inbound, Keys.prefixLength(inbound))).isEqualTo(65535);
        }
    }

    @Test
    @DisplayName("message keys sort as their numbers do")
    void keyOrderIsNumericOrder() {
        long[] numbers = {1, 9, 10, 15, 16, 255, 256, 1L << 32, Long.MAX_VALUE};
        for (int i = 1; i < numbers.length; i++) {
            assertThat(Keys.message("s", numbers[i - 1]).compareTo(Keys.message("s", numbers[i]))).isNegative();
        }
    }
}
