package io.starling.mqtt.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.SingleThreadEventLoop;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The worker loops' task quantum (decision 0012): a long queue of tasks runs in bounded batches, with the
 * after-iteration tasks (the connections' flushes) and the next I/O pass between them.
 */
@Timeout(30)
class ResponsiveEventLoopGroupTest {
    private static final int TASKS = 200;

    private final ResponsiveEventLoopGroup group =
            new ResponsiveEventLoopGroup(1, new DefaultThreadFactory("responsive-test"), NioIoHandler.newFactory());

    @AfterEach
    void shutDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    @DisplayName("queued tasks run in bounded batches: the after-iteration tasks run between them, not after all 200")
    void tasksRunInBatches() throws Exception {
        AtomicInteger tasksRun = new AtomicInteger();
        CompletableFuture<Integer> tasksRunAtTail = new CompletableFuture<>();
        SingleThreadEventLoop loop = (SingleThreadEventLoop) group.next();
        loop.execute(() -> {
            for (int i = 0; i < TASKS; i++) {
                loop.execute(() -> {
                    spin(200);
                    tasksRun.incrementAndGet();
                });
            }
            loop.executeAfterEventLoopIteration(() -> tasksRunAtTail.complete(tasksRun.get()));
        });
        // 64 tasks take 12.8 ms, past the 1 ms quantum: the batch ends at Netty's first deadline check.
        assertThat(tasksRunAtTail.get(10, TimeUnit.SECONDS)).as("tasks run before the after-iteration task")
                .isLessThanOrEqualTo(64);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(tasksRun).hasValue(TASKS));
    }

    private static void spin(long micros) {
        long end = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(micros);
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
