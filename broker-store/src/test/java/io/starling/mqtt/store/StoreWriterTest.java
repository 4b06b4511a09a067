package io.starling.mqtt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Group commit against a fake engine: when barriers complete, what shares a commit, failure and close. */
@Timeout(30)
class StoreWriterTest {
    /** Counts applied writes; a commit records how many it covered; the first commit can be held. */
    static final class FakeEngine implements StoreWriter.Engine {
        final AtomicInteger applied = new AtomicInteger();
        final List<Integer> commits = new java.util.concurrent.CopyOnWriteArrayList<>();
        final CountDownLatch firstCommitEntered = new CountDownLatch(1);
        volatile CountDownLatch holdFirstCommit = new CountDownLatch(0);
        volatile RuntimeException failCommit;
        volatile Boolean closedClean;

        @Override
        public void commitAndSync() {
            firstCommitEntered.countDown();
            try {
                holdFirstCommit.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            if (failCommit != null) {
                throw failCommit;
            }
            commits.add(applied.get());
        }

        @Override
        public boolean maintain() {
            return false;
        }

        @Override
        public void close(boolean clean) {
            closedClean = clean;
        }
    }

    private final FakeEngine engine = new FakeEngine();
    private StoreWriter writer;

    private StoreWriter start(Durability durability, Duration commitDelay) {
        writer = new StoreWriter("test store", engine, durability, commitDelay.toNanos());
        writer.start();
        return writer;
    }

    @AfterEach
    void stop() {
        if (writer != null) {
            writer.close();
        }
    }

    private void write() {
        writer.submit(engine.applied::incrementAndGet);
    }

    @Test
    @DisplayName("a barrier completes only after a commit covering every write submitted before it")
    void barrierWaitsForItsCommit() throws Exception {
        start(Durability.SYNC, Duration.ofHours(1));
        engine.holdFirstCommit = new CountDownLatch(1);
        write();
        write();
        CompletableFuture<Void> barrier = writer.sync();
        assertThat(engine.firstCommitEntered.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(barrier).isNotDone();

        engine.holdFirstCommit.countDown();
        barrier.get(10, TimeUnit.SECONDS);
        assertThat(engine.commits).isNotEmpty().last().isEqualTo(2);
    }

    @Test
    @DisplayName("writes and barriers that queue up during one fsync share the next one (group commit)")
    void waitersShareTheNextCommit() throws Exception {
        start(Durability.SYNC, Duration.ofHours(1));
        engine.holdFirstCommit = new CountDownLatch(1);
        write();
        CompletableFuture<Void> first = writer.sync();
        assertThat(engine.firstCommitEntered.await(10, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 25; i++) {
                    write();
                    CompletableFuture<Void> barrier = writer.sync();
                    synchronized (waiting) {
                        waiting.add(barrier);
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }

        engine.holdFirstCommit.countDown();

        first.get(10, TimeUnit.SECONDS);
        CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(engine.commits).containsExactly(1, 101);
    }

    @Test
    @DisplayName("with nothing pending, sync() is already complete and no commit runs")
    void nothingPending() {
        start(Durability.SYNC, Duration.ofHours(1));

        assertThat(writer.sync()).isCompleted();
        write();
        writer.sync().join();
        int commits = engine.commits.size();
        assertThat(writer.sync()).isCompleted();
        assertThat(engine.commits).hasSize(commits);
    }

    @Test
    @DisplayName("SYNC mode commits a write nobody waits for within the commit delay")
    void unwaitedWriteIsCommittedAfterTheDelay() {
        start(Durability.SYNC, Duration.ofMillis(50));

        write();

        await().atMost(Duration.ofSeconds(5)).until(() -> engine.commits.contains(1));
    }

    @Test
    @DisplayName("periodic mode: sync() is complete at once, and writes are committed by the timer")
    void periodic() {
        start(Durability.periodic(Duration.ofMillis(100)), Duration.ofMillis(100));
        write();

        assertThat(writer.sync()).isCompleted();
        await().atMost(Duration.ofSeconds(5)).until(() -> engine.commits.contains(1));
        // flush() (recovery) still forces a commit
        write();
        writer.flush().join();
        assertThat(engine.commits).last().isEqualTo(2);
    }

    @Test
    @DisplayName("periodic mode: past 65,536 pending writes, sync() waits for the next commit (back-pressure), and "
            + "acknowledges at once again when the backlog has drained")
    void periodicBackPressureByCount() throws Exception {
        start(Durability.periodic(Duration.ofHours(1)), Duration.ofHours(1));
        engine.holdFirstCommit = new CountDownLatch(1);
        for (long i = 0; i < StoreWriter.PERIODIC_BACKLOG_WRITES; i++) {
            write();
        }
        assertThat(writer.sync()).as("at the bound").isCompleted();

        write();
        CompletableFuture<Void> held = writer.sync();
        assertThat(held).as("past the bound").isNotDone();
        assertThat(writer.backPressureEpisodes()).isEqualTo(1);
        assertThat(engine.firstCommitEntered.await(10, TimeUnit.SECONDS)).as("the writer commits the backlog").isTrue();
        assertThat(held).isNotDone();

        engine.holdFirstCommit.countDown();
        held.get(10, TimeUnit.SECONDS);
        assertThat(engine.commits).last().isEqualTo((int) StoreWriter.PERIODIC_BACKLOG_WRITES + 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.pendingWrites() == 0);
        write();
        assertThat(writer.sync()).as("drained").isCompleted();
        assertThat(writer.backPressureEpisodes()).isEqualTo(1);
    }

    @Test
    @DisplayName("periodic mode: past 64 MiB of pending bytes, sync() waits for the next commit (back-pressure)")
    void periodicBackPressureByBytes() throws Exception {
        start(Durability.periodic(Duration.ofHours(1)), Duration.ofHours(1));
        engine.holdFirstCommit = new CountDownLatch(1);
        writer.submit(engine.applied::incrementAndGet, StoreWriter.PERIODIC_BACKLOG_BYTES);
        assertThat(writer.sync()).as("at the bound").isCompleted();

        writer.submit(engine.applied::incrementAndGet, 1);
        CompletableFuture<Void> held = writer.sync();
        assertThat(held).as("one byte past the bound").isNotDone();

        assertThat(engine.firstCommitEntered.await(10, TimeUnit.SECONDS)).isTrue();
        engine.holdFirstCommit.countDown();
        held.get(10, TimeUnit.SECONDS);
        assertThat(engine.commits).last().isEqualTo(2);
    }

    @Test
    @DisplayName("a failing commit fails the waiting barrier and every later sync(); writes are ignored; close returns")
    void failure() {
        start(Durability.SYNC, Duration.ofHours(1));
        engine.failCommit = new IllegalStateException("disk full");
        write();

        CompletableFuture<Void> barrier = writer.sync();

        await().atMost(Duration.ofSeconds(10)).until(barrier::isDone);
        assertThat(barrier).isCompletedExceptionally();
        assertThat(writer.sync()).isCompletedExceptionally();
        assertThat(writer.isOpen()).isFalse();
        write();
        writer.close();
        assertThat(engine.closedClean).isFalse();
        assertThat(engine.applied).hasValue(1);
    }

    @Test
    @DisplayName("close() applies and commits everything queued before it, then closes the engine cleanly")
    void closeDrains() {
        start(Durability.SYNC, Duration.ofHours(1));
        for (int i = 0; i < StoreWriter.MAX_BATCH * 2 + 10; i++) {
            write();
        }

        writer.close();

        assertThat(engine.applied).hasValue(StoreWriter.MAX_BATCH * 2 + 10);
        assertThat(engine.commits).last().isEqualTo(StoreWriter.MAX_BATCH * 2 + 10);
        assertThat(engine.closedClean).isTrue();
        assertThat(writer.sync()).isCompletedExceptionally();
    }
}
