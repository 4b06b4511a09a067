package io.starling.mqtt.netty.conformance;

import static io.starling.mqtt.netty.conformance.PublishFlowSupport.PUBACK;
import static io.starling.mqtt.netty.conformance.PublishFlowSupport.PUBCOMP;
import static io.starling.mqtt.netty.conformance.PublishFlowSupport.PUBREC;
import static io.starling.mqtt.netty.conformance.PublishFlowSupport.PUBREL;
import static io.starling.mqtt.netty.conformance.PublishFlowSupport.assertPublish;
import static io.starling.mqtt.netty.conformance.PublishFlowSupport.expectOnlyPingResp;
import static io.starling.mqtt.netty.conformance.PublishFlowSupport.expectPublish;
import static io.starling.mqtt.netty.support.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.netty.conformance.PublishFlowSupport.Reconnected;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import io.starling.mqtt.session.Session;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The QoS 0/1/2 flows of section 4.3, the DUP flag of re-deliveries (3.3.1-1) and the retry on reconnect (4.4).
 * "Drops" below means the TCP connection is closed without DISCONNECT; the reconnect with the same client id then
 * takes the persistent session over.
 */
@Timeout(30)
class QosFlowConformanceIT {
    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();
    private final PublishFlowSupport wire = new PublishFlowSupport(broker);

    @Test
    @DisplayName("[MQTT-3.3.1-1] [MQTT-2.3.1-4] unacknowledged QoS 1 and 2 PUBLISHes are re-sent after a cs=0 reconnect with DUP=1 and their original ids")
    void redeliveryHasDupAndOriginalId() {
        broker.start();
        RawClient sub = wire.subscriber("sub", false, "t", 2);
        wire.publish("t", "one", 1, false);
        wire.publish("t", "two", 2, false);
        int id1 = expectPublish(sub, "t", "one", 1, false, false);
        int id2 = expectPublish(sub, "t", "two", 2, false, false);
        sub.close();

        Reconnected again = wire.reconnect("sub", false, true);
        assertThat(again.resent()).hasSize(2);
        assertThat(again.resent().get(0).firstByte()).isEqualTo(0x3A);
        assertThat(assertPublish(again.resent().get(0), "t", "one", 1, true, false)).isEqualTo(id1);
        assertThat(again.resent().get(1).firstByte()).isEqualTo(0x3C);
        assertThat(assertPublish(again.resent().get(1), "t", "two", 2, true, false)).isEqualTo(id2);

        // A second drop before any ack: the same ids again.
        again.client().close();
        Reconnected third = wire.reconnect("sub", false, true);
        assertThat(third.resent()).extracting(RawPacket::publishId).containsExactly(id1, id2);
        assertThat(third.resent()).allSatisfy(p -> assertThat(p.dup()).isTrue());
    }

    @Test
    @DisplayName("[MQTT-4.3.1-1] server QoS 0 delivery: QoS bits 00, DUP 0, sent once and never re-sent")
    void qos0IsSentOnce() {
        broker.start();
        RawClient sub = wire.subscriber("sub", false, "t", 2);
        wire.publish("t", "once", 0, false);
        RawPacket p = sub.expectPublish();
        assertThat(p.firstByte()).isEqualTo(0x30);
        assertPublish(p, "t", "once", 0, false, false);
        expectOnlyPingResp(sub);
        sub.close();
        assertThat(wire.reconnect("sub", false, true).resent()).as("nothing re-sent").isEmpty();
    }

    @Test
    @DisplayName("[MQTT-4.3.2-1] server QoS 1: DUP 0 with unused ids; unacked ones are re-sent after cs=0 reconnect, acked ones not")
    void qos1KeepsUnackedUntilPubAck() {
        broker.start();
        RawClient sub = wire.subscriber("sub", false, "t", 1);
        wire.publish("t", "acked", 1, false);
        wire.publish("t", "unacked", 1, false);
        int acked = expectPublish(sub, "t", "acked", 1, false, false);
        int unacked = expectPublish(sub, "t", "unacked", 1, false, false);
        assertThat(acked).isNotEqualTo(unacked);
        sub.send(Bytes.puback(acked));
        expectOnlyPingResp(sub);
        sub.close();

        Reconnected again = wire.reconnect("sub", false, true);
        assertThat(again.resent()).hasSize(1);
        assertThat(assertPublish(again.resent().get(0), "t", "unacked", 1, true, false)).isEqualTo(unacked);
        again.client().send(Bytes.puback(unacked));
        expectOnlyPingResp(again.client());
        again.client().close();
        assertThat(wire.reconnect("sub", false, true).resent()).isEmpty();
    }

    @Test
    @DisplayName("[MQTT-4.3.2-2] inbound QoS 1: PUBACK with the id; after it, the same id with DUP=1 is a new message, acked and delivered again")
    void qos1ReceiverTreatsReusedIdAsNew() {
        broker.start();
        RawClient sub = wire.subscriber("sub", true, "t", 1);
        RawClient pub = wire.connect("pub", true);
        pub.send(Bytes.publish("t", 1, false, false, 7, utf8("first")));
        pub.expectAck(PUBACK, 7);
        sub.send(Bytes.puback(expectPublish(sub, "t", "first", 1, false, false)));
        pub.send(Bytes.publish("t", 1, false, true, 7, utf8("second")));
        pub.expectAck(PUBACK, 7);
        sub.send(Bytes.puback(expectPublish(sub, "t", "second", 1, false, false)));
        expectOnlyPingResp(pub);
        expectOnlyPingResp(sub);
    }

    @Test
    @DisplayName("[MQTT-4.3.3-1] outbound QoS 2 exactly once: PUBREC gets PUBREL 0x62; after a drop the cs=0 reconnect gets PUBREL, not PUBLISH; PUBCOMP ends it")
    void outboundQos2AfterPubRecResendsPubRel() {
        broker.start();
        RawClient sub = wire.subscriber("sub", false, "t", 2);
        wire.publish("t", "exactly-once", 2, false);
        int id = expectPublish(sub, "t", "exactly-once", 2, false, false);
        sub.send(Bytes.pubrec(id));
        // Reading the PUBREL shows the PUBREC was taken before the drop.
        assertThat(sub.read().hex()).isEqualTo(String.format("62 %04X", id));
        sub.close();

        Reconnected again = wire.reconnect("sub", false, true);
        assertThat(again.resent()).extracting(RawPacket::hex).containsExactly(String.format("62 %04X", id));
        again.client().send(Bytes.pubcomp(id));
        expectOnlyPingResp(again.client());
        Session session = wire.session("sub");
        await().until(() -> session.inflightCount() == 0);
        again.client().close();
        assertThat(wire.reconnect("sub", false, true).resent()).as("no duplicate, no PUBREL").isEmpty();
    }

    @Test
    @DisplayName("[MQTT-4.3.3-1] outbound QoS 2, drop before PUBREC: the cs=0 reconnect re-sends the PUBLISH with DUP=1 and the same id")
    void outboundQos2BeforePubRecResendsPublish() {
        broker.start();
        RawClient sub = wire.subscriber("sub", false, "t", 2);
        wire.publish("t", "again", 2, false);
        int id = expectPublish(sub, "t", "again", 2, false, false);
        sub.close();

        Reconnected again = wire.reconnect("sub", false, true);
        assertThat(again.resent()).hasSize(1);
        assertThat(again.resent().get(0).firstByte()).isEqualTo(0x3C);
        assertThat(assertPublish(again.resent().get(0), "t", "again", 2, true, false)).isEqualTo(id);
        RawClient c = again.client();
        c.send(Bytes.pubrec(id));
        c.expectAck(PUBREL, id);
        c.send(Bytes.pubcomp(id));
        expectOnlyPingResp(c);
    }

    @Test
    @DisplayName("[MQTT-4.3.3-2] inbound QoS 2 (method A): a repeat before PUBREL gets PUBREC again and is not forwarded; PUBREL gets PUBCOMP; then the id is new")
    void inboundQos2SameConnection() {
        broker.start();
        RawClient sub = wire.subscriber("sub", true, "t", 2);
        RawClient pub = wire.connect("pub", true);
        pub.send(Bytes.publish("t", 2, false, false, 9, utf8("m")));
        pub.expectAck(PUBREC, 9);
        // Method A: forwarded as soon as the PUBLISH arrived, before PUBREL.
        expectPublish(sub, "t", "m", 2, false, false);
        pub.send(Bytes.publish("t", 2, false, true, 9, utf8("m")));
        pub.expectAck(PUBREC, 9);
        pub.send(Bytes.pubrel(9));
        pub.expectAck(PUBCOMP, 9);
        // A PUBREL for an id the server does not know still gets PUBCOMP.
        pub.send(Bytes.pubrel(77));
        pub.expectAck(PUBCOMP, 77);
        // After PUBCOMP, id 9 starts a new message.
        pub.send(Bytes.publish("t", 2, false, false, 9, utf8("new")));
        pub.expectAck(PUBREC, 9);
        expectPublish(sub, "t", "new", 2, false, false);
        pub.send(Bytes.pubrel(9));
        pub.expectAck(PUBCOMP, 9);
    }

    @Test
    @DisplayName("[MQTT-4.3.3-2] [MQTT-4.1.0-1] inbound QoS 2 exactly once across a reconnect: id 9, PUBREC, drop, cs=0 re-send DUP=1 id 9, PUBREC, one copy, PUBREL, PUBCOMP")
    void inboundQos2AcrossReconnect() {
        broker.start();
        RawClient sub = wire.subscriber("sub", true, "t", 2);
        RawClient pub = wire.connect("pub", false);
        pub.send(Bytes.publish("t", 2, false, false, 9, utf8("once")));
        pub.expectAck(PUBREC, 9);
        pub.close();

        RawClient again = wire.connect("pub", false, true);
        again.send(Bytes.publish("t", 2, false, true, 9, utf8("once")));
        again.expectAck(PUBREC, 9);
        again.send(Bytes.pubrel(9));
        again.expectAck(PUBCOMP, 9);
        again.send(Bytes.publish("t", 0, 0, "marker"));
        // Exactly one copy: the subscriber's next PUBLISH after it is the marker.
        int id = expectPublish(sub, "t", "once", 2, false, false);
        expectPublish(sub, "t", "marker", 0, false, false);
        sub.send(Bytes.pubrec(id));
        sub.expectAck(PUBREL, id);
        sub.send(Bytes.pubcomp(id));
        // The id is free again: a later id 9 is a new message.
        again.send(Bytes.publish("t", 2, false, false, 9, utf8("later")));
        again.expectAck(PUBREC, 9);
        expectPublish(sub, "t", "later", 2, false, false);
    }

    @Test
    @DisplayName("[MQTT-4.4.0-1] cs=0 reconnect re-sends an unacked QoS 1 PUBLISH (DUP=1, same id) and the PUBREL of a QoS 2 awaiting PUBCOMP")
    void reconnectResendsPublishAndPubRel() {
        broker.start();
        RawClient sub = wire.subscriber("sub", false, "t", 2);
        wire.publish("t", "q1", 1, false);
        wire.publish("t", "q2", 2, false);
        int id1 = expectPublish(sub, "t", "q1", 1, false, false);
        int id2 = expectPublish(sub, "t", "q2", 2, false, false);
        sub.send(Bytes.pubrec(id2));
        sub.expectAck(PUBREL, id2);
        sub.close();

        Reconnected again = wire.reconnect("sub", false, true);
        assertThat(again.resent()).extracting(RawPacket::hex).containsExactlyInAnyOrder(
                String.format("3A 000174%04X7131", id1), String.format("62 %04X", id2));
        RawClient c = again.client();
        c.send(Bytes.puback(id1), Bytes.pubcomp(id2));
        expectOnlyPingResp(c);
        Session session = wire.session("sub");
        await().until(() -> session.inflightCount() == 0);
    }

    @Test
    @DisplayName("[MQTT-4.3.2-1] [MQTT-4.3.3-1] inflight window maxInflight(2): two unacked PUBLISHes, the next waits until PUBACK or PUBCOMP frees a slot")
    void inflightWindowHoldsBackUntilAck() {
        broker.start(c -> c.maxInflight(2));
        RawClient sub = wire.subscriber("sub", true, "w", 2);
        wire.publish("w", "m1", 1, false);
        wire.publish("w", "m2", 2, false);
        wire.publish("w", "m3", 1, false);
        wire.publish("w", "m4", 2, false);
        int id1 = expectPublish(sub, "w", "m1", 1, false, false);
        int id2 = expectPublish(sub, "w", "m2", 2, false, false);
        Session session = wire.session("sub");
        await().until(() -> session.queuedCount() == 2);
        expectOnlyPingResp(sub);
        assertThat(broker.stats().messagesSent()).isEqualTo(2);

        // PUBREC does not free the QoS 2 slot.
        sub.send(Bytes.pubrec(id2));
        sub.expectAck(PUBREL, id2);
        expectOnlyPingResp(sub);
        // PUBCOMP does: m3 goes out.
        sub.send(Bytes.pubcomp(id2));
        int id3 = expectPublish(sub, "w", "m3", 1, false, false);
        expectOnlyPingResp(sub);
        // PUBACK frees the QoS 1 slot: m4 goes out.
        sub.send(Bytes.puback(id1));
        int id4 = expectPublish(sub, "w", "m4", 2, false, false);
        expectOnlyPingResp(sub);
        assertThat(List.of(id3, id4)).doesNotHaveDuplicates();
        assertThat(session.queuedCount()).isZero();
    }
}
