package io.starling.mqtt.netty.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.netty.StarlingBroker;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import io.starling.mqtt.session.Session;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Fixture for the PUBLISH, QoS-flow, session and ordering wire tests: one broker on port 0 per test, raw clients
 * that are closed with it, and the few conversation steps those tests repeat.
 *
 * <p>"Nothing more was sent" is observed without sleeping where the broker allows it: a PINGREQ sent after the
 * packets under test is answered after everything the connection already had to send, so the packets read before
 * the PINGRESP are all there was ({@link #untilPingResp}).
 */
final class PublishFlowSupport implements AutoCloseable {
    static final Duration QUIET = Duration.ofMillis(300);
    static final int PINGRESP = 0xD0;
    static final int SUBACK = 0x90;
    static final int PUBACK = 0x40;
    static final int PUBREC = 0x50;
    static final int PUBREL = 0x62;
    static final int PUBCOMP = 0x70;

    private final List<RawClient> clients = new ArrayList<>();
    private StarlingBroker broker;

    /** Starts the broker with the default configuration. */
    StarlingBroker start() {
        return start(c -> { });
    }

    StarlingBroker start(Consumer<BrokerConfig.Builder> settings) {
        assertThat(broker).as("one broker per test").isNull();
        broker = StarlingBroker.builder().port(0).configure(settings).start();
        return broker;
    }

    StarlingBroker broker() {
        return broker;
    }

    /** A TCP connection with nothing sent yet. */
    RawClient open() {
        RawClient c = new RawClient(broker.port());
        clients.add(c);
        return c;
    }

    /** CONNECT (keep alive 0) answered by exactly {@code 20 02 0sp 00}. */
    RawClient connect(String clientId, boolean cleanSession, boolean sessionPresent) {
        RawClient c = open();
        c.send(Bytes.connect(clientId, cleanSession, 0));
        expectConnAck(c, sessionPresent);
        return c;
    }

    RawClient connect(String clientId, boolean cleanSession) {
        return connect(clientId, cleanSession, false);
    }

    /** A connected client with one subscription. */
    RawClient subscriber(String clientId, boolean cleanSession, String filter, int qos) {
        RawClient c = connect(clientId, cleanSession);
        subscribe(c, 1, filter, qos);
        return c;
    }

    /**
     * Connects with CONNECT and PINGREQ sent together and returns what came between CONNACK and PINGRESP: the
     * re-sent and queued packets of the session, and nothing else [MQTT-3.2.0-1].
     */
    Reconnected reconnect(String clientId, boolean cleanSession, boolean sessionPresent) {
        RawClient c = open();
        c.send(Bytes.connect(clientId, cleanSession, 0), Bytes.pingreq());
        expectConnAck(c, sessionPresent);
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

    @Override
    public void close() {
        for (RawClient c : clients) {
            c.close();
        }
        if (broker != null) {
            broker.close();
        }
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
        subscribe(late, 1, topic, 2);
        expectOnlyPingResp(late);
    }

    // ---- conversation steps ----

    static void expectConnAck(RawClient c, boolean sessionPresent) {
        RawPacket ack = c.expectConnAck(0);
        assertThat(ack.body()[0] & 0xFF).as("CONNACK session present").isEqualTo(sessionPresent ? 1 : 0);
    }

    /** SUBSCRIBE with one filter, answered by exactly {@code 90 03 id qos}. */
    static void subscribe(RawClient c, int packetId, String filter, int qos) {
        c.send(Bytes.subscribe(packetId, filter, qos));
        RawPacket ack = c.expect(SUBACK);
        assertThat(ack.body()).as("SUBACK body").containsExactly(hi(packetId), lo(packetId), (byte) qos);
    }

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
        c.send(Bytes.publish(topic, qos, retain, false, packetId, utf8(payload)));
        if (qos == 0) {
            expectOnlyPingResp(c);
        } else if (qos == 1) {
            expectAck(c, PUBACK, packetId);
        } else if (qos == 2) {
            expectAck(c, PUBREC, packetId);
            c.send(Bytes.pubrel(packetId));
            expectAck(c, PUBCOMP, packetId);
        }
    }

    /** The next packet is exactly {@code firstByte 02 id}. */
    static RawPacket expectAck(RawClient c, int firstByte, int packetId) {
        RawPacket p = c.expect(firstByte);
        assertThat(p.body()).as("body of " + p).containsExactly(hi(packetId), lo(packetId));
        return p;
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

    /** DISCONNECT, then the server closes; afterwards the session is detached (it is before the close). */
    static void disconnect(RawClient c) {
        c.send(Bytes.disconnect());
        c.expectClosed();
        c.close();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte hi(int id) {
        return (byte) (id >> 8);
    }

    static byte lo(int id) {
        return (byte) id;
    }
}
