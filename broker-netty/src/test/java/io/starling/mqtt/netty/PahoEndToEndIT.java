package io.starling.mqtt.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Paho;
import io.starling.mqtt.netty.support.Paho.Received;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The broker's behaviours, driven by the Eclipse Paho Java client as a user would. */
@Timeout(30)
class PahoEndToEndIT {
    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.started();

    @ParameterizedTest(name = "published QoS {0}, subscribed QoS {1} -> delivered QoS {2}")
    @CsvSource({"0,0,0", "0,1,0", "0,2,0", "1,0,0", "1,1,1", "1,2,1", "2,0,0", "2,1,1", "2,2,2"})
    @DisplayName("[MQTT-3.8.4-6] delivery at min(published QoS, granted QoS)")
    void deliversAtMinimumQos(int published, int subscribed, int expected) throws Exception {
        Paho.Client sub = broker.paho("sub", true);
        sub.subscribe("qos/test", subscribed);
        Paho.Client pub = broker.paho("pub", true);
        pub.publish("qos/test", "hello", published, false);
        Received r = sub.next();
        assertThat(r.topic()).isEqualTo("qos/test");
        assertThat(r.text()).isEqualTo("hello");
        assertThat(r.message().getQos()).isEqualTo(expected);
        assertThat(r.message().isRetained()).isFalse();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-4] [MQTT-3.1.2-5] persistent session keeps subscriptions and QoS 1/2 messages while away")
    void persistentSessionSurvivesDisconnect() throws Exception {
        Paho.Client sub = Paho.connect(broker.uri(), "persistent", false);
        assertThat(sub.sessionPresent()).isFalse();
        sub.subscribe("p/#", 2);
        sub.disconnect();
        sub.close();

        Paho.Client pub = broker.paho("pub", true);
        pub.publish("p/1", "one", 1, false);
        pub.publish("p/2", "two", 2, false);
        pub.publish("p/0", "zero", 0, false);

        Paho.Client back = broker.paho("persistent", false);
        assertThat(back.sessionPresent()).isTrue();
        List<String> texts = List.of(back.next().text(), back.next().text());
        assertThat(texts).containsExactly("one", "two");
        assertThat(back.received.poll(200, TimeUnit.MILLISECONDS)).as("QoS 0 is not queued offline").isNull();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-6] clean session discards earlier state")
    void cleanSessionDiscardsState() throws Exception {
        Paho.Client sub = Paho.connect(broker.uri(), "c", false);
        sub.subscribe("c/t", 1);
        sub.disconnect();
        sub.close();
        Paho.Client clean = broker.paho("c", true);
        assertThat(clean.sessionPresent()).isFalse();
        Paho.Client pub = broker.paho("pub", true);
        pub.publish("c/t", "x", 1, false);
        assertThat(clean.received.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    @DisplayName("[MQTT-3.1.4-2] session takeover closes the first connection")
    void sessionTakeover() throws Exception {
        Paho.Client first = broker.paho("same-id", false);
        first.subscribe("take/over", 1);
        Paho.Client second = broker.paho("same-id", false);
        assertThat(second.sessionPresent()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> first.connectionLost != null);
        Paho.Client pub = broker.paho("pub", true);
        pub.publish("take/over", "after", 1, false);
        assertThat(second.next().text()).isEqualTo("after");
    }

    @Test
    @DisplayName("[MQTT-3.3.1-5] [MQTT-3.3.1-8] [MQTT-3.3.1-10] retained messages: stored, sent with RETAIN 1, cleared by empty payload")
    void retainedMessages() throws Exception {
        Paho.Client pub = broker.paho("pub", true);
        pub.publish("r/a", "kept", 1, true);
        pub.publish("r/b", "zero", 0, true);
        Paho.Client sub = broker.paho("sub", true);
        sub.subscribe("r/+", 2);
        List<Received> got = List.of(sub.next(), sub.next());
        assertThat(got).extracting(Received::text).containsExactlyInAnyOrder("kept", "zero");
        assertThat(got).allSatisfy(r -> assertThat(r.message().isRetained()).isTrue());

        pub.publish("r/a", "", 1, true);
        Received live = sub.next();
        assertThat(live.message().getPayload()).isEmpty();
        assertThat(live.message().isRetained()).isFalse();

        Paho.Client late = broker.paho("late", true);
        late.subscribe("r/a", 1);
        assertThat(late.received.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-8] will published when the client drops without DISCONNECT; [MQTT-3.14.4-3] not after DISCONNECT")
    void willMessages() throws Exception {
        Paho.Client watcher = broker.paho("watcher", true);
        watcher.subscribe("will/#", 1);
        Paho.Client dying = Paho.connect(broker.uri(), "dying", true, 60, o -> o.setWill("will/dying", "gone".getBytes(StandardCharsets.UTF_8), 1, false));
        dying.mqtt.disconnectForcibly(0, 100, false);
        dying.mqtt.close(true);
        Received will = watcher.next();
        assertThat(will.topic()).isEqualTo("will/dying");
        assertThat(will.text()).isEqualTo("gone");

        Paho.Client polite = Paho.connect(broker.uri(), "polite", true, 60, o -> o.setWill("will/polite", "x".getBytes(StandardCharsets.UTF_8), 1, false));
        polite.disconnect();
        polite.close();
        assertThat(watcher.received.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    @DisplayName("[MQTT-4.7.2-1] wildcards do not match $ topics; in-process publish reaches $SYS subscribers")
    void dollarTopics() throws Exception {
        Paho.Client all = broker.paho("all", true);
        all.subscribe("#", 0);
        Paho.Client sys = broker.paho("sys", true);
        sys.subscribe("$SYS/#", 0);
        broker.publish(Message.of("$SYS/broker/test", "s".getBytes(StandardCharsets.UTF_8), QoS.AT_MOST_ONCE, false));
        assertThat(sys.next().topic()).isEqualTo("$SYS/broker/test");
        Paho.Client pub = broker.paho("pub", true);
        pub.publish("normal", "n", 0, false);
        Received first = all.next();
        assertThat(first.topic()).isEqualTo("normal");
    }

    @Test
    @DisplayName("[MQTT-3.10.4-2] no delivery after UNSUBSCRIBE")
    void unsubscribeStopsDelivery() throws Exception {
        Paho.Client sub = broker.paho("sub", true);
        sub.subscribe("u/t", 1);
        sub.mqtt.unsubscribe("u/t");
        Paho.Client pub = broker.paho("pub", true);
        pub.publish("u/t", "x", 1, false);
        sub.subscribe("u/other", 1);
        pub.publish("u/other", "y", 1, false);
        assertThat(sub.next().text()).isEqualTo("y");
    }

    @Test
    @DisplayName("[MQTT-3.3.5-1] overlapping subscriptions deliver one copy at the highest QoS")
    void overlappingSubscriptions() throws Exception {
        Paho.Client sub = broker.paho("sub", true);
        sub.subscribe("o/#", 0);
        sub.subscribe("o/+", 2);
        Paho.Client pub = broker.paho("pub", true);
        pub.publish("o/x", "once", 2, false);
        Received r = sub.next();
        assertThat(r.message().getQos()).isEqualTo(2);
        assertThat(sub.received.poll(300, TimeUnit.MILLISECONDS)).as("a single copy").isNull();
    }

    @Test
    @DisplayName("in-process publish and subscribe without a network client")
    void inProcessPublishAndSubscribe() throws Exception {
        BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
        try (var subscription = broker.broker().subscribe("app/+", QoS.AT_LEAST_ONCE, inbox::add)) {
            Paho.Client pub = broker.paho("pub", true);
            pub.publish("app/one", "from-network", 2, false);
            Message m = inbox.poll(5, TimeUnit.SECONDS);
            assertThat(m).isNotNull();
            assertThat(new String(m.payload(), StandardCharsets.UTF_8)).isEqualTo("from-network");
            assertThat(m.qos()).isEqualTo(QoS.AT_LEAST_ONCE);

            Paho.Client sub = broker.paho("sub", true);
            sub.subscribe("app/#", 1);
            broker.publish(Message.of("app/two", "from-app".getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, false));
            assertThat(sub.next().text()).isEqualTo("from-app");
            assertThat(inbox.poll(5, TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    @DisplayName("[MQTT-4.6.0-6] one publisher's messages arrive in order at each QoS")
    void ordering() throws Exception {
        Paho.Client sub = broker.paho("sub", true);
        sub.subscribe("ord", 2);
        Paho.Client pub = broker.paho("pub", true);
        for (int qos = 0; qos <= 2; qos++) {
            for (int i = 0; i < 200; i++) {
                pub.publish("ord", qos + ":" + i, qos, false);
            }
            for (int i = 0; i < 200; i++) {
                assertThat(sub.next().text()).isEqualTo(qos + ":" + i);
            }
        }
    }
}
