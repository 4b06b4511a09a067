package io.starling.mqtt.netty.conformance;

import static io.starling.mqtt.netty.conformance.ConnectConformanceSupport.connected;
import static io.starling.mqtt.netty.conformance.ConnectConformanceSupport.expectConnAck;
import static io.starling.mqtt.netty.conformance.ConnectConformanceSupport.subscribe;
import static io.starling.mqtt.netty.conformance.ConnectConformanceSupport.subscriber;
import static io.starling.mqtt.netty.conformance.ConnectConformanceSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.netty.StarlingBroker;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Clean session, session identity and takeover (sections 3.1.2.4, 3.1.3.1 and 3.1.4), on the wire. */
@Timeout(30)
class ConnectSessionConformanceIT {
    private StarlingBroker broker;
    private final List<RawClient> clients = new ArrayList<>();

    private void start(Consumer<BrokerConfig.Builder> settings) {
        broker = StarlingBroker.builder().port(0).configure(settings).start();
    }

    private int port() {
        if (broker == null) {
            start(c -> { });
        }
        return broker.port();
    }

    @AfterEach
    void stop() {
        clients.forEach(RawClient::close);
        if (broker != null) {
            broker.close();
        }
    }

    private RawClient track(RawClient client) {
        clients.add(client);
        return client;
    }

    /** Connects with the given clean session flag and expects exactly {@code 20 02 <sessionPresent> 00}. */
    private RawClient connect(String clientId, boolean cleanSession, int sessionPresent) {
        RawClient client = track(new RawClient(port())).send(Bytes.connect(clientId, cleanSession, 0));
        expectConnAck(client, sessionPresent, 0);
        return client;
    }

    private static void disconnect(RawClient client) {
        client.send(Bytes.disconnect());
        client.expectClosed();
    }

    /** Publishes at QoS 0, 1 or 2 and completes the flow, so the message has been routed when this returns. */
    private static void publish(RawClient publisher, String topic, int qos, int packetId, String payload) {
        publisher.send(Bytes.publish(topic, qos, packetId, payload));
        switch (qos) {
            case 0 -> {
                publisher.send(Bytes.pingreq());
                assertThat(publisher.read().hex()).isEqualTo("D0 ");
            }
            case 1 -> assertThat(publisher.read().hex()).isEqualTo(String.format("40 %04X", packetId));
            default -> {
                assertThat(publisher.read().hex()).isEqualTo(String.format("50 %04X", packetId));
                publisher.send(Bytes.pubrel(packetId));
                assertThat(publisher.read().hex()).isEqualTo(String.format("70 %04X", packetId));
            }
        }
    }

    /** Nothing is pending for {@code client}: its PINGREQ is answered before any PUBLISH. */
    private static void assertNothingDelivered(RawClient client) {
        client.send(Bytes.pingreq());
        assertThat(client.read().hex()).as("no message before the PINGRESP").isEqualTo("D0 ");
    }

    @Test
    @DisplayName("[MQTT-3.1.2-4] [MQTT-3.1.4-3] clean session 0: the session outlives the connection and is resumed "
            + "with session-present 1, its subscription delivering without a new SUBSCRIBE")
    void persistentSessionIsResumed() {
        RawClient first = connect("keeper", false, 0);
        subscribe(first, 1, "k/t", 1);
        disconnect(first);
        assertThat(broker.engine().sessions().get("keeper")).as("kept after DISCONNECT").isNotNull();

        RawClient second = connect("keeper", false, 1);
        second.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> !broker.engine().sessions().get("keeper").isConnected());

        RawClient back = connect("keeper", false, 1);
        RawClient pub = connect("pub", true, 0);
        publish(pub, "k/t", 1, 1, "resumed");
        RawPacket got = back.expectPublish();
        assertThat(got.topic()).isEqualTo("k/t");
        assertThat(got.payloadString()).isEqualTo("resumed");
    }

    @Test
    @DisplayName("[MQTT-3.1.2-5] QoS 1 and 2 messages published while a clean-session-0 client is away are delivered "
            + "on its return; QoS 0 is not queued (CHOICE)")
    void qos1And2AreQueuedWhileAway() {
        RawClient away = connect("away", false, 0);
        subscribe(away, 1, "q/#", 2);
        disconnect(away);
        RawClient pub = connect("pub", true, 0);
        publish(pub, "q/1", 1, 1, "one");
        publish(pub, "q/2", 2, 2, "two");
        publish(pub, "q/0", 0, 0, "zero");

        RawClient back = connect("away", false, 1);
        RawPacket one = back.expectPublish();
        assertThat(one.topic()).isEqualTo("q/1");
        assertThat(one.qos()).isEqualTo(1);
        assertThat(one.payloadString()).isEqualTo("one");
        back.send(Bytes.puback(one.publishId()));
        RawPacket two = back.expectPublish();
        assertThat(two.topic()).isEqualTo("q/2");
        assertThat(two.qos()).isEqualTo(2);
        assertThat(two.payloadString()).isEqualTo("two");
        back.send(Bytes.pubrec(two.publishId()));
        assertThat(back.read().hex()).isEqualTo(String.format("62 %04X", two.publishId()));
        back.send(Bytes.pubcomp(two.publishId()));
        assertNothingDelivered(back);
    }

    @Test
    @DisplayName("[MQTT-3.1.2-5] CHOICE: with queueQos0WhenOffline(true) QoS 0 messages are queued as well")
    void qos0QueuedWhenConfigured() {
        start(c -> c.queueQos0WhenOffline(true));
        RawClient away = connect("away0", false, 0);
        subscribe(away, 1, "q0/#", 1);
        disconnect(away);
        publish(connect("pub", true, 0), "q0/x", 0, 0, "zero");
        RawClient back = connect("away0", false, 1);
        RawPacket got = back.expectPublish();
        assertThat(got.qos()).isZero();
        assertThat(got.payloadString()).isEqualTo("zero");
    }

    @Test
    @DisplayName("[MQTT-3.1.2-6] [MQTT-3.1.4-3] clean session 1 discards stored subscriptions and messages, and its own "
            + "state is not reused later")
    void cleanSessionDiscardsState() {
        RawClient persistent = connect("cs", false, 0);
        subscribe(persistent, 1, "d/t", 1);
        disconnect(persistent);
        RawClient pub = connect("pub", true, 0);
        publish(pub, "d/t", 1, 1, "queued");

        RawClient clean = connect("cs", true, 0);
        assertNothingDelivered(clean);
        publish(pub, "d/t", 1, 2, "after");
        assertNothingDelivered(clean);
        subscribe(clean, 2, "e/t", 1);
        disconnect(clean);
        assertThat(broker.engine().sessions().get("cs")).as("a clean session ends with its connection").isNull();

        RawClient later = connect("cs", false, 0);
        publish(pub, "e/t", 1, 3, "not for you");
        publish(pub, "d/t", 1, 4, "nor this");
        assertNothingDelivered(later);
    }

    @Test
    @DisplayName("[MQTT-3.1.2-7] a retained message outlives the clean session of its publisher")
    void retainedMessageSurvivesPublisherSession() {
        RawClient pub = connect("pub", true, 0);
        pub.send(Bytes.publish("r/t", 1, true, false, 1, utf8("kept")));
        assertThat(pub.read().hex()).isEqualTo("40 0001");
        disconnect(pub);
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.engine().sessions().get("pub") == null);

        RawClient sub = connect("sub", true, 0);
        subscribe(sub, 1, "r/t", 1);
        RawPacket got = sub.expectPublish();
        assertThat(got.retain()).isTrue();
        assertThat(got.payloadString()).isEqualTo("kept");
    }

    @Test
    @DisplayName("[MQTT-3.1.3-2] sessions are identified by client id: each id resumes only its own "
            + "subscriptions and queue")
    void sessionsAreKeyedByClientId() {
        RawClient s1 = connect("s1", false, 0);
        subscribe(s1, 1, "a/1", 1);
        RawClient s2 = connect("s2", false, 0);
        subscribe(s2, 1, "a/2", 1);
        disconnect(s1);
        disconnect(s2);
        RawClient pub = connect("pub", true, 0);
        publish(pub, "a/1", 1, 1, "m1");
        publish(pub, "a/2", 1, 2, "m2");

        RawClient back1 = connect("s1", false, 1);
        assertThat(back1.expectPublish().payloadString()).isEqualTo("m1");
        assertNothingDelivered(back1);
        RawClient back2 = connect("s2", false, 1);
        assertThat(back2.expectPublish().payloadString()).isEqualTo("m2");
        assertNothingDelivered(back2);
    }

    @Test
    @DisplayName("[MQTT-3.1.4-2] a second connection with the same id takes over: the first is closed and its will "
            + "published")
    void takeoverClosesTheExistingConnection() {
        RawClient observer = track(subscriber(port(), "observer", "will/#", 0));
        RawClient first = track(new RawClient(port()));
        first.send(Bytes.connectWithWill("x", true, 0, "will/x", utf8("taken over"), 0, false));
        expectConnAck(first, 0, 0);

        RawClient second = connect("x", true, 0);
        first.expectClosed();
        RawPacket will = observer.expectPublish();
        assertThat(will.topic()).isEqualTo("will/x");
        assertThat(will.payloadString()).isEqualTo("taken over");
        second.send(Bytes.pingreq());
        assertThat(second.read().hex()).as("the new connection works").isEqualTo("D0 ");
    }

    @Test
    @DisplayName("[MQTT-3.1.4-2] [MQTT-3.1.4-3] takeover with clean session 0 keeps the session: session-present 1, "
            + "subscription still delivers")
    void takeoverWithPersistentSessionKeepsIt() {
        RawClient first = connect("y", false, 0);
        subscribe(first, 1, "y/t", 1);
        RawClient second = connect("y", false, 1);
        first.expectClosed();
        publish(connect("pub", true, 0), "y/t", 1, 1, "for second");
        assertThat(second.expectPublish().payloadString()).isEqualTo("for second");
    }

    @Test
    @DisplayName("[MQTT-3.1.4-2] [MQTT-3.1.4-3] takeover with clean session 1 discards the session: session-present 0, "
            + "no subscription")
    void takeoverWithCleanSessionDiscardsIt() {
        RawClient first = connect("z", false, 0);
        subscribe(first, 1, "z/t", 1);
        RawClient second = connect("z", true, 0);
        first.expectClosed();
        RawClient pub = connect("pub", true, 0);
        publish(pub, "z/t", 1, 1, "nobody");
        assertNothingDelivered(second);
        disconnect(second);
        RawClient third = connect("z", false, 0);
        publish(pub, "z/t", 1, 2, "still nobody");
        assertNothingDelivered(third);
    }
}
