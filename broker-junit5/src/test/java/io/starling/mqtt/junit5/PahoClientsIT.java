package io.starling.mqtt.junit5;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Uses only what a user of the extension has: {@code @StarlingTest}, the injected URI and kit, and the Paho client.
 * docs/testing.md quotes this class.
 */
@StarlingTest
@Timeout(30)
class PahoClientsIT {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @BrokerUri
    String brokerUri;

    StarlingTestKit kit;

    private MqttClient subscriber;
    private MqttClient publisher;

    @BeforeEach
    void connectClients() throws MqttException {
        subscriber = new MqttClient(brokerUri, "subscriber", new MemoryPersistence());
        publisher = new MqttClient(brokerUri, "publisher", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        subscriber.connect(options);
        publisher.connect(options);
    }

    @AfterEach
    void closeClients() throws MqttException {
        for (MqttClient client : new MqttClient[] {subscriber, publisher}) {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close();
        }
    }

    @Test
    void subscriberReceivesWhatPublisherSends() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        subscriber.subscribe("sensors/+/temperature", 1,
                (topic, message) -> received.add(topic + " " + new String(message.getPayload(), UTF_8)));
        kit.awaitSubscribed("subscriber", "sensors/+/temperature", WAIT);
        MessageRecorder recorder = kit.collect("sensors/#");

        publisher.publish("sensors/kitchen/temperature", "21.5".getBytes(UTF_8), 1, false);

        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("sensors/kitchen/temperature 21.5");
        recorder.awaitCount(1, WAIT);
        assertThat(recorder.payloadsAsStrings()).containsExactly("21.5");
        assertThat(recorder.messages().get(0).qos()).isEqualTo(QoS.AT_LEAST_ONCE);
    }

    @Test
    void testPublishesToAClient() throws Exception {
        BlockingQueue<String> commands = new LinkedBlockingQueue<>();
        subscriber.subscribe("lamps/+/set", 1,
                (topic, message) -> commands.add(new String(message.getPayload(), UTF_8)));
        kit.awaitSubscribed("subscriber", "lamps/+/set", WAIT);

        kit.publish("lamps/hall/set", "on");

        assertThat(commands.poll(5, TimeUnit.SECONDS)).isEqualTo("on");
    }

    @Test
    void retainedMessageIsThereForLateObservers() throws Exception {
        publisher.publish("status/publisher", "online".getBytes(UTF_8), 1, true);

        Message status = kit.awaitMessage("status/+", WAIT);

        assertThat(status.topic().value()).isEqualTo("status/publisher");
        assertThat(new String(status.payload(), UTF_8)).isEqualTo("online");
        assertThat(status.retain()).isTrue();
    }

    @Test
    void connectionsAreVisible() throws Exception {
        kit.assertClientConnected("subscriber");
        assertThat(kit.connectedClients()).containsExactly("publisher", "subscriber");

        publisher.disconnect();

        kit.awaitClientDisconnected("publisher", WAIT);
        kit.awaitClientConnected("subscriber", WAIT);
    }
}
