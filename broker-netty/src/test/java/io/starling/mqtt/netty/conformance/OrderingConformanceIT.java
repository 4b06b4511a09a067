package io.starling.mqtt.netty.conformance;

import static io.starling.mqtt.netty.conformance.PublishFlowSupport.PUBACK;
import static io.starling.mqtt.netty.conformance.PublishFlowSupport.PUBCOMP;
import static io.starling.mqtt.netty.conformance.PublishFlowSupport.PUBREC;
import static io.starling.mqtt.netty.conformance.PublishFlowSupport.PUBREL;
import static io.starling.mqtt.netty.conformance.PublishFlowSupport.expectOnlyPingResp;
import static io.starling.mqtt.netty.conformance.PublishFlowSupport.expectPublish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.starling.mqtt.netty.conformance.PublishFlowSupport.Reconnected;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Message ordering, section 4.6: the client rules 4.6.0-1..4 applied to the server by 4.6.0-6. */
@Timeout(60)
class OrderingConformanceIT {
    /** Packet ids out of numeric order, so "same order" cannot be confused with "sorted". */
    private static final int[] IDS = {7, 3, 9, 1, 10, 2, 8, 4, 6, 5};

    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.started();
    private final PublishFlowSupport wire = new PublishFlowSupport(broker);

    @Test
    @DisplayName("[MQTT-4.6.0-1] unacked m1..m5 (QoS 1) are re-sent after a cs=0 reconnect in their original order, with their ids")
    void resentInOriginalOrder() {
        RawClient sub = wire.subscriber("sub", false, "t", 1);
        List<Integer> ids = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            wire.publish("t", "m" + i, 1, false);
        }
        for (int i = 1; i <= 5; i++) {
            ids.add(expectPublish(sub, "t", "m" + i, 1, false, false));
        }
        sub.close();

        Reconnected again = wire.reconnect("sub", false, true);
        assertThat(again.resent()).extracting(RawPacket::payloadString).containsExactly("m1", "m2", "m3", "m4", "m5");
        assertThat(again.resent()).extracting(RawPacket::publishId).containsExactlyElementsOf(ids);
        assertThat(again.resent()).allSatisfy(p -> assertThat(p.firstByte()).isEqualTo(0x3A));

        // Acking m2 and m4 leaves m1, m3, m5, still in order.
        again.client().send(Bytes.puback(ids.get(1)), Bytes.puback(ids.get(3)));
        expectOnlyPingResp(again.client());
        again.client().close();
        Reconnected third = wire.reconnect("sub", false, true);
        assertThat(third.resent()).extracting(RawPacket::payloadString).containsExactly("m1", "m3", "m5");
    }

    @Test
    @DisplayName("[MQTT-4.6.0-2] 10 pipelined QoS 1 PUBLISHes: PUBACKs come back in the order the PUBLISHes arrived")
    void pubAcksInArrivalOrder() {
        RawClient pub = wire.connect("pub", true);
        pub.send(IntStream.of(IDS).mapToObj(id -> Bytes.publish("t", 1, id, "m" + id)).toArray(byte[][]::new));
        for (int id : IDS) {
            pub.expectAck(PUBACK, id);
        }
    }

    @Test
    @DisplayName("[MQTT-4.6.0-3] 10 pipelined QoS 2 PUBLISHes: PUBRECs come back in the order the PUBLISHes arrived")
    void pubRecsInArrivalOrder() {
        RawClient pub = wire.connect("pub", true);
        pub.send(IntStream.of(IDS).mapToObj(id -> Bytes.publish("t", 2, id, "m" + id)).toArray(byte[][]::new));
        for (int id : IDS) {
            pub.expectAck(PUBREC, id);
        }
        pub.send(IntStream.of(IDS).mapToObj(Bytes::pubrel).toArray(byte[][]::new));
        for (int id : IDS) {
            pub.expectAck(PUBCOMP, id);
        }
    }

    @Test
    @DisplayName("[MQTT-4.6.0-4] subscriber answers PUBREC 3,1,2: the server's PUBRELs come as 3,1,2, and again in that order after reconnect")
    void pubRelsInPubRecOrder() {
        RawClient sub = wire.subscriber("sub", false, "t", 2);
        int[] ids = new int[3];
        for (int i = 0; i < 3; i++) {
            wire.publish("t", "m" + (i + 1), 2, false);
        }
        for (int i = 0; i < 3; i++) {
            ids[i] = expectPublish(sub, "t", "m" + (i + 1), 2, false, false);
        }
        int[] recOrder = {ids[2], ids[0], ids[1]};
        sub.send(Bytes.pubrec(recOrder[0]), Bytes.pubrec(recOrder[1]), Bytes.pubrec(recOrder[2]));
        for (int id : recOrder) {
            sub.expectAck(PUBREL, id);
        }
        sub.close();

        Reconnected again = wire.reconnect("sub", false, true);
        assertThat(again.resent()).extracting(RawPacket::hex).containsExactly(
                String.format("62 %04X", recOrder[0]), String.format("62 %04X", recOrder[1]),
                String.format("62 %04X", recOrder[2]));
        for (int id : recOrder) {
            again.client().send(Bytes.pubcomp(id));
        }
        expectOnlyPingResp(again.client());
    }

    @Test
    @DisplayName("[MQTT-4.6.0-5] default configuration: every topic is ordered (3 interleaved topics, each subscriber's copies in order)")
    void everyTopicOrderedByDefault() {
        Subscriber wide = new Subscriber(wire.subscriber("wide", true, "o/#", 1));
        Subscriber narrow = new Subscriber(wire.subscriber("narrow", true, "o/2", 2));
        RawClient pub = wire.connect("pub", true);
        List<byte[]> batch = new ArrayList<>();
        int id = 1;
        for (int seq = 1; seq <= 100; seq++) {
            for (String topic : new String[] {"o/1", "o/2", "o/3"}) {
                batch.add(Bytes.publish(topic, 1, id++, topic + ":" + seq));
            }
        }
        pub.send(batch.toArray(byte[][]::new));
        for (int i = 1; i < id; i++) {
            pub.expectAck(PUBACK, i);
        }
        wide.drainUntil("o/3:100");
        narrow.drainUntil("o/2:100");
        List<Integer> all = IntStream.rangeClosed(1, 100).boxed().toList();
        assertThat(wide.byKey).containsOnlyKeys("o/1", "o/2", "o/3").allSatisfy((topic, seqs) ->
                assertThat(seqs).as(topic).containsExactlyElementsOf(all));
        assertThat(narrow.byKey).containsOnlyKeys("o/2");
        assertThat(narrow.byKey.get("o/2")).containsExactlyElementsOf(all);
    }

    @Test
    @DisplayName("[MQTT-4.6.0-6] one publisher sends 1..1000 on o at QoS 0, then 1, then 2: each subscriber's copies are in order")
    void onePublishersMessagesStayInOrder() {
        int n = 1000;
        Subscriber atTwo = new Subscriber(wire.subscriber("at-two", true, "o", 2));
        Subscriber atOne = new Subscriber(wire.subscriber("at-one", true, "o", 1));
        RawClient pub = wire.connect("pub", true);

        pub.send(IntStream.rangeClosed(1, n).mapToObj(i -> Bytes.publish("o", 0, 0, "0:" + i)).toArray(byte[][]::new));
        pub.send(IntStream.rangeClosed(1, n).mapToObj(i -> Bytes.publish("o", 1, i, "1:" + i)).toArray(byte[][]::new));
        for (int i = 1; i <= n; i++) {
            pub.expectAck(PUBACK, i);
        }
        // Drain between phases so the subscribers' queues stay under the default limit.
        atTwo.drainUntil("1:" + n);
        atOne.drainUntil("1:" + n);
        pub.send(IntStream.rangeClosed(1, n).mapToObj(i -> Bytes.publish("o", 2, i, "2:" + i)).toArray(byte[][]::new));
        for (int i = 1; i <= n; i++) {
            pub.expectAck(PUBREC, i);
        }
        pub.send(IntStream.rangeClosed(1, n).mapToObj(Bytes::pubrel).toArray(byte[][]::new));
        for (int i = 1; i <= n; i++) {
            pub.expectAck(PUBCOMP, i);
        }
        atTwo.drainUntil("2:" + n);
        atOne.drainUntil("2:" + n);

        List<Integer> all = IntStream.rangeClosed(1, n).boxed().toList();
        for (Subscriber s : List.of(atTwo, atOne)) {
            // QoS 0 copies may be dropped under back-pressure, but never reordered.
            assertThat(s.byKey.get("0")).isSorted().doesNotHaveDuplicates();
            assertThat(s.byKey.get("1")).containsExactlyElementsOf(all);
            assertThat(s.byKey.get("2")).containsExactlyElementsOf(all);
        }
        assertThat(atTwo.qosSeen).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(atOne.qosSeen).containsExactlyInAnyOrder(0, 1);
    }

    /**
     * Reads a subscriber's PUBLISHes ("key:seq" payloads), acknowledging each as its QoS requires and answering
     * PUBREL with PUBCOMP, and records the sequence numbers per key in arrival order.
     */
    private static final class Subscriber {
        final RawClient client;
        final Map<String, List<Integer>> byKey = new TreeMap<>();
        final Set<Integer> qosSeen = new HashSet<>();
        private final Set<Integer> awaitingRel = new HashSet<>();

        Subscriber(RawClient client) {
            this.client = client;
        }

        void drainUntil(String lastPayload) {
            boolean seenLast = false;
            while (!seenLast || !awaitingRel.isEmpty()) {
                RawPacket p = client.read();
                if (p.isPublish()) {
                    String payload = p.payloadString();
                    int colon = payload.lastIndexOf(':');
                    byKey.computeIfAbsent(payload.substring(0, colon), k -> new ArrayList<>())
                            .add(Integer.parseInt(payload.substring(colon + 1)));
                    qosSeen.add(p.qos());
                    assertThat(p.dup()).as("first deliveries only").isFalse();
                    if (p.qos() == 1) {
                        client.send(Bytes.puback(p.publishId()));
                    } else if (p.qos() == 2) {
                        assertThat(awaitingRel.add(p.publishId())).as("id in flight reused").isTrue();
                        client.send(Bytes.pubrec(p.publishId()));
                    }
                    seenLast |= payload.equals(lastPayload);
                } else if (p.firstByte() == PUBREL) {
                    assertThat(awaitingRel.remove(p.packetId())).as("PUBREL for a PUBREC'd id").isTrue();
                    client.send(Bytes.pubcomp(p.packetId()));
                } else {
                    fail("unexpected packet " + p);
                }
            }
        }
    }
}
