package io.starling.mqtt.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An event loop with a long queue of tasks (a burst of new connections is one such queue: each registration is a
 * task) still serves the I/O of its established connections in between, rather than after the whole queue.
 */
@Timeout(30)
class EventLoopResponsivenessIT {
    private static final int TASKS = 500;

    @Test
    @DisplayName("a PINGREQ is answered while a queue of 500 slow loop tasks is still running, not after it")
    void ioIsServedBetweenTaskBatches() throws Exception {
        try (StarlingBroker broker = StarlingBroker.builder().port(0).configure(c -> c.ioThreads(1)).start();
             RawClient client = RawClient.connected(broker.port(), "responsive", true)) {
            // The loop the connection lives on (one I/O thread: every connection's).
            CompletableFuture<EventExecutor> loop = new CompletableFuture<>();
            broker.engine().sessions().get("responsive").execute(() -> loop.complete(ThreadExecutorMap.currentExecutor()));
            EventExecutor executor = loop.get(5, TimeUnit.SECONDS);
            assertThat(executor).isNotNull();

            AtomicInteger done = new AtomicInteger();
            CompletableFuture<Void> queued = new CompletableFuture<>();
            executor.execute(() -> {
                // Queued from the loop itself, so all of them are waiting before the PINGREQ can be read.
                for (int i = 0; i < TASKS; i++) {
                    executor.execute(() -> {
                        simulateSlowTask();
                        done.incrementAndGet();
                    });
                }
                queued.complete(null);
            });
            queued.get(5, TimeUnit.SECONDS);
            client.send(Bytes.pingreq());
            client.expect(0xD0);
            int whenAnswered = done.get();
            assertThat(whenAnswered).as("slow tasks already run when the PINGRESP came").isLessThan(TASKS / 2);
        }
    }

    private static void simulateSlowTask() {
        // A task that holds the loop for 1 ms, as a cold-JIT connection set-up can.
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
