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

import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import io.starling.mqtt.session.Session;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Packet identifiers on the wire (section 2.3.1) and the PUBREL fixed header (3.6.1). */
@Timeout(60)
class PacketIdConformanceIT {
    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();
    private final PublishFlowSupport wire = new PublishFlowSupport(broker);

    @Test
    @DisplayName("[MQTT-2.3.1-1] every QoS 1 and QoS 2 PUBLISH from the server has a non-zero packet id")
    void serverPublishIdsAreNonZero() {
        broker.start();
        RawClient sub = wire.subscriber("sub", true, "t/#", 2);
        for (int i = 0; i < 6; i++) {
            wire.publish("t/" + i, "m" + i, 1 + i % 2, false);
        }
        for (int i = 0; i < 6; i++) {
            RawPacket p = sub.expectPublish();
            int id = assertPublish(p, "t/" + i, "m" + i, 1 + i % 2, false, false);
            assertThat(id).isBetween(1, 65_535);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "82 06 0000 0001 61 00", // SUBSCRIBE id 0
        "A2 05 0000 0001 61", // UNSUBSCRIBE id 0
        "32 07 0001 61 0000 4142", // PUBLISH QoS 1 id 0
        "34 07 0001 61 0000 4142", // PUBLISH QoS 2 id 0
    })
    @DisplayName("[MQTT-2.3.1-1] inbound SUBSCRIBE, UNSUBSCRIBE or QoS>0 PUBLISH with packet id 0: closed, nothing done")
    void inboundIdZeroCloses(String hex) {
        broker.start();
        RawClient bystander = wire.subscriber("bystander", true, "a", 1);
        RawClient c = wire.connect("bad", true);
        c.send(Bytes.hex(hex));
        c.expectClosed();
        // The PUBLISH variants were not routed; the bystander's connection is untouched.
        wire.assertNothingDeliveredOrRetained(bystander, "a");
        expectOnlyPingResp(bystander);
    }

    @Test
    @DisplayName("[MQTT-2.3.1-4] server ids: pairwise distinct in flight, id reused only after PUBACK (QoS 1) or PUBCOMP (QoS 2)")
    void serverIdsAreReusedOnlyAfterTheFlowCompletes() {
        // The whole id space in flight: the allocator must skip ids still in use, and only a completed flow
        // frees one.
        int all = 65_535;
        broker.start(c -> c.maxInflight(all).maxQueuedMessages(10));
        RawClient sub = wire.subscriber("sub", true, "ids", 2);
        for (int i = 0; i < all; i++) {
            wire.publish("ids", Integer.toString(i), 1 + i % 2, false);
        }
        Map<Integer, Integer> qosById = new HashMap<>();
        for (int i = 0; i < all; i++) {
            RawPacket p = sub.expectPublish();
            assertThat(p.payloadString()).isEqualTo(Integer.toString(i));
            assertThat(p.qos()).isEqualTo(1 + i % 2);
            assertThat(p.dup()).isFalse();
            Integer previous = qosById.put(p.publishId(), p.qos());
            assertThat(previous).as("id %d reused while still in flight (message %d)", p.publishId(), i).isNull();
        }
        assertThat(qosById).hasSize(all).doesNotContainKey(0);
        int qos2Id = qosById.entrySet().stream().filter(e -> e.getValue() == 2).findFirst().orElseThrow().getKey();
        int qos1Id = qosById.entrySet().stream().filter(e -> e.getValue() == 1).findFirst().orElseThrow().getKey();

        // No id is free: the next message waits.
        wire.publish("ids", "next-1", 1, false);
        Session session = wire.session("sub");
        await().until(() -> session.queuedCount() == 1);
        expectOnlyPingResp(sub);

        // PUBREC does not free the id: PUBREL, and still nothing else.
        sub.send(Bytes.pubrec(qos2Id));
        sub.expectAck(PUBREL, qos2Id);
        expectOnlyPingResp(sub);

        // PUBCOMP frees it: the waiting message takes exactly that id.
        sub.send(Bytes.pubcomp(qos2Id));
        assertThat(expectPublish(sub, "ids", "next-1", 1, false, false)).isEqualTo(qos2Id);

        // Likewise PUBACK frees a QoS 1 id.
        wire.publish("ids", "next-2", 2, false);
        await().until(() -> session.queuedCount() == 1);
        expectOnlyPingResp(sub);
        sub.send(Bytes.puback(qos1Id));
        assertThat(expectPublish(sub, "ids", "next-2", 2, false, false)).isEqualTo(qos1Id);
    }

    @Test
    @DisplayName("[MQTT-2.3.1-4] id spaces are per direction: the client's id N in flight does not clash with the server's id N")
    void idSpacesArePerDirection() {
        broker.start();
        RawClient c = wire.subscriber("both-ways", true, "loop", 2);
        // The server's QoS 2 PUBLISH toward the client, left unacknowledged.
        wire.publish("loop", "from-server", 2, false);
        int serverId = expectPublish(c, "loop", "from-server", 2, false, false);

        // The client uses the very same id for its own QoS 2 PUBLISH.
        c.send(Bytes.publish("loop", 2, false, false, serverId, utf8("from-client")));
        List<RawPacket> two = List.of(c.read(), c.read());
        RawPacket pubrec = two.stream().filter(p -> p.firstByte() == PUBREC).findFirst().orElseThrow();
        RawPacket forwarded = two.stream().filter(RawPacket::isPublish).findFirst().orElseThrow();
        assertThat(pubrec.packetId()).isEqualTo(serverId);
        int forwardedId = assertPublish(forwarded, "loop", "from-client", 2, false, false);
        assertThat(forwardedId).as("server picks an id not in flight toward this client").isNotEqualTo(serverId);

        // Both flows with the same number complete independently.
        c.send(Bytes.pubrec(serverId));
        c.expectAck(PUBREL, serverId);
        c.send(Bytes.pubrel(serverId));
        c.expectAck(PUBCOMP, serverId);
        c.send(Bytes.pubcomp(serverId));
        c.send(Bytes.pubrec(forwardedId));
        c.expectAck(PUBREL, forwardedId);
        c.send(Bytes.pubcomp(forwardedId));
        expectOnlyPingResp(c);
        Session session = wire.session("both-ways");
        await().until(() -> session.inflightCount() == 0);
    }

    @Test
    @DisplayName("[MQTT-2.3.1-5] QoS 0 PUBLISH has no packet id: server's remaining length = 2 + topic + payload; inbound payload starts right after the topic")
    void qos0HasNoPacketId() {
        broker.start();
        RawClient sub = wire.subscriber("sub", true, "#", 1);
        RawClient pub = wire.connect("pub", true);
        // Topic "t", payload "ABCD": a broker that read a packet id would lose "AB".
        pub.send(Bytes.hex("30 07 0001 74 41424344"));
        RawPacket p = sub.expectPublish();
        assertThat(p.firstByte()).isEqualTo(0x30);
        assertThat(p.body()).containsExactly(Bytes.hex("0001 74 41424344"));
        // The same through the server's encoder for a longer topic and payload.
        wire.publish("a/longer/topic", "payload bytes", 0, false);
        RawPacket q = sub.expectPublish();
        assertThat(q.body()).hasSize(2 + "a/longer/topic".length() + "payload bytes".length());
        assertThat(q.topic()).isEqualTo("a/longer/topic");
        assertThat(q.payloadString()).isEqualTo("payload bytes");
    }

    @ParameterizedTest(name = "packet id {0}")
    @ValueSource(ints = {1, 0x1234, 65_535})
    @DisplayName("[MQTT-2.3.1-6] PUBACK and PUBREC echo the client's id; PUBCOMP echoes the PUBREL's id")
    void acksEchoTheClientsId(int id) {
        broker.start();
        RawClient pub = wire.connect("pub", true);
        pub.send(Bytes.publish("t", 1, false, false, id, utf8("one")));
        assertThat(pub.expect(PUBACK).body()).containsExactly(id >> 8, id & 0xFF);
        pub.send(Bytes.publish("t", 2, false, false, id, utf8("two")));
        assertThat(pub.expect(PUBREC).body()).containsExactly(id >> 8, id & 0xFF);
        pub.send(Bytes.pubrel(id));
        assertThat(pub.expect(PUBCOMP).body()).containsExactly(id >> 8, id & 0xFF);
    }

    @Test
    @DisplayName("[MQTT-2.3.1-6] [MQTT-3.6.1-1] the server's PUBREL is 0x62 and carries the id of the server's own PUBLISH")
    void serverPubRelCarriesItsPublishId() {
        broker.start();
        RawClient sub = wire.subscriber("sub", true, "t", 2);
        Set<Integer> ids = new HashSet<>();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            wire.publish("t", "m" + i, 2, false);
            int id = expectPublish(sub, "t", "m" + i, 2, false, false);
            ids.add(id);
            order.add(id);
        }
        assertThat(ids).hasSize(3);
        for (int id : order) {
            sub.send(Bytes.pubrec(id));
            RawPacket rel = sub.read();
            assertThat(rel.firstByte()).as("PUBREL first byte").isEqualTo(0x62);
            assertThat(rel.body()).containsExactly(id >> 8, id & 0xFF);
            sub.send(Bytes.pubcomp(id));
        }
        expectOnlyPingResp(sub);
    }

    @ParameterizedTest(name = "packet id {0}")
    @ValueSource(ints = {1, 0x1234, 65_535})
    @DisplayName("[MQTT-2.3.1-7] SUBACK and UNSUBACK repeat the SUBSCRIBE and UNSUBSCRIBE ids")
    void subAckAndUnsubAckEchoIds(int id) {
        broker.start();
        RawClient c = wire.connect("c", true);
        c.send(Bytes.subscribe(id, "a/b", 1));
        RawPacket subAck = c.expect(0x90);
        assertThat(subAck.body()).containsExactly(id >> 8, id & 0xFF, 0x01);
        c.send(Bytes.unsubscribe(id, "a/b"));
        RawPacket unsubAck = c.expect(0xB0);
        assertThat(unsubAck.body()).containsExactly(id >> 8, id & 0xFF);
        // Two packets in one write, different ids: each answer keeps its own.
        c.send(Bytes.subscribe(7, "x", 0), Bytes.unsubscribe(65_534, "x"));
        assertThat(c.expect(0x90).body()).containsExactly(0x00, 0x07, 0x00);
        assertThat(c.expect(0xB0).body()).containsExactly(0xFF, 0xFE);
    }

    @ParameterizedTest(name = "first byte {0}")
    @ValueSource(strings = {"60", "63", "6A"})
    @DisplayName("[MQTT-3.6.1-1] inbound PUBREL with flags other than 0010: closed, no PUBCOMP")
    void pubRelWithWrongFlagsCloses(String firstByte) {
        broker.start();
        RawClient bystander = wire.connect("bystander", true);
        RawClient pub = wire.connect("pub", true);
        pub.send(Bytes.publish("t", 2, false, false, 5, utf8("x")));
        pub.expectAck(PUBREC, 5);
        pub.send(Bytes.hex(firstByte + " 02 0005"));
        pub.expectClosed();
        expectOnlyPingResp(bystander);
    }
}
