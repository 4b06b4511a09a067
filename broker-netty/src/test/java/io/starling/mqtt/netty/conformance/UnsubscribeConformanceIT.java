package io.starling.mqtt.netty.conformance;

import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.MARKER;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.assertAlive;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.e;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.expectSubAck;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.expectUnsubAck;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.publishesUntilMarker;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.sendMarker;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.subscribe;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.topics;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.unsubscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** UNSUBSCRIBE and UNSUBACK at the wire (sections 3.10 and 3.11). */
@Timeout(30)
class UnsubscribeConformanceIT {
    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.started();

    private static byte[] unsubscribeWithFirstByte(int firstByte, int packetId, String filter) {
        return Bytes.packet(firstByte, Bytes.of().u16(packetId).str(filter).build());
    }

    /** Publishes "one" at QoS 1 (id 1) and "two" at QoS 2 (id 2) to t, completing the publisher's flows. */
    private static void publishOneAndTwo(RawClient pub) {
        pub.send(Bytes.publish("t", 1, 1, "one"));
        pub.expect(0x40);
        pub.send(Bytes.publish("t", 2, 2, "two"));
        pub.expect(0x50);
        pub.send(Bytes.pubrel(2));
        pub.expect(0x70);
    }

    @ParameterizedTest(name = "first byte 0x{0}")
    @ValueSource(strings = {"A0", "A1", "A3", "A6", "AA", "AF"})
    @DisplayName("[MQTT-3.10.1-1] UNSUBSCRIBE with flags other than 0010: closed, no UNSUBACK, subscription kept (cs=0)")
    void reservedFlagsClose(String firstByteHex) {
        RawClient c = broker.rawConnected("keeper", false);
        c.send(subscribe(1, e("keep/t", 1), e(MARKER, 0)));
        expectSubAck(c, 1, 1, 0);
        c.send(unsubscribeWithFirstByte(Integer.parseInt(firstByteHex, 16), 2, "keep/t"));
        c.expectClosed();
        broker.awaitOffline("keeper");

        RawClient back = broker.rawConnected("keeper", false, true);
        RawClient pub = broker.rawConnected("pub", true);
        pub.send(Bytes.publish("keep/t", 1, 1, "still subscribed"));
        pub.expect(0x40);
        sendMarker(pub);
        List<RawPacket> got = publishesUntilMarker(back);
        assertThat(topics(got)).containsExactly("keep/t");
    }

    @ParameterizedTest(name = "filter bytes {0}")
    @ValueSource(strings = {"6B 2F C3 28", "ED B0 80", "C1 81", "6B FE"})
    @DisplayName("[MQTT-3.10.3-1] UNSUBSCRIBE filter that is not well-formed UTF-8: closed, no UNSUBACK, subscription kept")
    void illFormedUtf8FilterCloses(String filterHex) {
        RawClient c = broker.rawConnected("keeper", false);
        c.send(subscribe(1, e("keep/t", 1), e(MARKER, 0)));
        expectSubAck(c, 1, 1, 0);
        RawClient other = broker.rawConnected("other", true);
        c.send(Bytes.packet(0xA2, Bytes.of().u16(2).str("keep/t").field(Bytes.hex(filterHex)).build()));
        c.expectClosed();
        broker.awaitOffline("keeper");
        assertThat(broker.engine().sessions().get("keeper").subscriptions()).hasSize(2);
        assertAlive(other);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"A2 02 00 01", "A2 02 FF FF"})
    @DisplayName("[MQTT-3.10.3-2] UNSUBSCRIBE with a packet id and no filter: closed, no UNSUBACK")
    void emptyPayloadCloses(String packetHex) {
        RawClient c = broker.rawConnected("empty", true);
        c.send(subscribe(1, e("t", 0)));
        expectSubAck(c, 1, 0);
        RawClient other = broker.rawConnected("other", true);
        c.send(Bytes.hex(packetHex));
        c.expectClosed();
        assertAlive(other);
    }

    @Test
    @DisplayName("[MQTT-3.10.4-1] filters compared literally: UNSUBSCRIBE 'a/b' leaves 'a/+'; UNSUBSCRIBE 'a/+' removes it")
    void literalComparison() {
        RawClient sub = broker.rawConnected("sub", true);
        sub.send(subscribe(1, e("a/+", 1), e("x/#", 0), e(MARKER, 0)));
        expectSubAck(sub, 1, 1, 0, 0);
        RawClient pub = broker.rawConnected("pub", true);

        sub.send(unsubscribe(2, "a/b", "a/#", "+/+", "A/+", "a/+/", "x/+", "x"));
        expectUnsubAck(sub, 2);
        pub.send(Bytes.publish("a/b", 0, 0, "1"), Bytes.publish("x/y", 0, 0, "2"));
        sendMarker(pub);
        assertThat(topics(publishesUntilMarker(sub))).as("nothing removed by non-identical filters")
                .containsExactly("a/b", "x/y");

        sub.send(unsubscribe(3, "a/+"));
        expectUnsubAck(sub, 3);
        pub.send(Bytes.publish("a/b", 0, 0, "3"), Bytes.publish("x/y", 0, 0, "4"));
        sendMarker(pub);
        assertThat(topics(publishesUntilMarker(sub))).as("the identical filter removed 'a/+' only").containsExactly("x/y");
    }

    @Test
    @DisplayName("[MQTT-3.10.4-2] after the UNSUBACK no message is added for the removed subscription, live or queued (cs=0)")
    void nothingAddedAfterUnsubscribe() {
        RawClient sub = broker.rawConnected("persist", false);
        sub.send(subscribe(1, e("gone", 1), e("stay", 1), e(MARKER, 0)));
        expectSubAck(sub, 1, 1, 1, 0);
        sub.send(unsubscribe(2, "gone"));
        expectUnsubAck(sub, 2);

        RawClient pub = broker.rawConnected("pub", true);
        pub.send(Bytes.publish("gone", 1, 1, "live-gone"));
        pub.expect(0x40);
        pub.send(Bytes.publish("stay", 1, 2, "live-stay"));
        pub.expect(0x40);
        sendMarker(pub);
        assertThat(topics(publishesUntilMarker(sub))).containsExactly("stay");

        sub.close();
        broker.awaitOffline("persist");
        pub.send(Bytes.publish("gone", 1, 3, "offline-gone"));
        pub.expect(0x40);
        pub.send(Bytes.publish("stay", 1, 4, "offline-stay"));
        pub.expect(0x40);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> broker.engine().sessions().get("persist").queuedCount() == 1);

        RawClient back = broker.rawConnected("persist", false, true);
        RawPacket queued = back.expectPublish();
        assertThat(queued.topic()).as("only the remaining subscription queued").isEqualTo("stay");
        assertThat(queued.payloadString()).isEqualTo("offline-stay");
        back.send(Bytes.puback(queued.publishId()));
        sendMarker(pub);
        assertThat(publishesUntilMarker(back)).isEmpty();
    }

    @Test
    @DisplayName("[MQTT-3.10.4-3] QoS 1 unacked and QoS 2 at the PUBREL stage before UNSUBSCRIBE: both flows still complete")
    void inflightFlowsCompleteOnSameConnection() {
        RawClient sub = broker.rawConnected("sub", true);
        sub.send(subscribe(1, e("t", 2), e(MARKER, 0)));
        expectSubAck(sub, 1, 2, 0);
        RawClient pub = broker.rawConnected("pub", true);
        publishOneAndTwo(pub);
        pub.send(Bytes.publish("t", 2, 3, "three"));
        pub.expect(0x50);
        pub.send(Bytes.pubrel(3));
        pub.expect(0x70);

        RawPacket one = sub.expectPublish();
        RawPacket two = sub.expectPublish();
        RawPacket three = sub.expectPublish();
        assertThat(List.of(one.qos(), two.qos(), three.qos())).containsExactly(1, 2, 2);
        sub.send(Bytes.pubrec(two.publishId()));
        assertThat(sub.read().hex()).as("PUBREL for 'two'").isEqualTo(String.format("62 %04X", two.publishId()));

        sub.send(unsubscribe(2, "t"));
        expectUnsubAck(sub, 2);
        // QoS 2 still at the PUBLISH stage: the PUBREC after UNSUBSCRIBE is answered with PUBREL.
        sub.send(Bytes.pubrec(three.publishId()));
        assertThat(sub.read().hex()).as("PUBREL for 'three'").isEqualTo(String.format("62 %04X", three.publishId()));
        sub.send(Bytes.puback(one.publishId()), Bytes.pubcomp(two.publishId()), Bytes.pubcomp(three.publishId()));
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.engine().sessions().get("sub").inflightCount() == 0);

        pub.send(Bytes.publish("t", 1, 4, "after"));
        pub.expect(0x40);
        sendMarker(pub);
        assertThat(publishesUntilMarker(sub)).as("no new message for the removed subscription").isEmpty();
    }

    @Test
    @DisplayName("[MQTT-3.10.4-3] unacked QoS 1 and QoS 2 at PUBREL stage are re-sent after a cs=0 reconnect following UNSUBSCRIBE")
    void inflightFlowsResentAfterReconnect() {
        RawClient sub = broker.rawConnected("persist", false);
        sub.send(subscribe(1, e("t", 2)));
        expectSubAck(sub, 1, 2);
        RawClient pub = broker.rawConnected("pub", true);
        publishOneAndTwo(pub);

        RawPacket one = sub.expectPublish();
        RawPacket two = sub.expectPublish();
        sub.send(Bytes.pubrec(two.publishId()));
        assertThat(sub.read().hex()).isEqualTo(String.format("62 %04X", two.publishId()));
        sub.send(unsubscribe(2, "t"));
        expectUnsubAck(sub, 2);
        sub.close();
        broker.awaitOffline("persist");

        RawClient back = broker.rawConnected("persist", false, true);
        RawPacket resent = back.expectPublish();
        assertThat(resent.topic()).isEqualTo("t");
        assertThat(resent.payloadString()).isEqualTo("one");
        assertThat(resent.qos()).isEqualTo(1);
        assertThat(resent.dup()).as("re-sent PUBLISH has DUP=1").isTrue();
        assertThat(resent.publishId()).as("same packet id").isEqualTo(one.publishId());
        assertThat(back.read().hex()).as("PUBREL re-sent").isEqualTo(String.format("62 %04X", two.publishId()));
        back.send(Bytes.puback(one.publishId()), Bytes.pubcomp(two.publishId()));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> broker.engine().sessions().get("persist").inflightCount() == 0);
        assertAlive(back);
    }

    @ParameterizedTest(name = "packet id 0x{0}")
    @ValueSource(strings = {"0001", "ABCD", "FFFF", "0100"})
    @DisplayName("[MQTT-3.10.4-4] UNSUBSCRIBE is answered by UNSUBACK B0 02 with the request's packet id")
    void unsubAckCarriesPacketId(String idHex) {
        RawClient sub = broker.rawConnected("sub", true);
        sub.send(subscribe(1, e("u", 1)));
        expectSubAck(sub, 1, 1);
        int id = Integer.parseInt(idHex, 16);
        sub.send(unsubscribe(id, "u"));
        assertThat(sub.read().hex()).isEqualTo("B0 " + idHex);
    }

    @Test
    @DisplayName("[MQTT-3.10.4-5] UNSUBSCRIBE of filters never subscribed is still answered with UNSUBACK")
    void unsubAckWhenNothingRemoved() {
        RawClient sub = broker.rawConnected("sub", true);
        sub.send(unsubscribe(11, "never/subscribed"));
        expectUnsubAck(sub, 11);
        sub.send(unsubscribe(12, "#"), unsubscribe(13, "+/x", "y"));
        expectUnsubAck(sub, 12);
        expectUnsubAck(sub, 13);
        assertAlive(sub);
    }

    @Test
    @DisplayName("[MQTT-3.10.4-6] subscribed a, b, c; UNSUBSCRIBE [a, c, zz]: exactly one UNSUBACK, only b still delivers")
    void severalFiltersOneUnsubAck() {
        RawClient sub = broker.rawConnected("sub", true);
        sub.send(subscribe(1, e("a", 1), e("b", 1), e("c", 1), e(MARKER, 0)));
        expectSubAck(sub, 1, 1, 1, 1, 0);
        sub.send(unsubscribe(0x0203, "a", "c", "zz"));
        expectUnsubAck(sub, 0x0203);

        RawClient pub = broker.rawConnected("pub", true);
        pub.send(Bytes.publish("a", 0, 0, "a"), Bytes.publish("c", 0, 0, "c"), Bytes.publish("b", 0, 0, "b"));
        sendMarker(pub);
        // publishesUntilMarker fails on anything but PUBLISH/PUBREL, so a second UNSUBACK would fail here.
        assertThat(topics(publishesUntilMarker(sub))).containsExactly("b");
    }
}
