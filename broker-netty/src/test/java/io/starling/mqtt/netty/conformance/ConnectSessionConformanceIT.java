package io.starling.mqtt.netty.conformance;

import static io.starling.mqtt.netty.support.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Clean session, session identity and takeover (sections 3.1.2.4, 3.1.3.1 and 3.1.4), on the wire. */
@Timeout(30)
class ConnectSessionConformanceIT {
    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    /** The broker of this test: the one it started with its own settings, else one with the defaults. */
    private BrokerExtension running() {
        if (!broker.isRunning()) {
            broker.start();
        }
        return broker;
    }

    /** Connects with the given clean session flag and expects exactly {@code 20 02 <sessionPresent> 00}. */
    private RawClient connect(String clientId, boolean cleanSession, int sessionPresent) {
        return running().rawConnected(clientId, cleanSession, sessionPresent == 1);
    }

    /** Publishes at QoS 0, 1 or 2 and completes the flow, so the message has been routed when this returns. */
    private static void publish(RawClient publisher, String topic, int qos, int packetId, String payload) {
        publisher.publishAndComplete(topic, qos, false, packetId, payload);
        if (qos == 0) {
            publisher.pingAndExpectPingResp("PINGRESP");
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.2-4] [MQTT-3.1.4-3] clean session 0: the session outlives the connection and is resumed "
            + "with session-present 1, its subscription delivering without a new SUBSCRIBE")
    void persistentSessionIsResumed() {
        RawClient first = connect("keeper", false, 0);
        first.subscribe(1, "k/t", 1);
        first.disconnect();
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
        away.subscribe(1, "q/#", 2);
        away.disconnect();
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
        back.assertNothingDelivered();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-5] CHOICE: with queueQos0WhenOffline(true) QoS 0 messages are queued as well")
    void qos0QueuedWhenConfigured() {
        broker.start(c -> c.queueQos0WhenOffline(true));
        RawClient away = connect("away0", false, 0);
        away.subscribe(1, "q0/#", 1);
        away.disconnect();
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
        persistent.subscribe(1, "d/t", 1);
        persistent.disconnect();
        RawClient pub = connect("pub", true, 0);
        publish(pub, "d/t", 1, 1, "queued");

        RawClient clean = connect("cs", true, 0);
        clean.assertNothingDelivered();
        publish(pub, "d/t", 1, 2, "after");
        clean.assertNothingDelivered();
        clean.subscribe(2, "e/t", 1);
        clean.disconnect();
        assertThat(broker.engine().sessions().get("cs")).as("a clean session ends with its connection").isNull();

        RawClient later = connect("cs", false, 0);
        publish(pub, "e/t", 1, 3, "not for you");
        publish(pub, "d/t", 1, 4, "nor this");
        later.assertNothingDelivered();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-7] a retained message outlives the clean session of its publisher")
    void retainedMessageSurvivesPublisherSession() {
        RawClient pub = connect("pub", true, 0);
        pub.send(Bytes.publish("r/t", 1, true, false, 1, utf8("kept")));
        assertThat(pub.read().hex()).isEqualTo("40 0001");
        pub.disconnect();
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.engine().sessions().get("pub") == null);

        RawClient sub = connect("sub", true, 0);
        sub.subscribe(1, "r/t", 1);
        RawPacket got = sub.expectPublish();
        assertThat(got.retain()).isTrue();
        assertThat(got.payloadString()).isEqualTo("kept");
    }

    @Test
    @DisplayName("[MQTT-3.1.3-2] sessions are identified by client id: each id resumes only its own "
            + "subscriptions and queue")
    void sessionsAreKeyedByClientId() {
        RawClient s1 = connect("s1", false, 0);
        s1.subscribe(1, "a/1", 1);
        RawClient s2 = connect("s2", false, 0);
        s2.subscribe(1, "a/2", 1);
        s1.disconnect();
        s2.disconnect();
        RawClient pub = connect("pub", true, 0);
        publish(pub, "a/1", 1, 1, "m1");
        publish(pub, "a/2", 1, 2, "m2");

        RawClient back1 = connect("s1", false, 1);
        assertThat(back1.expectPublish().payloadString()).isEqualTo("m1");
        back1.assertNothingDelivered();
        RawClient back2 = connect("s2", false, 1);
        assertThat(back2.expectPublish().payloadString()).isEqualTo("m2");
        back2.assertNothingDelivered();
    }

    @Test
    @DisplayName("[MQTT-3.1.4-2] a second connection with the same id takes over: the first is closed and its will "
            + "published")
    void takeoverClosesTheExistingConnection() {
        RawClient observer = running().rawSubscriber("observer", true, "will/#", 0);
        RawClient first = broker.raw();
        first.send(Bytes.connectWithWill("x", true, 0, "will/x", utf8("taken over"), 0, false));
        first.expectConnAck(false, 0);

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
        first.subscribe(1, "y/t", 1);
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
        first.subscribe(1, "z/t", 1);
        RawClient second = connect("z", true, 0);
        first.expectClosed();
        RawClient pub = connect("pub", true, 0);
        publish(pub, "z/t", 1, 1, "nobody");
        second.assertNothingDelivered();
        second.disconnect();
        RawClient third = connect("z", false, 0);
        publish(pub, "z/t", 1, 2, "still nobody");
        third.assertNothingDelivered();
    }
}
