package io.starling.mqtt.netty.conformance;

import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.MARKER;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.assertAlive;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.e;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.expectSubAck;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.publishesUntilMarker;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.sendMarker;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.api.Authorizer;
import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Errors (section 4.8): a protocol violation closes the connection it came in on, a transient error while handling
 * an inbound packet closes that connection only; in both cases the will is published and other clients (also on
 * the same event loop) keep working.
 */
@Timeout(30)
class ErrorHandlingConformanceIT {
    /** More than the broker's event loops on this machine, so some bystander shares the victim's loop. */
    private static final int BYSTANDERS = 2 * Runtime.getRuntime().availableProcessors() + 2;

    private final AtomicInteger authorizerFailures = new AtomicInteger();
    /** Throws for the topic {@code boom} and for filters under {@code boom/}: a fault inside packet handling. */
    private final Authorizer exploding = new Authorizer() {
        @Override
        public boolean canPublish(ClientInfo client, TopicName topic) {
            if (topic.value().equals("boom")) {
                authorizerFailures.incrementAndGet();
                throw new IllegalStateException("injected authorizer failure for " + topic);
            }
            return true;
        }

        @Override
        public boolean canSubscribe(ClientInfo client, TopicFilter filter) {
            if (filter.value().startsWith("boom/")) {
                authorizerFailures.incrementAndGet();
                throw new IllegalStateException("injected authorizer failure for " + filter);
            }
            return true;
        }
    };

    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    private RawClient watcher() {
        RawClient w = broker.rawConnected("watcher", true);
        w.send(subscribe(1, e("will/#", 1), e("fine", 1), e(MARKER, 0)));
        expectSubAck(w, 1, 1, 1, 0);
        return w;
    }

    private List<RawClient> bystanders() {
        List<RawClient> list = new ArrayList<>();
        for (int i = 0; i < BYSTANDERS; i++) {
            list.add(broker.rawConnected("bystander-" + i, true));
        }
        return list;
    }

    private RawClient victim(String clientId) {
        return broker.rawConnectedWithWill(clientId, 0, "will/" + clientId, "will of " + clientId, 1, false);
    }

    /** The will arrives at the watcher; every bystander is served; a new client can connect and publish. */
    private void assertWillPublishedAndOthersUnaffected(RawClient watcher, String clientId, List<RawClient> bystanders) {
        RawPacket will = watcher.expectPublish();
        assertThat(will.topic()).isEqualTo("will/" + clientId);
        assertThat(will.payloadString()).isEqualTo("will of " + clientId);
        watcher.send(Bytes.puback(will.publishId()));
        bystanders.forEach(SubscriptionWireSupport::assertAlive);

        RawClient fresh = broker.rawConnected("fresh", true);
        fresh.send(Bytes.publish("fine", 1, 1, "still working"));
        assertThat(fresh.read().hex()).isEqualTo("40 0001");
        sendMarker(fresh);
        List<RawPacket> got = publishesUntilMarker(watcher);
        assertThat(got).extracting(RawPacket::payloadString).containsExactly("still working");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "CONNACK sent by a client, 20 02 0000",
        "SUBACK sent by a client, 90 03 0001 00",
        "UNSUBACK sent by a client, B0 02 0001",
        "PINGRESP sent by a client, D0 00",
        "packet type 0, 00 00",
        "packet type 0 with a body, 00 02 0001",
        "packet type 15, F0 00",
        "PUBLISH QoS 1 with packet id 0, 32 05 0001 74 0000",
        "PUBLISH QoS 2 with packet id 0, 34 05 0001 74 0000",
        "SUBSCRIBE with packet id 0, 82 06 0000 0001 74 00",
        "UNSUBSCRIBE with packet id 0, A2 05 0000 0001 74",
        "PUBACK with packet id 0, 40 02 0000",
        "PUBREC with packet id 0, 50 02 0000",
        "PUBREL with packet id 0, 62 02 0000",
        "PUBCOMP with packet id 0, 70 02 0000",
        "empty SUBSCRIBE, 82 02 0001",
        "SUBSCRIBE without packet id, 82 00"})
    @DisplayName("[MQTT-4.8.0-1] protocol violation after CONNECT: closed without reply, will published, others unaffected")
    void violationClosesConnection(String what, String packetHex) {
        broker.start(c -> c.authorizer(Authorizer.ALLOW_ALL));
        RawClient watcher = watcher();
        List<RawClient> bystanders = bystanders();
        RawClient v = victim("violator");
        v.send(Bytes.hex(packetHex));
        v.expectClosed();
        assertWillPublishedAndOthersUnaffected(watcher, "violator", bystanders);
    }

    @ParameterizedTest(name = "first packet {0}")
    @CsvSource({
        "PINGREQ, C0 00",
        "SUBSCRIBE, 82 06 0001 0001 74 00",
        "PUBLISH, 30 04 0001 74 78",
        "PUBLISH QoS 1, 32 05 0001 74 0001",
        "PUBACK, 40 02 0001",
        "DISCONNECT, E0 00",
        "CONNACK, 20 02 0000"})
    @DisplayName("[MQTT-4.8.0-1] first packet not CONNECT: closed without reply, nothing routed, others unaffected")
    void firstPacketNotConnect(String what, String packetHex) {
        broker.start(c -> c.authorizer(Authorizer.ALLOW_ALL));
        RawClient watcher = broker.rawConnected("watcher", true);
        watcher.send(subscribe(1, e("#", 0)));
        expectSubAck(watcher, 1, 0);
        RawClient c = broker.raw();
        c.send(Bytes.hex(packetHex));
        c.expectClosed();
        RawClient pub = broker.rawConnected("pub", true);
        sendMarker(pub);
        assertThat(publishesUntilMarker(watcher)).as("nothing from the refused connection").isEmpty();
        assertThat(broker.engine().sessions().size()).as("no session created for it").isEqualTo(2);
    }

    @ParameterizedTest(name = "PUBLISH QoS {0} to 'boom'")
    @ValueSource(ints = {0, 1, 2})
    @DisplayName("[MQTT-4.8.0-2] an Authorizer.canPublish failure while handling a PUBLISH closes only that connection; will published")
    void authorizerFailureOnPublishClosesThatConnection(int qos) {
        broker.start(c -> c.authorizer(exploding));
        RawClient watcher = watcher();
        List<RawClient> bystanders = bystanders();
        RawClient v = victim("exploder");
        v.send(Bytes.publish("boom", qos, qos == 0 ? 0 : 5, "bang"));
        v.expectClosed();
        assertThat(authorizerFailures.get()).as("the fault was injected").isEqualTo(1);
        assertWillPublishedAndOthersUnaffected(watcher, "exploder", bystanders);

        // The broker still asks the same authorizer for other clients and topics.
        RawClient other = broker.rawConnected("other", true);
        other.send(Bytes.publish("fine", 1, 2, "after"));
        assertThat(other.read().hex()).isEqualTo("40 0002");
        RawPacket after = watcher.expectPublish();
        assertThat(after.payloadString()).isEqualTo("after");
        watcher.send(Bytes.puback(after.publishId()));
    }

    @Test
    @DisplayName("[MQTT-4.8.0-2] an Authorizer.canSubscribe failure while handling a SUBSCRIBE closes only that connection; will published")
    void authorizerFailureOnSubscribeClosesThatConnection() {
        broker.start(c -> c.authorizer(exploding));
        RawClient watcher = watcher();
        List<RawClient> bystanders = bystanders();
        RawClient v = victim("subexploder");
        v.send(subscribe(3, e("ok", 0), e("boom/x", 1)));
        v.expectClosed();
        assertThat(authorizerFailures.get()).isEqualTo(1);
        assertWillPublishedAndOthersUnaffected(watcher, "subexploder", bystanders);
        assertAlive(watcher);
    }
}
