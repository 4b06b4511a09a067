package io.starling.mqtt.netty.conformance;

import static io.starling.mqtt.netty.support.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import io.starling.mqtt.session.Session;
import java.util.List;

/**
 * Conversation steps for the PUBLISH, QoS-flow, session and ordering wire tests, with the broker and the clients of
 * their {@link BrokerExtension}.
 *
 * <p>"Nothing more was sent" is observed without sleeping where the broker allows it: a PINGREQ sent after the
 * packets under test is answered after everything the connection already had to send, so the packets read before
 * the PINGRESP are all there was ({@link #untilPingResp}).
 */
final class PublishFlowSupport {
    static final int PINGRESP = 0xD0;
    static final int PUBACK = 0x40;
    static final int PUBREC = 0x50;
    static final int PUBREL = 0x62;
    static final int PUBCOMP = 0x70;

    private final BrokerExtension broker;

    PublishFlowSupport(BrokerExtension broker) {
        this.broker = broker;
    }

    /** CONNECT (keep alive 0) answered by exactly {@code 20 02 0sp 00}. */
    RawClient connect(String clientId, boolean cleanSession, boolean sessionPresent) {
        return broker.rawConnected(clientId, cleanSession, sessionPresent);
    }

    RawClient connect(String clientId, boolean cleanSession) {
        return connect(clientId, cleanSession, false);
    }

    /** A connected client with one subscription. */
    RawClient subscriber(String clientId, boolean cleanSession, String filter, int qos) {
        return broker.rawSubscriber(clientId, cleanSession, filter, qos);
    }

    /**
     * Connects with CONNECT and PINGREQ sent together and returns what came between CONNACK and PINGRESP: the
     * re-sent and queued packets of the session, and nothing else [MQTT-3.2.0-1].
     */
    Reconnected reconnect(String clientId, boolean cleanSession, boolean sessionPresent) {
        RawClient c = broker.raw();
        c.send(Bytes.connect(clientId, cleanSession, 0), Bytes.pingreq());
        c.expectConnAck(sessionPresent, 0);
        List<RawPacket> seen = c.readUntil(p -> p.firstByte() == PINGRESP);
        assertThat(seen.get(seen.size() - 1).body()).isEmpty();
        return new Reconnected(c, List.copyOf(seen.subList(0, seen.size() - 1)));
    }

    record Reconnected(RawClient client, List<RawPacket> resent) {}

    /** The live session of {@code clientId} (for its test-and-admin introspection). */
    Session session(String clientId) {
        Session s = broker.engine().sessions().get(clientId);
        assertThat(s).as("session of " + clientId).isNotNull();
        return s;
    }

    /** In-process publish. */
    void publish(String topic, String payload, int qos, boolean retain) {
        broker.publish(Message.of(topic, utf8(payload), QoS.of(qos), retain));
    }

    /**
     * Nothing reached {@code liveSubscriber} (subscribed to {@code topic} before the packet under test) and nothing
     * is retained on {@code topic}: the live subscriber's next PUBLISH is a marker published afterwards, and a new
     * subscriber to {@code topic} gets SUBACK and then nothing before PINGRESP.
     */
    void assertNothingDeliveredOrRetained(RawClient liveSubscriber, String topic) {
        publish(topic, "marker", 0, false);
        expectPublish(liveSubscriber, topic, "marker", 0, false, false);
        RawClient late = connect("late-" + System.nanoTime(), true);
        late.subscribe(1, topic, 2);
        expectOnlyPingResp(late);
    }

    // ---- conversation steps ----

    /** Sends PINGREQ and returns the packets that arrived before its PINGRESP. */
    static List<RawPacket> untilPingResp(RawClient c) {
        c.send(Bytes.pingreq());
        List<RawPacket> seen = c.readUntil(p -> p.firstByte() == PINGRESP);
        return List.copyOf(seen.subList(0, seen.size() - 1));
    }

    /** Asserts that the next packets, up to the PINGRESP answering a fresh PINGREQ, are none. */
    static void expectOnlyPingResp(RawClient c) {
        assertThat(untilPingResp(c)).as("packets before PINGRESP").isEmpty();
    }

    /**
     * Publishes from a client that subscribes to nothing and completes the QoS flow with id {@code packetId}; for
     * QoS 0 a PINGREQ round trip shows the PUBLISH was handled. On return the broker has routed the message.
     */
    static void publishAndComplete(RawClient c, String topic, String payload, int qos, boolean retain, int packetId) {
        c.publishAndComplete(topic, qos, retain, packetId, payload);
        if (qos == 0) {
            expectOnlyPingResp(c);
        }
    }

    /** The next packet is a PUBLISH with exactly these fields (the packet id is returned, 0 for QoS 0). */
    static int expectPublish(RawClient c, String topic, String payload, int qos, boolean dup, boolean retain) {
        return assertPublish(c.expectPublish(), topic, payload, qos, dup, retain);
    }

    static int assertPublish(RawPacket p, String topic, String payload, int qos, boolean dup, boolean retain) {
        assertThat(p.isPublish()).as("PUBLISH expected: " + p).isTrue();
        int expectedFirst = 0x30 | (dup ? 0x08 : 0) | (qos << 1) | (retain ? 0x01 : 0);
        assertThat(p.firstByte()).as("PUBLISH first byte of " + p).isEqualTo(expectedFirst);
        assertThat(p.topic()).as("topic of " + p).isEqualTo(topic);
        assertThat(p.payloadString()).as("payload of " + p).isEqualTo(payload);
        if (qos == 0) {
            assertThat(p.body()).as("QoS 0 body has no packet id [MQTT-2.3.1-5]")
                    .hasSize(2 + utf8(topic).length + utf8(payload).length);
            return 0;
        }
        assertThat(p.publishId()).as("packet id of " + p).isNotZero();
        return p.publishId();
    }
}
