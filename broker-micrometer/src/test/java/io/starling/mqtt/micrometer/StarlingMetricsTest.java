package io.starling.mqtt.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.starling.mqtt.api.AuthenticationResult;
import io.starling.mqtt.api.QueueOverflowPolicy;
import io.starling.mqtt.netty.StarlingBroker;
import io.starling.mqtt.topic.TopicFilter;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The meters move as clients connect, subscribe, publish, go offline and misbehave. */
@Timeout(60)
class StarlingMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<StarlingBroker> brokers = new ArrayList<>();
    private final List<MqttClient> clients = new ArrayList<>();

    @AfterEach
    void tearDown() throws MqttException {
        for (MqttClient client : clients) {
            if (client.isConnected()) {
                client.disconnectForcibly(100, 100);
            }
            client.close();
        }
        brokers.forEach(StarlingBroker::close);
    }

    private StarlingBroker broker(MeterRegistry registry,
                                  Consumer<io.starling.mqtt.api.BrokerConfig.Builder> settings) {
        StarlingBroker broker = StarlingBroker.builder().port(0).configure(settings).start();
        brokers.add(broker);
        new StarlingMetrics(broker).bindTo(registry);
        return broker;
    }

    private MqttClient client(StarlingBroker broker, String id, boolean cleanSession) throws MqttException {
        return client(broker, id, cleanSession, null);
    }

    private MqttClient client(StarlingBroker broker, String id, boolean cleanSession, String password)
            throws MqttException {
        MqttClient client = new MqttClient(broker.uri(), id, new MemoryPersistence());
        clients.add(client);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(cleanSession);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(5);
        // Paho's default retries a refused 3.1.1 CONNECT as MQTT 3.1, which would double every refusal.
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        if (password != null) {
            options.setUserName("user");
            options.setPassword(password.toCharArray());
        }
        client.connect(options);
        return client;
    }

    /** The sum over every counter of that name and tags (messages.received has one per QoS). */
    private static double count(MeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).functionCounters().stream()
                .mapToDouble(io.micrometer.core.instrument.FunctionCounter::count).sum();
    }

    private static double gauge(MeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }

    private static int sysRetained(StarlingBroker broker) {
        int[] count = new int[1];
        broker.engine().retained().forEachMatching(TopicFilter.of("$SYS/#"), m -> count[0]++);
        return count[0];
    }

    private static MqttMessage message(String payload, int qos, boolean retained) {
        MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        message.setQos(qos);
        message.setRetained(retained);
        return message;
    }

    @Test
    @DisplayName("every meter is registered, with its type and tags, and starts at zero on a fresh broker")
    void registersEveryMeterAtZero() {
        MeterRegistry registry = new SimpleMeterRegistry();
        broker(registry, c -> { });
        assertThat(registry.getMeters()).hasSize(OperationsDocTest.registeredMeters(registry).size());
        for (Meter meter : registry.getMeters()) {
            assertThat(meter.getId().getName()).startsWith(StarlingMetrics.PREFIX);
            assertThat(meter.getId().getDescription()).isNotBlank();
            assertThat(meter.getId().getBaseUnit()).isNotBlank();
            if (meter.getId().getName().equals("starling.retained.messages")) {
                continue; // the broker retains its own $SYS topics
            }
            meter.measure().forEach(m -> assertThat(m.getValue()).as(meter.getId().toString()).isZero());
        }
        assertThat(registry.find("starling.messages.dropped").functionCounters()).hasSize(3);
        assertThat(registry.find("starling.sessions").gauges()).hasSize(2);
    }

    @Test
    @DisplayName("connections, subscriptions, messages received and sent, retained messages")
    void connectSubscribePublish() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        StarlingBroker broker = broker(registry, c -> { });

        MqttClient subscriber = client(broker, "sub", true);
        MqttClient publisher = client(broker, "pub", true);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(count(registry, "starling.connections.accepted")).isEqualTo(2);
            assertThat(gauge(registry, "starling.sessions", "state", "connected")).isEqualTo(2);
            assertThat(gauge(registry, "starling.clients.connected")).isEqualTo(2);
            assertThat(gauge(registry, "starling.sessions", "state", "offline")).isZero();
        });

        List<String> received = new CopyOnWriteArrayList<>();
        subscriber.subscribe("t/#", 1, (topic, m) -> received.add(topic));
        subscriber.subscribe("other", 0, (topic, m) -> { });
        assertThat(gauge(registry, "starling.subscriptions")).isEqualTo(2);

        publisher.publish("t/1", message("a", 1, false));
        publisher.publish("t/2", message("b", 0, true));
        publisher.publish("nobody/listens", message("c", 1, false));
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(received).containsExactlyInAnyOrder("t/1", "t/2");
            assertThat(count(registry, "starling.messages.received")).isEqualTo(3);
            assertThat(count(registry, "starling.messages.received", "qos", "1")).isEqualTo(2);
            assertThat(count(registry, "starling.messages.received", "qos", "0")).isEqualTo(1);
            assertThat(count(registry, "starling.messages.received", "qos", "2")).isZero();
            assertThat(count(registry, "starling.messages.sent")).isEqualTo(2);
            assertThat(count(registry, "starling.messages.sent", "qos", "1")).isEqualTo(1);
            assertThat(count(registry, "starling.messages.sent", "qos", "0")).isEqualTo(1);
            // At least the CONNECTs, SUBSCRIBE and three PUBLISHes came in; CONNACKs, SUBACK and two PUBLISHes went out.
            assertThat(count(registry, "starling.bytes.received")).isGreaterThan(3 * 20);
            assertThat(count(registry, "starling.bytes.sent")).isGreaterThan(2 * 20);
            // The broker retains its own $SYS topics too, and their number varies while it runs.
            assertThat(gauge(registry, "starling.retained.messages") - sysRetained(broker)).isEqualTo(1);
        });

        subscriber.unsubscribe("other");
        assertThat(gauge(registry, "starling.subscriptions")).isEqualTo(1);

        publisher.disconnect();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(gauge(registry, "starling.sessions", "state", "connected")).isEqualTo(1);
            assertThat(gauge(registry, "starling.clients.connected")).isEqualTo(1);
            // A clean session ends with its connection: it is not kept offline.
            assertThat(gauge(registry, "starling.sessions", "state", "offline")).isZero();
        });
        assertThat(count(registry, "starling.connections.refused")).isZero();
        assertThat(count(registry, "starling.protocol.violations")).isZero();
    }

    @Test
    @DisplayName("refused logins count as refused connections and as authentication failures")
    void refusedConnections() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        StarlingBroker broker = broker(registry, c -> c.authenticator(credentials -> CompletableFuture.completedFuture(
                Arrays.equals(credentials.password(), "secret".getBytes(StandardCharsets.UTF_8))
                        ? AuthenticationResult.ACCEPTED : AuthenticationResult.BAD_USERNAME_OR_PASSWORD)));

        client(broker, "good", true, "secret");
        for (int i = 0; i < 2; i++) {
            int attempt = i;
            try {
                client(broker, "bad" + attempt, true, "wrong");
            } catch (MqttException expected) {
                assertThat(expected.getReasonCode()).isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION);
            }
        }
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(count(registry, "starling.connections.accepted")).isEqualTo(1);
            assertThat(count(registry, "starling.connections.refused")).isEqualTo(2);
            assertThat(count(registry, "starling.auth.failures")).isEqualTo(2);
        });
    }

    @Test
    @DisplayName("inflight messages rise until the subscriber acknowledges them")
    void inflight() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        StarlingBroker broker = broker(registry, c -> { });

        MqttClient subscriber = new MqttClient(broker.uri(), "slow", new MemoryPersistence());
        clients.add(subscriber);
        subscriber.setManualAcks(true);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        subscriber.connect(options);
        List<MqttMessage> unacknowledged = new CopyOnWriteArrayList<>();
        subscriber.subscribe("work", 1, (topic, m) -> unacknowledged.add(m));

        MqttClient publisher = client(broker, "producer", true);
        publisher.publish("work", message("1", 1, false));
        publisher.publish("work", message("2", 1, false));
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(unacknowledged).hasSize(2);
            assertThat(gauge(registry, "starling.inflight.messages")).isEqualTo(2);
        });

        for (MqttMessage m : unacknowledged) {
            subscriber.messageArrivedComplete(m.getId(), m.getQos());
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(gauge(registry, "starling.inflight.messages")).isZero());
    }

    @Test
    @DisplayName("offline sessions: queued messages, queue overflow drops and QoS 0 drops by reason")
    void offlineSessionDrops() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        StarlingBroker broker = broker(registry, c -> c.maxQueuedMessages(2)
                .queueOverflowPolicy(QueueOverflowPolicy.DROP_NEWEST));

        MqttClient persistent = client(broker, "away", false);
        persistent.subscribe("q/#", 1);
        persistent.disconnect();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(gauge(registry, "starling.sessions", "state", "offline")).isEqualTo(1);
            assertThat(gauge(registry, "starling.sessions", "state", "connected")).isZero();
        });

        MqttClient publisher = client(broker, "producer", true);
        for (int i = 0; i < 3; i++) {
            publisher.publish("q/x", message("m" + i, 1, false));
        }
        publisher.publish("q/x", message("qos0", 0, false));
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(count(registry, "starling.messages.received")).isEqualTo(4);
            assertThat(gauge(registry, "starling.queued.messages")).isEqualTo(2);
            assertThat(count(registry, "starling.messages.dropped", "reason", "queue_overflow")).isEqualTo(1);
            assertThat(count(registry, "starling.messages.dropped", "reason", "qos0_offline")).isEqualTo(1);
        });
        assertThat(count(registry, "starling.messages.dropped", "reason", "qos0_not_writable")).isZero();
        assertThat(count(registry, "starling.sessions.discarded", "reason", "queue_overflow")).isZero();

        // The client comes back: its queue drains.
        List<String> delivered = new CopyOnWriteArrayList<>();
        MqttClient back = new MqttClient(broker.uri(), "away", new MemoryPersistence());
        clients.add(back);
        back.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) { }

            @Override
            public void messageArrived(String topic, MqttMessage m) {
                delivered.add(new String(m.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) { }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        back.connect(options);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(delivered).containsExactly("m0", "m1");
            assertThat(gauge(registry, "starling.queued.messages")).isZero();
            assertThat(gauge(registry, "starling.sessions", "state", "connected")).isEqualTo(2);
            assertThat(gauge(registry, "starling.sessions", "state", "offline")).isZero();
        });
    }

    @Test
    @DisplayName("a session discarded on queue overflow is counted and leaves the gauges")
    void sessionDiscarded() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        StarlingBroker broker = broker(registry, c -> c.maxQueuedMessages(1)
                .queueOverflowPolicy(QueueOverflowPolicy.DISCARD_SESSION));

        MqttClient persistent = client(broker, "away", false);
        persistent.subscribe("q/#", 1);
        persistent.disconnect();

        MqttClient publisher = client(broker, "producer", true);
        publisher.publish("q/x", message("1", 1, false));
        publisher.publish("q/x", message("2", 1, false));
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(count(registry, "starling.sessions.discarded", "reason", "queue_overflow")).isEqualTo(1);
            assertThat(gauge(registry, "starling.sessions", "state", "offline")).isZero();
            assertThat(gauge(registry, "starling.queued.messages")).isZero();
            assertThat(gauge(registry, "starling.subscriptions")).isZero();
        });
    }

    @Test
    @DisplayName("publishes to $SYS are denied; malformed bytes are protocol violations")
    void deniedAndViolations() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        StarlingBroker broker = broker(registry, c -> { });

        MqttClient publisher = client(broker, "sneaky", true);
        publisher.publish("$SYS/broker/uptime", message("0", 1, false));
        await().atMost(WAIT).untilAsserted(
                () -> assertThat(count(registry, "starling.publishes.denied")).isEqualTo(1));

        try (Socket socket = new Socket("127.0.0.1", broker.port())) {
            OutputStream out = socket.getOutputStream();
            // A CONNECT fixed header with reserved flag bits set is malformed [MQTT-2.2.2-2].
            out.write(new byte[] {0x11, 0x00});
            out.flush();
            await().atMost(WAIT).untilAsserted(
                    () -> assertThat(count(registry, "starling.protocol.violations")).isEqualTo(1));
        }
    }

    @Test
    @DisplayName("constructor tags are added to every meter, so two brokers can share a registry")
    void commonTags() {
        MeterRegistry registry = new SimpleMeterRegistry();
        StarlingBroker a = StarlingBroker.builder().port(0).start();
        StarlingBroker b = StarlingBroker.builder().port(0).start();
        brokers.add(a);
        brokers.add(b);
        new StarlingMetrics(a, Tags.of("broker", "a")).bindTo(registry);
        new StarlingMetrics(b, Tags.of("broker", "b")).bindTo(registry);
        assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTag("broker")).isIn("a", "b"));
        assertThat(registry.find("starling.connections.accepted").functionCounters()).hasSize(2);
    }
}
