package io.starling.mqtt.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.api.Interceptor;
import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.Paho;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import io.starling.mqtt.topic.TopicFilter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Interceptors: rewriting and refusing publishes, late decisions, failures, and notifications off the event loop. */
@Timeout(30)
class InterceptorIT {
    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    private static Message withPayload(Message m, String payload) {
        return new Message(m.topic(), payload.getBytes(StandardCharsets.UTF_8), m.qos(), m.retain());
    }

    @Test
    @DisplayName("onPublish rewrites or refuses messages from clients and in-process publishers; refused ones are still acknowledged")
    void rewriteAndRefuse() throws Exception {
        List<String> publishers = new CopyOnWriteArrayList<>();
        broker.start(c -> c.interceptor(new Interceptor() {
            @Override
            public CompletionStage<Message> onPublish(ClientInfo publisher, Message message) {
                publishers.add(publisher.clientId());
                String topic = message.topic().value();
                if (topic.startsWith("blocked/")) {
                    return CompletableFuture.completedFuture(null);
                }
                return CompletableFuture.completedFuture(withPayload(message, "checked:"
                        + new String(message.payload(), StandardCharsets.UTF_8)));
            }
        }));
        Paho.Client sub = broker.paho("sub", true);
        sub.subscribe("#", 1);
        Paho.Client pub = broker.paho("pub", true);
        pub.publish("blocked/x", "no", 1, false);
        pub.publish("open/x", "yes", 1, false);
        assertThat(sub.next().text()).isEqualTo("checked:yes");
        broker.publish(Message.of("open/app", "app".getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, false));
        Paho.Received fromApp = sub.next();
        assertThat(fromApp.text()).isEqualTo("checked:app");
        assertThat(publishers).contains("pub", ClientInfo.IN_PROCESS.clientId());
        assertThat(broker.stats().interceptorRefusals()).isEqualTo(1);
    }

    @Test
    @DisplayName("[MQTT-4.6.0-2] a late decision holds the client's following packets: acknowledgements and routing keep their order")
    void lateDecisionKeepsOrder() throws Exception {
        CompletableFuture<Message> slow = new CompletableFuture<>();
        broker.start(c -> c.interceptor(new Interceptor() {
            @Override
            public CompletionStage<Message> onPublish(ClientInfo publisher, Message message) {
                if (message.topic().value().equals("slow")) {
                    return slow.thenApply(ignored -> message);
                }
                return CompletableFuture.completedFuture(message);
            }
        }));
        Paho.Client sub = broker.paho("sub", true);
        sub.subscribe("#", 1);
        try (RawClient pub = RawClient.connected(broker.port(), "raw-pub", true)) {
            pub.send(Bytes.publish("slow", 1, 1, "first"), Bytes.publish("fast", 1, 2, "second"), Bytes.pingreq());
            pub.expectNothingFor(Duration.ofMillis(300));
            assertThat(sub.received.poll(10, TimeUnit.MILLISECONDS)).as("nothing routed while deciding").isNull();
            slow.complete(null);
            RawPacket a = pub.expect(0x40);
            RawPacket b = pub.expect(0x40);
            assertThat(List.of(a.packetId(), b.packetId())).containsExactly(1, 2);
            pub.expect(0xD0);
        }
        assertThat(sub.next().text()).isEqualTo("first");
        assertThat(sub.next().text()).isEqualTo("second");
    }

    @Test
    @DisplayName("a decision that times out, fails or throws refuses the message; the client stays connected")
    void failuresRefuse() throws Exception {
        broker.start(c -> c.interceptorTimeout(Duration.ofMillis(200)).interceptor(new Interceptor() {
            @Override
            public CompletionStage<Message> onPublish(ClientInfo publisher, Message message) {
                return switch (message.topic().value()) {
                    case "never" -> new CompletableFuture<>();
                    case "fails" -> CompletableFuture.failedFuture(new IllegalStateException("backend down"));
                    case "throws" -> throw new IllegalArgumentException("bug");
                    default -> CompletableFuture.completedFuture(message);
                };
            }
        }));
        Paho.Client sub = broker.paho("sub", true);
        sub.subscribe("#", 1);
        try (RawClient pub = RawClient.connected(broker.port(), "raw-pub", true)) {
            pub.send(Bytes.publish("never", 1, 1, "a"), Bytes.publish("fails", 1, 2, "b"),
                    Bytes.publish("throws", 1, 3, "c"), Bytes.publish("fine", 1, 4, "d"));
            for (int id = 1; id <= 4; id++) {
                assertThat(pub.expect(0x40).packetId()).isEqualTo(id);
            }
            pub.send(Bytes.pingreq()).expect(0xD0);
        }
        assertThat(sub.next().text()).isEqualTo("d");
        assertThat(broker.stats().interceptorRefusals()).isEqualTo(3);
    }

    @Test
    @DisplayName("notifications arrive in order on the interceptor thread; a blocked notification stalls no client")
    void notifications() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        CountDownLatch unblock = new CountDownLatch(1);
        broker.start(c -> c.interceptor(new Interceptor() {
            @Override
            public void onConnect(ClientInfo client) {
                threads.add(Thread.currentThread().getName());
                events.add("connect " + client.clientId());
                if (client.clientId().equals("first")) {
                    try {
                        unblock.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void onSubscribe(ClientInfo client, TopicFilter filter, QoS grantedQos) {
                events.add("subscribe " + client.clientId() + " " + filter + " " + grantedQos.value());
            }

            @Override
            public void onUnsubscribe(ClientInfo client, TopicFilter filter) {
                events.add("unsubscribe " + client.clientId() + " " + filter);
            }

            @Override
            public void onDisconnect(ClientInfo client, boolean cleanDisconnect) {
                events.add("disconnect " + client.clientId() + " " + cleanDisconnect);
            }
        }));
        Paho.Client first = broker.paho("first", true);
        // The interceptor thread is blocked in onConnect: the broker serves clients all the same.
        first.subscribe("t", 1);
        Paho.Client other = broker.paho("other", true);
        other.publish("t", "still flowing", 1, false);
        assertThat(first.next().text()).isEqualTo("still flowing");
        first.mqtt.unsubscribe("t");
        first.disconnect();
        unblock.countDown();
        await().until(() -> events.size() == 5);
        assertThat(events).containsExactly("connect first", "subscribe first t 1", "connect other",
                "unsubscribe first t", "disconnect first true");
        assertThat(threads).allMatch(name -> name.equals("starling-interceptors"));
    }

    @Test
    @DisplayName("delivery notifications, when asked for, name the subscriber, the message and the QoS sent")
    void deliveries() throws Exception {
        List<String> deliveries = new CopyOnWriteArrayList<>();
        broker.start(c -> c.interceptor(new Interceptor() {
            @Override
            public boolean wantsDeliveries() {
                return true;
            }

            @Override
            public void onDeliver(String clientId, Message message, QoS qos) {
                deliveries.add(clientId + " " + message.topic() + " " + qos.value());
            }
        }));
        Paho.Client sub = broker.paho("sub", true);
        sub.subscribe("d/#", 1);
        Paho.Client pub = broker.paho("pub", true);
        pub.publish("d/one", "x", 2, false);
        pub.publish("d/two", "y", 0, false);
        sub.next();
        sub.next();
        await().until(() -> deliveries.size() == 2);
        assertThat(deliveries).containsExactly("sub d/one 1", "sub d/two 0");
    }
}
