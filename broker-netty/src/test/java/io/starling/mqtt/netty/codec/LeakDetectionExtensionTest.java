package io.starling.mqtt.netty.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.starling.mqtt.netty.LeakDetectionExtension;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Proves the leak extension can fail: a guard that never fires looks exactly like a codebase without leaks. The
 * deliberate leak is claimed by its marker before the class ends, so only a genuine leak fails this class.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LeakDetectionExtensionTest {

    @Test
    @DisplayName("a buffer dropped without release is recorded, and the recorded report fails the check")
    void detectsADeliberateLeak() {
        String marker = "deliberate-leak-" + UUID.randomUUID();
        leakABuffer(marker);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            LeakDetectionExtension.collectGarbageAndTriggerReports();
            return LeakDetectionExtension.leaks().stream().anyMatch(leak -> leak.contains(marker));
        });
        List<String> mine = LeakDetectionExtension.takeLeaksContaining(marker);

        assertThat(mine).hasSize(1);
        assertThat(LeakDetectionExtension.leaks()).noneMatch(leak -> leak.contains(marker));
        assertThatThrownBy(() -> LeakDetectionExtension.failIfLeaked(mine, "the deliberate leak"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(marker)
                .hasMessageContaining("1 Netty leak report(s) during the deliberate leak");
    }

    @Test
    @DisplayName("no recorded report, no failure")
    void passesWithoutReports() {
        assertThatNoException().isThrownBy(() -> LeakDetectionExtension.failIfLeaked(List.of(), "nothing"));
    }

    /** In its own frame, so no local variable keeps the buffer reachable. */
    private static void leakABuffer(String marker) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        buf.writeByte(1);
        buf.touch(marker);
    }
}
