package io.starling.mqtt.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.netty.StarlingBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

class AdminExampleIT {
    @Test
    void listsSessionsDisconnectsAClientAndClearsARetainedMessage() throws Exception {
        try (StarlingBroker broker = StarlingBroker.builder().port(0).start()) {
            broker.publish(Message.of("status/broker", "up".getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, true));
            MqttClient client = new MqttClient(broker.uri(), "sensor-1", new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(false);
            client.connect(options);
            List<String> received = new CopyOnWriteArrayList<>();
            client.subscribe("status/#", 1, (topic, message) -> received.add(topic + " " + message));
            await().atMost(Duration.ofSeconds(5)).until(() -> received.contains("status/broker up"));

            // The retained status/broker goes out at QoS 1: inflight until the client's PUBACK arrives.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(run(broker, "sessions")).isEqualTo(
                    "sensor-1 connected=true cleanSession=false subscriptions=[status/#] inflight=0 queued=0"));

            assertThat(run(broker, "kick sensor-1")).isEqualTo("disconnected sensor-1");
            await().atMost(Duration.ofSeconds(5)).until(() -> !client.isConnected());
            await().atMost(Duration.ofSeconds(5)).until(() -> run(broker, "sessions").equals(
                    "sensor-1 connected=false cleanSession=false subscriptions=[status/#] inflight=0 queued=0"));
            assertThat(run(broker, "kick sensor-1")).isEqualTo("not connected: sensor-1");

            assertThat(run(broker, "clear status/broker")).isEqualTo("cleared status/broker");
            assertThat(run(broker, "clear status/broker")).isEqualTo("no retained message on status/broker");
            List<Message> late = new CopyOnWriteArrayList<>();
            broker.subscribe("status/#", QoS.AT_LEAST_ONCE, late::add).close();
            TimeUnit.MILLISECONDS.sleep(100);
            assertThat(late).isEmpty();

            assertThat(run(broker, "fly")).isEqualTo("unknown command: fly");
            client.close();
        }
    }

    private static String run(StarlingBroker broker, String command) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AdminExample.execute(command, broker.admin(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8).strip();
    }
}
