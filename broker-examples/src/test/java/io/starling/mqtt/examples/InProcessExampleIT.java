package io.starling.mqtt.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class InProcessExampleIT {
    @Test
    void helloPrintsTheMessage() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        InProcessExample.hello(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("greetings/world: hello" + System.lineSeparator());
    }

    @Test
    void liveMessageAndRetainedMessageForALateSubscriber() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<String> lines = InProcessExample.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(lines).containsExactly(
                "live: sensors/kitchen/temperature = 21.5",
                "late: status/door = open retain=true");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("late: status/door = open retain=true");
    }

    @Test
    void lifecycleShowsTheBrokerThreadsAndReleasesThem() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<String> threads = LifecycleExample.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String output = bytes.toString(StandardCharsets.UTF_8);
        assertThat(output).containsPattern("listening on tcp://127\\.0\\.0\\.1:\\d+ \\(port \\d+\\)");
        String accept = threads.stream().filter(t -> t.endsWith("-accept") || t.contains("-accept-"))
                .findFirst().orElseThrow(() -> new AssertionError("no accept thread in " + threads));
        String prefix = accept.substring(0, accept.indexOf("-accept"));
        // Event loops start as connections arrive; the $SYS publisher runs because the example sets sysInterval.
        assertThat(threads).contains(prefix + "-sys");
        await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith(prefix + "-")));
    }
}
