package io.starling.mqtt.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's embedding example runs: it starts a broker on a free port and receives its own message. */
@Timeout(30)
class EmbeddedExampleIT {

    @Test
    @DisplayName("EmbeddedExample.main prints the broker's URI and the received sensors/kitchen/temperature = 21.5")
    void embeddedExamplePrintsTheMessage() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            EmbeddedExample.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8).lines().toList())
                .hasSize(2)
                .satisfies(lines -> assertThat(lines.get(0)).matches("MQTT clients can connect to tcp://127\\.0\\.0\\.1:\\d+"))
                .satisfies(lines -> assertThat(lines.get(1)).isEqualTo("sensors/kitchen/temperature = 21.5"));
    }
}
