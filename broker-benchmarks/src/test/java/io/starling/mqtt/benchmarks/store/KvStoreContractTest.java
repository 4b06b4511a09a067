package io.starling.mqtt.benchmarks.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Both engines behind {@link KvStore} behave alike, so the comparison measures the same work. */
class KvStoreContractTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Engine.class)
    void committedWritesAndDeletesSurviveAReopen(Engine engine) {
        try (KvStore store = engine.open(dir)) {
            store.put(Keys.FORMAT_VERSION, new byte[] {1});
            store.put(Keys.message(1), new byte[] {10});
            store.put(Keys.message(2), new byte[] {20});
            store.commit(true);
            store.delete(Keys.message(1));
            store.put(Keys.message(3), new byte[] {30});
            store.commit(false);
            store.sync();
        }
        try (KvStore store = engine.open(dir)) {
            assertThat(store.get(Keys.FORMAT_VERSION)).containsExactly(1);
            assertThat(store.get(Keys.message(1))).isNull();
            assertThat(store.get(Keys.message(2))).containsExactly(20);
            assertThat(store.get(Keys.message(3))).containsExactly(30);
            assertThat(store.diskBytes()).isPositive();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aPrefixScanReturnsExactlyThatRangeInKeyOrder(Engine engine) {
        try (KvStore store = engine.open(dir)) {
            for (long seq : new long[] {300, 2, 256, 1}) {
                store.put(Keys.queue("a", seq), Keys.id(seq));
            }
            store.put(Keys.queue("a/b", 0), Keys.id(0)); // a client whose id extends "a"
            store.put(Keys.queue("b", 0), Keys.id(0));
            store.put(Keys.message(0), new byte[] {0});
            store.put(Keys.upperBound(Keys.queuePrefix("a")), new byte[] {0}); // the first key past the range
            store.commit(true);

            List<Long> seqs = new ArrayList<>();
            long n = store.scan(Keys.queuePrefix("a"), (k, v) -> seqs.add(Keys.queueSeq(k)));
            assertThat(n).isEqualTo(4);
            assertThat(seqs).containsExactly(1L, 2L, 256L, 300L);
            assertThat(store.scan(Keys.allQueues(), (k, v) -> { })).isEqualTo(7);
            assertThat(store.scan(Keys.allRetained(), (k, v) -> { })).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void fullCompactionKeepsTheLiveData(Engine engine) {
        try (KvStore store = engine.open(dir)) {
            for (long id = 0; id < 5000; id++) {
                store.put(Keys.message(id), new byte[200]);
            }
            store.commit(true);
            for (long id = 0; id < 4990; id++) {
                store.delete(Keys.message(id));
            }
            store.commit(true);
            store.maintain();
            store.compactFully();
            assertThat(store.scan(Keys.allMessages(), (k, v) -> { })).isEqualTo(10);
        }
    }
}
