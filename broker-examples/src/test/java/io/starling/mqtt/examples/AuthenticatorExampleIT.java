package io.starling.mqtt.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.netty.StarlingBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthenticatorExampleIT {
    private ExecutorService authExecutor;
    private StarlingBroker broker;

    @BeforeEach
    void start() {
        authExecutor = Executors.newFixedThreadPool(2);
        broker = AuthenticatorExample.start(0, Map.of("alice", "wonderland", "bob", "builder"), authExecutor);
    }

    @AfterEach
    void stop() {
        broker.close();
        authExecutor.shutdownNow();
    }

    @Test
    void goodPasswordConnects() throws Exception {
        MqttClient client = client("alice-1");
        client.connect(options("alice", "wonderland"));
        assertThat(client.isConnected()).isTrue();
        client.disconnect();
        client.close();
    }

    @Test
    void badPasswordGetsConnackFour() throws Exception {
        MqttClient client = client("alice-2");
        MqttException refused = catchThrowableOfType(() -> client.connect(options("alice", "wrong")), MqttException.class);
        assertThat(refused).isNotNull();
        assertThat(refused.getReasonCode()).isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION).isEqualTo(4);
        MqttException unknown = catchThrowableOfType(() -> client.connect(options("mallory", "wonderland")), MqttException.class);
        assertThat(unknown.getReasonCode()).isEqualTo(4);
        client.close();
    }

    @Test
    void publishingOutsideTheOwnPrefixIsDropped() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        broker.subscribe("#", QoS.AT_LEAST_ONCE, m -> seen.add(m.topic() + "=" + text(m)));
        MqttClient alice = client("alice-3");
        alice.connect(options("alice", "wonderland"));

        alice.publish("users/bob/inbox", "not yours".getBytes(StandardCharsets.UTF_8), 1, false);
        alice.publish("elsewhere", "nope".getBytes(StandardCharsets.UTF_8), 1, false);
        alice.publish("users/alice/temp", "21".getBytes(StandardCharsets.UTF_8), 1, false);

        // Messages from one publisher arrive in order: once the allowed one is here, the others were dropped.
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains("users/alice/temp=21"));
        assertThat(seen).containsExactly("users/alice/temp=21");
        assertThat(broker.stats().publishesDenied()).isEqualTo(2);
        assertThat(alice.isConnected()).as("the default policy acknowledges and drops").isTrue();
        alice.disconnect();
        alice.close();
    }

    private MqttClient client(String id) throws MqttException {
        return new MqttClient(broker.uri(), id, new MemoryPersistence());
    }

    private static MqttConnectOptions options(String user, String password) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName(user);
        options.setPassword(password.toCharArray());
        options.setConnectionTimeout(5);
        return options;
    }

    private static String text(Message m) {
        return new String(m.payload(), StandardCharsets.UTF_8);
    }
}
