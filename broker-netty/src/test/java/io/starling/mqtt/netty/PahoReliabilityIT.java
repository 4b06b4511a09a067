package io.starling.mqtt.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.QueueOverflowPolicy;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Paho;
import io.starling.mqtt.netty.support.RawClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Reconnects, keep-alive expiry and queue limits, seen through the Paho Java client. */
@Timeout(60)
class PahoReliabilityIT {
    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    private MqttClient persistentClient(String id, MqttConnectOptions options) throws Exception {
        MqttClient client = new MqttClient(broker.uri(), id, new MemoryPersistence());
        client.setTimeToWait(5000);
        client.connect(options);
        AutoCloseable closer = () -> {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 100, false);
            }
            client.close(true);
        };
        broker.track(closer);
        return client;
    }

    /** q-sub leaves a persistent session subscribed to q/t at QoS 1; q-pub then publishes m0, m1, ... there. */
    private void publishWhileSubscriberAway(int messages) throws Exception {
        Paho.Client sub = Paho.connect(broker.uri(), "q-sub", false);
        sub.subscribe("q/t", 1);
        sub.disconnect();
        sub.close();
        Paho.Client pub = broker.paho("q-pub", true);
        for (int i = 0; i < messages; i++) {
            pub.publish("q/t", "m" + i, 1, false);
        }
    }

    private static MqttConnectOptions persistent() {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(false);
        o.setAutomaticReconnect(false);
        o.setMaxInflight(100);
        o.setKeepAliveInterval(30);
        return o;
    }

    @Test
    @DisplayName("[MQTT-4.3.3-2] [MQTT-4.4.0-1] QoS 2 exactly once while publisher and subscriber drop and reconnect")
    void qos2ExactlyOnceAcrossReconnects() throws Exception {
        broker.start();
        int total = 300;
        Map<Integer, AtomicInteger> received = new ConcurrentHashMap<>();
        java.util.concurrent.CountDownLatch endSeen = new java.util.concurrent.CountDownLatch(1);
        MqttClient subscriber = persistentClient("eo-sub", persistent());
        subscriber.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                String text = new String(message.getPayload(), StandardCharsets.UTF_8);
                if (text.equals("end")) {
                    endSeen.countDown();
                    return;
                }
                int n = Integer.parseInt(text);
                received.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
                assertThat(message.getQos()).isEqualTo(2);
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        subscriber.subscribe("eo/t", 2);
        MqttClient publisher = persistentClient("eo-pub", persistent());

        for (int i = 0; i < total; i++) {
            publisher.publish("eo/t", Integer.toString(i).getBytes(StandardCharsets.UTF_8), 2, false);
            if (i == total / 3) {
                // Drop the subscriber's TCP connection without DISCONNECT, with flows in flight, and come back.
                subscriber.disconnectForcibly(0, 0, false);
                subscriber.connect(persistent());
            }
            if (i == 2 * total / 3) {
                publisher.disconnectForcibly(0, 0, false);
                publisher.connect(persistent());
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == total);
        // Ordered delivery: any late duplicate of an earlier message would arrive before this marker.
        publisher.publish("eo/t", "end".getBytes(StandardCharsets.UTF_8), 2, false);
        assertThat(endSeen.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(received.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
        assertThat(received.keySet()).hasSize(total);
    }

    @Test
    @DisplayName("[MQTT-3.1.2-24] [MQTT-3.1.2-8] will of a client whose keep-alive expires reaches a Paho subscriber")
    void willOnKeepAliveExpiry() throws Exception {
        broker.start();
        Paho.Client watcher = broker.paho("watcher", true);
        watcher.subscribe("ka/will", 1);
        RawClient silent = broker.rawConnectedWithWill("silent", 1, "ka/will", "expired", 1, false);
        long start = System.nanoTime();
        Paho.Received will = watcher.next();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(will.text()).isEqualTo("expired");
        assertThat(millis).as("will published at about 1.5 x keep-alive").isBetween(1000L, 4000L);
        silent.expectClosed();
    }

    @Test
    @DisplayName("[MQTT-4.1.0-1] offline queue limit, DISCARD_SESSION: Paho sees session present 0 and no stale messages")
    void queueLimitDiscardsSession() throws Exception {
        broker.start(c -> c.maxQueuedMessages(5));
        publishWhileSubscriberAway(6);
        await().until(() -> broker.stats().sessionsDiscardedOnOverflow() == 1);
        Paho.Client back = broker.paho("q-sub", false);
        assertThat(back.sessionPresent()).isFalse();
        assertThat(back.received.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    @DisplayName("[MQTT-4.1.0-1] offline queue limit, DROP_OLDEST: Paho receives the newest messages in order")
    void queueLimitDropsOldest() throws Exception {
        broker.start(c -> c.maxQueuedMessages(5).queueOverflowPolicy(QueueOverflowPolicy.DROP_OLDEST));
        publishWhileSubscriberAway(8);
        await().until(() -> broker.stats().queueOverflowDrops() == 3);
        Paho.Client back = broker.paho("q-sub", false);
        assertThat(back.sessionPresent()).isTrue();
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            got.add(back.next().text());
        }
        assertThat(got).containsExactly("m3", "m4", "m5", "m6", "m7");
    }
}
