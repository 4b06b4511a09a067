package io.starling.mqtt.store;

import static io.starling.mqtt.store.Stores.byClientId;
import static io.starling.mqtt.store.Stores.copyAndRecover;
import static io.starling.mqtt.store.Stores.message;
import static io.starling.mqtt.store.Stores.reopen;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.packet.Will;
import io.starling.mqtt.spi.SessionStore.Recovery;
import io.starling.mqtt.spi.SessionStore.StoredMessage;
import io.starling.mqtt.spi.SessionStore.StoredSession;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The durable store through close and open: what it keeps, in which order, and when it is durable. */
@Timeout(60)
class DurableSessionStoreTest {
    @TempDir
    Path tmp;

    private Path dir() {
        return tmp.resolve("data");
    }

    @Test
    @DisplayName("every operation survives close and open, also for client ids holding U+0000 and non-ASCII")
    void roundTripOfEveryOperation() {
        String odd = "sensor\0ü-€";
        Message m1 = message("a/b", "one", QoS.AT_LEAST_ONCE);
        Message m2 = message("a/c", "two", QoS.EXACTLY_ONCE).withRetain(true);
        Message m3 = message("a/d", "three", QoS.EXACTLY_ONCE);
        Message m4 = message("a/e", "", QoS.AT_LEAST_ONCE);
        Message keptRetained = Message.of("status/x", new byte[] {0, 1, 2, (byte) 255}, QoS.AT_LEAST_ONCE, true);
        Will will = new Will(TopicName.of("wills/" + "w"), "gone".getBytes(StandardCharsets.UTF_8), QoS.EXACTLY_ONCE, true);
        long k1;
        long k2;
        long k3;
        long k4;
        try (DurableSessionStore store = DurableSessionStore.open(dir(), Durability.SYNC)) {
            store.putSession("plain");
            store.putSession(odd);
            store.putSession("gone");
            store.putSubscription("plain", TopicFilter.of("a/#"), QoS.EXACTLY_ONCE);
            store.putSubscription("plain", TopicFilter.of("b/+"), QoS.AT_MOST_ONCE);
            store.putSubscription("plain", TopicFilter.of("c"), QoS.AT_LEAST_ONCE);
            store.removeSubscription("plain", TopicFilter.of("c"));
            store.putSubscription(odd, TopicFilter.of("+/+"), QoS.AT_LEAST_ONCE);
            k1 = store.append("plain", m1, QoS.AT_LEAST_ONCE);
            k2 = store.append("plain", m2, QoS.EXACTLY_ONCE);
            k3 = store.append("plain", m3, QoS.AT_LEAST_ONCE); // delivered at the subscription's lower QoS
            k4 = store.append(odd, m4, QoS.AT_LEAST_ONCE);
            long dropped = store.append("plain", m1, QoS.AT_LEAST_ONCE);
            store.markSent("plain", k1, 65535);
            store.markSent("plain", k2, 7);
            store.markReleased("plain", k2);
            store.remove("plain", dropped);
            store.markSent("plain", dropped, 9); // after its removal: must not bring it back
            store.putInboundQos2("plain", 1);
            store.putInboundQos2("plain", 65535);
            store.putInboundQos2("plain", 3);
            store.removeInboundQos2("plain", 3);
            store.putInboundQos2(odd, 42);
            store.putRetained(keptRetained);
            store.putRetained(message("status/y", "old", QoS.AT_MOST_ONCE).withRetain(true));
            store.removeRetained(TopicName.of("status/y"));
            store.putWill("plain", will);
            store.putWill("gone", will);
            store.removeWill("gone");
            store.removeSession("gone");
            store.sync().join();
        }

        Recovery recovered = reopen(dir());

        Map<String, StoredSession> sessions = byClientId(recovered);
        assertThat(sessions).containsOnlyKeys("plain", odd);
        StoredSession plain = sessions.get("plain");
        assertThat(plain.subscriptions()).isEqualTo(Map.of(
                TopicFilter.of("a/#"), QoS.EXACTLY_ONCE, TopicFilter.of("b/+"), QoS.AT_MOST_ONCE));
        assertThat(plain.messages()).containsExactly(
                new StoredMessage(k1, m1, QoS.AT_LEAST_ONCE, 65535, false),
                new StoredMessage(k2, m2, QoS.EXACTLY_ONCE, 7, true),
                new StoredMessage(k3, m3, QoS.AT_LEAST_ONCE, 0, false));
        assertThat(plain.messages().get(1).message().retain()).isTrue();
        assertThat(plain.inboundQos2()).containsExactlyInAnyOrder(1, 65535);
        StoredSession oddSession = sessions.get(odd);
        assertThat(oddSession.subscriptions()).isEqualTo(Map.of(TopicFilter.of("+/+"), QoS.AT_LEAST_ONCE));
        assertThat(oddSession.messages()).containsExactly(new StoredMessage(k4, m4, QoS.AT_LEAST_ONCE, 0, false));
        assertThat(oddSession.inboundQos2()).containsExactly(42);
        assertThat(recovered.retained()).containsExactly(keptRetained);
        assertThat(recovered.wills()).isEqualTo(Map.of("plain", will));
    }

    @Test
    @DisplayName("a session's messages come back in append order, and keys keep increasing after every reopen")
    void orderAndKeysAcrossReopen() {
        List<Long> keys = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            try (DurableSessionStore store = DurableSessionStore.open(dir(), Durability.SYNC)) {
                if (round == 0) {
                    store.putSession("s");
                }
                for (int i = 0; i < 50; i++) {
                    long key = store.append("s", message("t", "r" + round + "-" + i, QoS.AT_LEAST_ONCE), QoS.AT_LEAST_ONCE);
                    assertThat(key).isPositive();
                    keys.add(key);
                }
            }
        }
        assertThat(keys).isSorted().doesNotHaveDuplicates();

        List<StoredMessage> stored = byClientId(reopen(dir())).get("s").messages();
        assertThat(stored).extracting(StoredMessage::key).containsExactlyElementsOf(keys);
        List<String> payloads = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 50; i++) {
                payloads.add("r" + round + "-" + i);
            }
        }
        assertThat(stored).extracting(m -> new String(m.message().payload(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(payloads);
    }

    @Test
    @DisplayName("removeSession removes that session's subscriptions, messages and inbound ids, and nothing of others")
    void removeSessionRemovesOnlyThatSession() {
        // "a" must not take "ab" (a longer id) nor "a\0" (an id whose escaped form starts like a's prefix) with it
        List<String> ids = List.of("a", "ab", "a\0", "a\0\0", "b");
        try (DurableSessionStore store = DurableSessionStore.open(dir(), Durability.SYNC)) {
            for (String id : ids) {
                store.putSession(id);
                store.putSubscription(id, TopicFilter.of("x/" + ids.indexOf(id)), QoS.AT_LEAST_ONCE);
                for (int i = 0; i < 5_000; i++) { // more than one removal batch
                    store.append(id, message("x", id + i, QoS.AT_LEAST_ONCE), QoS.AT_LEAST_ONCE);
                }
                store.putInboundQos2(id, 5);
            }
            store.putWill("a", new Will(TopicName.of("w"), new byte[] {1}, QoS.AT_MOST_ONCE, false));
            store.removeSession("a");
            store.sync().join();
            // visible at once to the running store too
            assertThat(byClientId(store.recover())).doesNotContainKey("a");
        }

        Recovery recovered = reopen(dir());

        Map<String, StoredSession> sessions = byClientId(recovered);
        assertThat(sessions).containsOnlyKeys("ab", "a\0", "a\0\0", "b");
        for (String id : sessions.keySet()) {
            StoredSession s = sessions.get(id);
            assertThat(s.subscriptions()).containsOnlyKeys(TopicFilter.of("x/" + ids.indexOf(id)));
            assertThat(s.messages()).hasSize(5_000).allSatisfy(m ->
                    assertThat(new String(m.message().payload(), StandardCharsets.UTF_8)).startsWith(id));
            assertThat(s.inboundQos2()).containsExactly(5);
        }
        // the will belongs to the connection, not the session: the broker removes it with removeWill
        assertThat(recovered.wills()).containsOnlyKeys("a");
    }

    @Test
    @DisplayName("sync() completes once the writes before it are in the file, also writes made by other threads")
    void syncCompletesWhenDurable() throws Exception {
        try (DurableSessionStore store = DurableSessionStore.open(dir(), Durability.SYNC)) {
            store.putSession("s");
            Thread other = new Thread(() -> store.append("s", message("t", "from another thread", QoS.AT_LEAST_ONCE),
                    QoS.AT_LEAST_ONCE));
            other.start();
            other.join();

            store.sync().get(10, TimeUnit.SECONDS);

            assertThat(store.commits()).isPositive();
            // what a crash right now would leave: the write is there
            Recovery snapshot = copyAndRecover(dir(), tmp);
            assertThat(byClientId(snapshot).get("s").messages()).extracting(m -> m.message().payload())
                    .containsExactly("from another thread".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    @DisplayName("sync() with nothing pending returns an already completed future and commits nothing")
    void syncWithNothingPendingIsAlreadyComplete() {
        try (DurableSessionStore store = DurableSessionStore.open(dir(), Durability.SYNC)) {
            assertThat(store.sync()).isCompleted();
            store.putSession("s");
            store.sync().join();
            long commits = store.commits();

            CompletableFuture<Void> again = store.sync();

            assertThat(again).isCompleted();
            assertThat(store.commits()).isEqualTo(commits);
        }
    }

    @Test
    @DisplayName("many sync() callers share commits: 8 threads x 200 appends each waited for take fewer fsyncs")
    void groupCommitSharesFsyncs() throws Exception {
        int threads = 8;
        int perThread = 200;
        try (DurableSessionStore store = DurableSessionStore.open(dir(), Durability.SYNC)) {
            store.putSession("s");
            store.sync().join();
            long before = store.commits();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            store.append("s", message("t", "x", QoS.AT_LEAST_ONCE), QoS.AT_LEAST_ONCE);
                            store.sync().join();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(30, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            long commits = store.commits() - before;
            assertThat(commits).isPositive().isLessThanOrEqualTo(threads * perThread);
            assertThat(byClientId(store.recover()).get("s").messages()).hasSize(threads * perThread);
        }
    }

    @Test
    @DisplayName("8 threads appending, marking and removing at once: recovery holds exactly what each left, in order")
    void concurrentWritersThenRecover() throws Exception {
        int threads = 8;
        int perThread = 2_000;
        List<List<Long>> keptKeys = new ArrayList<>();
        try (DurableSessionStore store = DurableSessionStore.open(dir(), Durability.SYNC)) {
            store.putSession("shared");
            for (int t = 0; t < threads; t++) {
                store.putSession("own" + t);
                keptKeys.add(new ArrayList<>());
            }
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            String payload = thread + ":" + i;
                            long own = store.append("own" + thread, message("own", payload, QoS.AT_LEAST_ONCE),
                                    QoS.AT_LEAST_ONCE);
                            long shared = store.append("shared", message("shared", payload, QoS.EXACTLY_ONCE),
                                    QoS.EXACTLY_ONCE);
                            store.markSent("shared", shared, i % 65535 + 1);
                            if (i % 3 == 0) {
                                store.remove("own" + thread, own);
                            } else {
                                keptKeys.get(thread).add(own);
                            }
                            if (i % 100 == 0) {
                                store.sync();
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : done) {
                    f.get(30, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
        }

        Map<String, StoredSession> sessions = byClientId(reopen(dir()));

        for (int t = 0; t < threads; t++) {
            List<StoredMessage> own = sessions.get("own" + t).messages();
            assertThat(own).extracting(StoredMessage::key).containsExactlyElementsOf(keptKeys.get(t));
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                if (i % 3 != 0) {
                    expected.add(t + ":" + i);
                }
            }
            assertThat(own).extracting(m -> new String(m.message().payload(), StandardCharsets.UTF_8))
                    .containsExactlyElementsOf(expected);
        }
        List<StoredMessage> shared = sessions.get("shared").messages();
        assertThat(shared).hasSize(threads * perThread);
        assertThat(shared).extracting(StoredMessage::key).isSorted().doesNotHaveDuplicates();
        for (int t = 0; t < threads; t++) {
            String prefix = t + ":";
            List<String> ofThread = shared.stream()
                    .map(m -> new String(m.message().payload(), StandardCharsets.UTF_8))
                    .filter(p -> p.startsWith(prefix)).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                expected.add(prefix + i);
            }
            assertThat(ofThread).containsExactlyElementsOf(expected);
        }
        assertThat(shared).allSatisfy(m -> assertThat(m.packetId()).isPositive());
    }

    @Test
    @DisplayName("periodic mode: sync() completes at once, and the timer commits without any sync()")
    void periodicModeCommitsOnItsTimer() {
        try (DurableSessionStore store = DurableSessionStore.open(dir(), Durability.periodic(Duration.ofMillis(200)))) {
            store.putSession("s");
            store.append("s", message("t", "timed", QoS.AT_LEAST_ONCE), QoS.AT_LEAST_ONCE);

            assertThat(store.sync()).isCompleted();

            await().atMost(Duration.ofSeconds(10)).until(() -> store.commits() > 0);
            assertThat(byClientId(copyAndRecover(dir(), tmp)).get("s").messages()).hasSize(1);
        }
    }

    @Test
    @DisplayName("periodic mode loses what came after the last commit on a crash, and close() keeps it")
    void periodicModeLosesUncommittedWritesOnCrash() {
        try (DurableSessionStore store = DurableSessionStore.open(dir(), Durability.periodic(Duration.ofHours(1)))) {
            store.putSession("s");
            assertThat(store.sync()).isCompleted();

            // a crash now: the copy of the file has nothing of it
            assertThat(copyAndRecover(dir(), tmp).sessions()).isEmpty();
        }
        assertThat(byClientId(reopen(dir()))).containsOnlyKeys("s");
    }

    @Test
    @DisplayName("close() is idempotent; afterwards writes are ignored, sync() fails and recover() throws")
    void afterClose() {
        DurableSessionStore store = DurableSessionStore.open(dir(), Durability.SYNC);
        store.putSession("kept");
        store.close();
        store.close();

        store.putSession("late");
        long key = store.append("late", message("t", "late", QoS.AT_LEAST_ONCE), QoS.AT_LEAST_ONCE);

        assertThat(key).isPositive();
        assertThat(store.sync()).isCompletedExceptionally();
        assertThatThrownBy(store::recover).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(byClientId(reopen(dir()))).containsOnlyKeys("kept");
    }

    @Test
    @DisplayName("a sync() callback may write to the store and may close it without deadlock")
    void callbacksOnTheWriterThread() {
        DurableSessionStore store = DurableSessionStore.open(dir(), Durability.SYNC);
        store.putSession("s");
        CompletableFuture<Void> chained = store.sync().thenRun(() -> {
            store.putSession("from-callback");
            store.close();
        });
        chained.join();
        store.close();

        assertThat(byClientId(reopen(dir()))).containsOnlyKeys("s", "from-callback");
    }

    @Test
    @DisplayName("an online backup taken while writers run opens as a store holding everything written before it")
    void onlineBackup() throws Exception {
        Path zip = tmp.resolve("backup.zip");
        Set<Long> before = new HashSet<>();
        try (DurableSessionStore store = DurableSessionStore.open(dir(), Durability.SYNC)) {
            store.putSession("s");
            for (int i = 0; i < 20_000; i++) {
                before.add(store.append("s", message("t", "before" + i, QoS.AT_LEAST_ONCE), QoS.AT_LEAST_ONCE));
            }
            Thread writer = new Thread(() -> {
                for (int i = 0; i < 20_000; i++) {
                    store.append("s", message("t", "during" + i, QoS.AT_LEAST_ONCE), QoS.AT_LEAST_ONCE);
                }
            });
            writer.start();
            store.backup(zip);
            writer.join();
            assertThatThrownBy(() -> store.backup(zip)).isInstanceOf(IOException.class);
        }

        Path restored = Files.createDirectories(tmp.resolve("restored"));
        Set<String> names = new HashSet<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                names.add(entry.getName());
                Files.copy((InputStream) in, restored.resolve(entry.getName()));
            }
        }
        assertThat(names).contains("CURRENT").anyMatch(n -> n.startsWith("MANIFEST-"));
        assertThat(tmp.toFile().list()).as("no scratch directory left behind")
                .containsExactlyInAnyOrder("data", "backup.zip", "restored");
        List<StoredMessage> messages = byClientId(reopen(restored)).get("s").messages();
        assertThat(messages).extracting(StoredMessage::key).isSorted();
        Set<Long> missing = new HashSet<>(before);
        messages.forEach(m -> missing.remove(m.key()));
        assertThat(missing).as("written before the backup, missing from it").isEmpty();
    }

    @Test
    @DisplayName("a checkpoint directory taken while writers run is a data directory holding everything written before it")
    void checkpointDirectory() throws Exception {
        Path copy = tmp.resolve("checkpoint");
        Set<Long> before = new HashSet<>();
        try (DurableSessionStore store = DurableSessionStore.open(dir(), Durability.periodic(Duration.ofHours(1)))) {
            store.putSession("s");
            for (int i = 0; i < 5_000; i++) {
                before.add(store.append("s", message("t", "before" + i, QoS.AT_LEAST_ONCE), QoS.AT_LEAST_ONCE));
            }
            store.checkpoint(copy);
            store.append("s", message("t", "after", QoS.AT_LEAST_ONCE), QoS.AT_LEAST_ONCE);
            assertThatThrownBy(() -> store.checkpoint(copy)).isInstanceOf(IOException.class);
        }
        List<StoredMessage> messages = byClientId(reopen(copy)).get("s").messages();
        assertThat(messages).extracting(StoredMessage::key).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    @DisplayName("recover() on a running store includes writes submitted just before it, in periodic mode too")
    void recoverSeesPendingWrites() {
        try (DurableSessionStore store = DurableSessionStore.open(dir(), Durability.periodic(Duration.ofHours(1)))) {
            store.putSession("s");
            store.putRetained(message("r", "x", QoS.AT_MOST_ONCE).withRetain(true));

            Recovery recovered = store.recover();

            assertThat(byClientId(recovered)).containsOnlyKeys("s");
            assertThat(recovered.retained()).hasSize(1);
        }
    }
}
