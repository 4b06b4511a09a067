package io.starling.mqtt.benchmarks.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeysTest {

    @Test
    void aSessionsQueueSortsInSequenceOrderAcrossByteBoundaries() {
        long[] seqs = {0, 1, 255, 256, 65_535, 65_536, 1L << 40, Long.MAX_VALUE};
        List<byte[]> keys = new ArrayList<>();
        for (int i = seqs.length - 1; i >= 0; i--) {
            keys.add(Keys.queue("dev", seqs[i]));
        }
        keys.sort(Arrays::compareUnsigned); // the order of both engines
        for (int i = 0; i < seqs.length; i++) {
            assertThat(Keys.queueSeq(keys.get(i))).isEqualTo(seqs[i]);
        }
    }

    @Test
    void aClientsQueuePrefixDoesNotReachClientsWhoseIdExtendsIt() {
        byte[] prefix = Keys.queuePrefix("a");
        assertThat(Keys.hasPrefix(Keys.queue("a", 7), prefix)).isTrue();
        assertThat(Keys.hasPrefix(Keys.queue("ab", 7), prefix)).isFalse();
        assertThat(Keys.hasPrefix(Keys.queue("a/b", 7), prefix)).isFalse();
        // and the shorter id's whole queue sorts before the longer one's
        assertThat(Arrays.compareUnsigned(Keys.queue("a", Long.MAX_VALUE), Keys.queue("a/b", 0))).isNegative();
    }

    @Test
    void queueKeysGiveBackClientAndSequence() {
        byte[] key = Keys.queue("капибара/7", 42);
        assertThat(Keys.queueClient(key)).isEqualTo("капибара/7");
        assertThat(Keys.queueSeq(key)).isEqualTo(42);
        assertThat(Keys.messageId(Keys.message(1L << 33))).isEqualTo(1L << 33);
        assertThat(Keys.id(Keys.id(-5))).isEqualTo(-5);
    }

    @Test
    void theUpperBoundOfAPrefixIsAboveAllItsKeysAndBelowEverythingAfter() {
        byte[] prefix = Keys.queuePrefix("a");
        byte[] bound = Keys.upperBound(prefix);
        assertThat(Arrays.compareUnsigned(Keys.queue("a", -1L), bound)).isNegative(); // 0xFF.. sequence
        assertThat(Arrays.compareUnsigned(bound, Keys.queue("a\u0001", 0))).isLessThanOrEqualTo(0);
        assertThat(Keys.upperBound(new byte[] {'r', (byte) 0xFF, (byte) 0xFF})).containsExactly('s');
        assertThat(Keys.upperBound(new byte[] {(byte) 0xFF})).isNull();
    }

    @Test
    void aHashFilterRangeCoversItsSubtreeOnly() {
        byte[] below = Keys.retainedBelow("site/17");
        assertThat(Keys.hasPrefix(Keys.retained("site/17/device/3/temperature"), below)).isTrue();
        assertThat(Keys.hasPrefix(Keys.retained("site/170/device/3/temperature"), below)).isFalse();
        assertThat(Keys.hasPrefix(Keys.retained("site/17"), below)).isFalse(); // the parent is its own key
    }

    @Test
    void eachKindIsItsOwnRange() {
        assertThat(Keys.hasPrefix(Keys.message(1), Keys.allMessages())).isTrue();
        assertThat(Keys.hasPrefix(Keys.queue("m", 1), Keys.allMessages())).isFalse();
        assertThat(Keys.hasPrefix(Keys.session("c"), Keys.allQueues())).isFalse();
        assertThat(Keys.hasPrefix(Keys.FORMAT_VERSION, Keys.allRetained())).isFalse();
    }
}
