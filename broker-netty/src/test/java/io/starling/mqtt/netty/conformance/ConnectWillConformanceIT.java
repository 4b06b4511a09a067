package io.starling.mqtt.netty.conformance;

import static io.starling.mqtt.netty.support.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.api.AuthenticationResult;
import io.starling.mqtt.api.Credentials;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Section 3.1.2.5 to 3.1.2.7: when the will is published, with which QoS and retain flag, and when it is not. */
@Timeout(30)
class ConnectWillConformanceIT {
    private final AtomicReference<Credentials> lastCredentials = new AtomicReference<>();

    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.started(c -> c.authenticator(credentials -> {
        lastCredentials.set(credentials);
        return CompletableFuture.completedFuture(AuthenticationResult.ACCEPTED);
    }));

    /** A client with a will (clean session 1, keep-alive 0), CONNACK 20 02 00 00 already read. */
    private RawClient withWill(String clientId, String topic, String payload, int qos, boolean retain) {
        RawClient client = broker.raw();
        client.send(Bytes.connectWithWill(clientId, true, 0, topic, utf8(payload), qos, retain));
        client.expectConnAck(false, 0);
        return client;
    }

    private RawClient observer(String filter, int qos) {
        return broker.rawSubscriber("observer", true, filter, qos);
    }

    private static RawPacket expectWill(RawClient observer, String topic, String payload) {
        RawPacket will = observer.expectPublish();
        assertThat(will.topic()).isEqualTo(topic);
        assertThat(will.payloadString()).isEqualTo(payload);
        return will;
    }

    @ParameterizedTest(name = "[MQTT-3.1.2-8] connection ended by {0}: will published")
    @ValueSource(strings = {"socket drop", "malformed packet", "second CONNECT", "QoS 0 PUBLISH with DUP 1",
            "invalid SUBSCRIBE filter", "takeover"})
    @DisplayName("[MQTT-3.1.2-8] the will is published whenever the connection ends other than by DISCONNECT")
    void willPublishedOnEveryAbnormalEnd(String trigger) {
        RawClient observer = observer("will/#", 0);
        RawClient client = withWill("dying", "will/dying", "last words", 0, false);
        switch (trigger) {
            case "socket drop" -> client.close();
            case "malformed packet" -> client.send(Bytes.hex("36 05 00 01 74 00 01"));
            case "second CONNECT" -> client.send(Bytes.connect("dying", true, 0));
            case "QoS 0 PUBLISH with DUP 1" -> client.send(Bytes.publish("t", 0, false, true, 0, utf8("x")));
            case "invalid SUBSCRIBE filter" -> client.send(Bytes.subscribe(1, "a/#/b", 0));
            case "takeover" -> broker.raw().send(Bytes.connect("dying", true, 0)).expectConnAck(false, 0);
            default -> throw new IllegalArgumentException(trigger);
        }
        if (!trigger.equals("socket drop")) {
            client.expectClosed();
        }
        RawPacket will = expectWill(observer, "will/dying", "last words");
        assertThat(will.qos()).isZero();
        assertThat(will.retain()).isFalse();
        observer.assertNothingDelivered();
    }

    @ParameterizedTest(name = "[MQTT-3.1.2-9] will QoS {0}: delivered at QoS {0} to a QoS 2 subscriber")
    @ValueSource(ints = {0, 1, 2})
    @DisplayName("[MQTT-3.1.2-9] the will topic, message and will QoS of the CONNECT are used")
    void willQosIsUsed(int qos) {
        RawClient observer = observer("w/#", 2);
        RawClient client = withWill("q", "w/q", "qos will", qos, false);
        client.close();
        RawPacket will = expectWill(observer, "w/q", "qos will");
        assertThat(will.qos()).isEqualTo(qos);
        assertThat(will.dup()).isFalse();
        if (qos > 0) {
            assertThat(will.publishId()).isNotZero();
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.2-10] [MQTT-3.14.4-3] after DISCONNECT the will is discarded: closing the socket "
            + "publishes nothing")
    void disconnectDiscardsTheWill() {
        RawClient observer = observer("#", 0);
        RawClient client = withWill("polite", "will/polite", "unused", 0, false);
        client.send(Bytes.disconnect());
        client.expectClosed();
        client.close();
        observer.assertNothingDelivered();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-10] a will is published once; a later connection of the same id without a will "
            + "publishes nothing")
    void willIsForgottenAfterPublication() {
        RawClient observer = observer("#", 0);
        withWill("once", "will/once", "first", 0, false).close();
        expectWill(observer, "will/once", "first");
        RawClient again = broker.raw().send(Bytes.connect("once", true, 0));
        again.expectConnAck(false, 0);
        again.close();
        observer.assertNothingDelivered();
    }

    @ParameterizedTest(name = "[MQTT-3.1.2-12] clean session {0}, no will, socket dropped: nothing published")
    @ValueSource(booleans = {true, false})
    @DisplayName("[MQTT-3.1.2-12] without a will nothing is published when the connection ends")
    void noWillNoMessage(boolean cleanSession) {
        RawClient observer = observer("#", 0);
        RawClient client = broker.raw().send(Bytes.connect("nowill", cleanSession, 0));
        client.expectConnAck(false, 0);
        client.close();
        observer.assertNothingDelivered();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-16] will retain 0: published non-retained; an older retained message stays as it was")
    void willWithoutRetain() {
        RawClient pub = broker.rawSubscriber("pub", true, "unused", 0);
        pub.send(Bytes.publish("will/r0", 1, true, false, 1, utf8("old")));
        assertThat(pub.read().hex()).isEqualTo("40 0001");
        RawClient live = observer("will/r0", 0);
        RawPacket old = live.expectPublish();
        assertThat(old.retain()).isTrue();
        assertThat(old.payloadString()).isEqualTo("old");

        withWill("r0", "will/r0", "not retained", 0, false).close();
        assertThat(expectWill(live, "will/r0", "not retained").retain()).isFalse();

        RawClient late = broker.rawSubscriber("late", true, "will/r0", 0);
        RawPacket retained = late.expectPublish();
        assertThat(retained.retain()).isTrue();
        assertThat(retained.payloadString()).as("the earlier retained message is kept").isEqualTo("old");
        late.assertNothingDelivered();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-17] will retain 1: live subscribers get it with RETAIN 0, later subscribers as a retained "
            + "message with RETAIN 1")
    void willWithRetain() {
        RawClient live = observer("will/r1", 1);
        withWill("r1", "will/r1", "retained will", 1, true).close();
        RawPacket delivered = expectWill(live, "will/r1", "retained will");
        assertThat(delivered.retain()).as("RETAIN 0 for an established subscription").isFalse();
        assertThat(delivered.qos()).isEqualTo(1);

        RawClient late = broker.rawSubscriber("late", true, "will/#", 1);
        RawPacket retained = expectWill(late, "will/r1", "retained will");
        assertThat(retained.retain()).isTrue();
    }

    @ParameterizedTest(name = "[MQTT-3.1.3-1] will QoS {0} retain {1} with user name and password")
    @CsvSource({"0, false", "1, true", "2, false"})
    @DisplayName("[MQTT-3.1.3-1] all five payload fields in order: will on the right topic with the right payload, "
            + "authenticator sees user name and password")
    void allFivePayloadFields(int willQos, boolean willRetain) {
        RawClient observer = observer("five/#", 2);
        int flags = 0x80 | 0x40 | (willRetain ? 0x20 : 0) | (willQos << 3) | 0x04 | 0x02;
        RawClient client = broker.raw();
        client.send(Bytes.connect(flags, 0, Bytes.of().str("five").str("five/will").str("will payload")
                .str("the user").field(Bytes.hex("00 FF 70 77")).build()));
        client.expectConnAck(false, 0);
        Credentials seen = lastCredentials.get();
        assertThat(seen.client().clientId()).isEqualTo("five");
        assertThat(seen.client().username()).isEqualTo("the user");
        assertThat(seen.password()).isEqualTo(Bytes.hex("00 FF 70 77"));

        client.close();
        RawPacket will = expectWill(observer, "five/will", "will payload");
        assertThat(will.qos()).isEqualTo(willQos);
    }

    @Test
    @DisplayName("[MQTT-3.1.2-8] a will QoS 1 subscriber that was offline (clean session 0) gets the will on return")
    void willQueuedForOfflinePersistentSubscriber() {
        RawClient sub = broker.raw().send(Bytes.connect("away", false, 0));
        sub.expectConnAck(false, 0);
        sub.subscribe(1, "will/away", 1);
        sub.send(Bytes.disconnect());
        sub.expectClosed();
        RawClient observer = observer("will/away", 1);
        withWill("gone", "will/away", "while you were out", 1, false).close();
        expectWill(observer, "will/away", "while you were out");
        RawClient back = broker.raw().send(Bytes.connect("away", false, 0));
        back.expectConnAck(true, 0);
        expectWill(back, "will/away", "while you were out");
    }
}
