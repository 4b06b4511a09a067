package io.starling.mqtt.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The flood generator's lower CPU priority: applied to every thread of the group, and to nothing else. */
@Timeout(60)
class ThreadNiceTest {

    @Test
    @DisplayName("the nice value is read from field 19 of a /proc stat line, whatever the command name holds")
    void parsesStat() {
        String stat = "4242 (ol heavy) 1-2) S 1 4242 4242 0 -1 4194560 300 0 0 0 12 3 0 0 20 7 3 0 123 456 789";
        assertThat(ThreadNice.niceOf(stat)).isEqualTo(7);
    }

    @Test
    @DisplayName("every loop thread of the group gets the nice value; the calling thread keeps its own")
    void renicesTheGroupOnly() throws Exception {
        assumeThat(Files.isSymbolicLink(Path.of("/proc/thread-self")))
                .as("needs Linux /proc/thread-self; skipped elsewhere").isTrue();
        int mine = ThreadNice.niceOf(Files.readString(Path.of("/proc/thread-self/stat")));
        int target = Math.min(19, mine + 5);
        assumeThat(target).as("this thread already runs at nice 19").isGreaterThan(mine);
        EventLoopGroup group = Transport.group(2, "nice-test");
        try {
            assertThat(ThreadNice.apply(group, target)).isEqualTo("nice " + target + " for 2 threads");
            for (var loop : group) {
                int seen = loop.submit(() -> ThreadNice.niceOf(Files.readString(Path.of("/proc/thread-self/stat"))))
                        .get(10, TimeUnit.SECONDS);
                assertThat(seen).isEqualTo(target);
            }
            assertThat(ThreadNice.niceOf(Files.readString(Path.of("/proc/thread-self/stat")))).isEqualTo(mine);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    @DisplayName("nice 0 leaves the threads alone")
    void zeroIsUnchanged() throws Exception {
        EventLoopGroup group = Transport.group(1, "nice-test");
        try {
            assertThat(ThreadNice.apply(group, 0)).isEqualTo("nice 0 (unchanged)");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
