package io.starling.mqtt.benchmarks.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.benchmarks.store.GroupCommitWriter.Durability;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GroupCommitWriterTest {
    private static final byte[] TOPIC = "a/b".getBytes(StandardCharsets.UTF_8);
    private static final String[] CLIENTS = {"c0", "c1", "c2"};

    @TempDir
    Path dir;

    @Test
    void messagesArrivingDuringACommitShareTheNextCommitAndItsFsync() throws Exception {
        RecordingStore store = new RecordingStore();
        store.holdNextCommit();
        try (GroupCommitWriter writer = new GroupCommitWriter(store, Durability.SYNC_EACH_BATCH, 100, CLIENTS, 1)) {
            writer.startRecording();
            CompletableFuture<Void> first = writer.submit(1, TOPIC, new byte[] {0}, new int[] {0});
            await().atMost(Duration.ofSeconds(5)).until(store::commitWaiting);
            List<CompletableFuture<Void>> waiting = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                waiting.add(writer.submit(1, TOPIC, new byte[] {(byte) i}, new int[] {i % 3}));
            }
            assertThat(first).isNotDone(); // not acknowledged before its fsync
            store.release();
            CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            assertThat(first).isDone();
            writer.stopRecording();
            writer.close();
            assertThat(writer.messages()).isEqualTo(11);
            assertThat(writer.batches()).isEqualTo(2);
            assertThat(writer.syncs()).isEqualTo(2);
        }
        assertThat(store.commits).containsExactly(2, 20); // the first message alone, then ten messages + ten entries
    }

    @Test
    void eachMessageIsStoredOnceAndReferencedFromEverySubscriberQueueInOrder() throws Exception {
        RecordingStore store = new RecordingStore();
        try (GroupCommitWriter writer = new GroupCommitWriter(store, Durability.PERIODIC, 100, CLIENTS, 7)) {
            writer.submit(1, TOPIC, new byte[] {1}, new int[] {0, 2}).get(5, TimeUnit.SECONDS);
            writer.submit(1, TOPIC, new byte[] {2}, new int[] {2}).get(5, TimeUnit.SECONDS);
        }
        assertThat(store.data.keySet()).hasSize(2 + 3);
        assertThat(Messages.topic(store.data.get(Keys.message(7)))).isEqualTo("a/b");
        assertThat(Keys.id(store.data.get(Keys.queue("c0", 0)))).isEqualTo(7);
        assertThat(Keys.id(store.data.get(Keys.queue("c2", 0)))).isEqualTo(7);
        assertThat(Keys.id(store.data.get(Keys.queue("c2", 1)))).isEqualTo(8);
        assertThat(store.syncs).isPositive(); // close makes the last periodic batch durable
    }

    @Test
    void aFailedCommitFailsItsMessagesAndTheClose() throws Exception {
        RecordingStore store = new RecordingStore();
        store.failCommits = true;
        GroupCommitWriter writer = new GroupCommitWriter(store, Durability.SYNC_EACH_BATCH, 100, CLIENTS, 1);
        CompletableFuture<Void> f = writer.submit(1, TOPIC, new byte[] {1}, new int[] {0});
        await().atMost(Duration.ofSeconds(5)).until(f::isDone);
        assertThat(f).isCompletedExceptionally();
        assertThat(writer.submit(1, TOPIC, new byte[] {2}, new int[] {0})).isCompletedExceptionally();
        assertThatThrownBy(writer::close).isInstanceOf(IllegalStateException.class).hasMessageContaining("failed");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void concurrentProducersEndUpDurableInBothEngines(Engine engine) throws Exception {
        int producers = 4;
        int each = 250;
        try (KvStore store = engine.open(dir);
                GroupCommitWriter writer = new GroupCommitWriter(store, Durability.SYNC_EACH_BATCH, 100, CLIENTS, 0)) {
            List<Thread> threads = new ArrayList<>();
            List<CompletableFuture<Void>> all = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int p = 0; p < producers; p++) {
                Thread t = new Thread(() -> {
                    for (int i = 0; i < each; i++) {
                        all.add(writer.submit(1, TOPIC, new byte[64], new int[] {0, 1, 2}));
                    }
                });
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        }
        try (KvStore store = engine.open(dir)) {
            assertThat(store.scan(Keys.allMessages(), (k, v) -> { })).isEqualTo(producers * each);
            for (String client : CLIENTS) {
                List<Long> ids = new ArrayList<>();
                store.scan(Keys.queuePrefix(client), (k, v) -> ids.add(Keys.id(v)));
                assertThat(ids).hasSize(producers * each).isSorted(); // ids are given in commit order
            }
        }
    }

    /** An in-memory store that records commits and can hold one commit until released. */
    private static final class RecordingStore implements KvStore {
        final Map<byte[], byte[]> data = new TreeMap<>(Arrays::compareUnsigned);
        final List<Integer> commits = new ArrayList<>();
        volatile boolean failCommits;
        volatile int syncs;
        private int staged;
        private volatile CountDownLatch hold;
        private volatile boolean waiting;

        void holdNextCommit() {
            hold = new CountDownLatch(1);
        }

        boolean commitWaiting() {
            return waiting;
        }

        void release() {
            hold.countDown();
        }

        @Override
        public void put(byte[] key, byte[] value) {
            data.put(key, value);
            staged++;
        }

        @Override
        public void delete(byte[] key) {
            data.remove(key);
            staged++;
        }

        @Override
        public void commit(boolean sync) {
            if (failCommits) {
                throw new IllegalStateException("disk full");
            }
            CountDownLatch latch = hold;
            if (latch != null) {
                waiting = true;
                try {
                    latch.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                hold = null;
            }
            if (staged > 0) {
                commits.add(staged);
            }
            staged = 0;
            if (sync) {
                syncs++;
            }
        }

        @Override
        public void sync() {
            syncs++;
        }

        @Override
        public void maintain() {}

        @Override
        public void compactFully() {}

        @Override
        public byte[] get(byte[] key) {
            return data.get(key);
        }

        @Override
        public long scan(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long diskBytes() {
            return 0;
        }

        @Override
        public void close() {}
    }
}
