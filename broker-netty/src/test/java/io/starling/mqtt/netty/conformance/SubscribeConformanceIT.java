package io.starling.mqtt.netty.conformance;

import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.assertAlive;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.e;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.expectSubAck;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.payloads;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.publishesUntilMarker;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.sendMarker;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.subscribe;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.subscribeWithFirstByte;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.topics;
import static io.starling.mqtt.netty.support.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.api.QoS;
import io.starling.mqtt.netty.conformance.SubscriptionWireSupport.Entry;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import io.starling.mqtt.topic.TopicFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SUBSCRIBE at the wire (section 3.8.1 to 3.8.4-2): fixed-header flags, payload format, requested QoS, wildcard
 * refusal when switched off, and that every SUBSCRIBE is answered by a SUBACK with its packet id. The replacement,
 * multi-filter and QoS-grant rules are in {@link SubscribeResponseConformanceIT}.
 */
@Timeout(30)
class SubscribeConformanceIT {
    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.started();

    /** The subscriptions of a persistent session once its connection is gone (no other thread touches it then). */
    private Map<TopicFilter, QoS> offlineSubscriptions(String clientId) {
        broker.awaitOffline(clientId);
        return broker.engine().sessions().get(clientId).subscriptions();
    }

    /** A bystander subscribed before the violation still receives a message afterwards. */
    private RawClient bystander() {
        RawClient b = broker.rawConnected("bystander", true);
        b.send(subscribe(7, e("by/t", 1)));
        expectSubAck(b, 7, 1);
        return b;
    }

    private void assertBystanderServed(RawClient b) {
        assertAlive(b);
        RawClient pub = broker.rawConnected("bystander-pub", true);
        pub.send(Bytes.publish("by/t", 1, 9, "still here"));
        pub.expect(0x40);
        RawPacket p = b.expectPublish();
        assertThat(p.topic()).isEqualTo("by/t");
        assertThat(p.payloadString()).isEqualTo("still here");
        b.send(Bytes.puback(p.publishId()));
    }

    @ParameterizedTest(name = "first byte 0x{0}")
    @ValueSource(strings = {"80", "81", "83", "84", "88", "8A", "8F"})
    @DisplayName("[MQTT-3.8.1-1] SUBSCRIBE with fixed-header flags other than 0010: closed, no SUBACK, no subscription")
    void reservedFlagsClose(String firstByteHex) {
        RawClient b = bystander();
        RawClient c = broker.rawConnected("flags", false);
        c.send(subscribeWithFirstByte(Integer.parseInt(firstByteHex, 16), 1, e("flags/t", 1)));
        c.expectClosed();
        assertThat(offlineSubscriptions("flags")).as("no subscription created").isEmpty();
        assertBystanderServed(b);
    }

    @Test
    @DisplayName("[MQTT-3.8.1-1] control: the same SUBSCRIBE with first byte 0x82 is answered and subscribes")
    void correctFlagsAccepted() {
        RawClient c = broker.rawConnected("flags", false);
        c.send(subscribeWithFirstByte(0x82, 1, e("flags/t", 1)));
        expectSubAck(c, 1, 1);
        c.close();
        assertThat(offlineSubscriptions("flags")).containsOnlyKeys(TopicFilter.of("flags/t"));
    }

    @ParameterizedTest(name = "filter bytes {0}")
    @ValueSource(strings = {"61 2F C3 28", "ED A0 80", "C0 AF", "61 FF", "E2 82", "F4 90 80 80"})
    @DisplayName("[MQTT-3.8.3-1] SUBSCRIBE filter that is not well-formed UTF-8: closed, no SUBACK, no subscription")
    void illFormedUtf8FilterCloses(String filterHex) {
        RawClient b = bystander();
        RawClient c = broker.rawConnected("utf8", false);
        c.send(subscribe(1, new Entry(Bytes.hex(filterHex), 0)));
        c.expectClosed();
        assertThat(offlineSubscriptions("utf8")).isEmpty();
        assertBystanderServed(b);
    }

    @Test
    @DisplayName("[MQTT-3.8.3-2] wildcards switched off: SUBACK 0x80 for 'a/+' and '#', plain filters granted and working")
    void wildcardsSwitchedOff() {
        broker.stop();
        broker.start(c -> c.wildcardSubscriptions(false));

        RawClient sub = broker.rawConnected("sub", true);
        sub.send(subscribe(0x0102, e("a/+", 1), e("a/b", 2), e("#", 0), e("+", 1), e("a/#", 2),
                e(SubscriptionWireSupport.MARKER, 0)));
        expectSubAck(sub, 0x0102, 0x80, 0x02, 0x80, 0x80, 0x80, 0x00);

        RawClient pub = broker.rawConnected("pub", true);
        pub.send(Bytes.publish("a/c", 0, 0, "refused filter a/+ would match"));
        pub.send(Bytes.publish("a/b", 0, 0, "granted"));
        sendMarker(pub);
        List<RawPacket> got = publishesUntilMarker(sub);
        assertThat(topics(got)).as("only the non-wildcard subscription delivers").containsExactly("a/b");
        assertAlive(sub);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"82 02 00 01", "82 02 12 34"})
    @DisplayName("[MQTT-3.8.3-3] SUBSCRIBE with a packet id and no filter/QoS pair: closed, no SUBACK")
    void emptyPayloadCloses(String packetHex) {
        RawClient b = bystander();
        RawClient c = broker.rawConnected("empty", true);
        c.send(Bytes.hex(packetHex));
        c.expectClosed();
        assertBystanderServed(b);
    }

    @ParameterizedTest(name = "requested QoS byte 0x{0}")
    @ValueSource(strings = {"03", "04", "80", "41", "FF"})
    @DisplayName("[MQTT-3.8.3-4] requested-QoS byte with reserved bits set or QoS 3: closed, no SUBACK, no subscription")
    void badRequestedQosCloses(String qosHex) {
        RawClient b = bystander();
        RawClient c = broker.rawConnected("badqos", false);
        // A valid entry first: the whole packet is malformed, so not even it takes effect.
        c.send(subscribe(1, e("ok/first", 1), e("bad/qos", Integer.parseInt(qosHex, 16))));
        c.expectClosed();
        assertThat(offlineSubscriptions("badqos")).as("no subscription created").isEmpty();
        assertBystanderServed(b);
    }

    @Test
    @DisplayName("[MQTT-3.8.4-1] every SUBSCRIBE gets a SUBACK, also when matching retained messages are sent with it")
    void everySubscribeAnswered() {
        RawClient pub = broker.rawConnected("pub", true);
        pub.send(Bytes.publish("r/1", 1, true, false, 1, utf8("one")));
        pub.expect(0x40);
        pub.send(Bytes.publish("r/2", 1, true, false, 2, utf8("two")));
        pub.expect(0x40);

        RawClient sub = broker.rawConnected("sub", true);
        sub.send(subscribe(1, e("r/#", 1)));
        // Retained PUBLISHes may come before or after the SUBACK; exactly one SUBACK must come.
        List<RawPacket> packets = new ArrayList<>();
        while (packets.stream().filter(RawPacket::isPublish).count() < 2
                || packets.stream().noneMatch(p -> p.firstByte() == 0x90)) {
            RawPacket p = sub.read();
            packets.add(p);
            if (p.isPublish()) {
                sub.send(Bytes.puback(p.publishId()));
            }
        }
        List<RawPacket> subAcks = packets.stream().filter(p -> p.firstByte() == 0x90).toList();
        assertThat(subAcks).hasSize(1);
        SubscriptionWireSupport.assertSubAck(subAcks.get(0), 1, 1);
        assertThat(packets).filteredOn(RawPacket::isPublish).extracting(RawPacket::payloadString)
                .containsExactlyInAnyOrder("one", "two");

        // A SUBSCRIBE matching nothing retained, and one repeating an existing filter, are answered too.
        sub.send(subscribe(2, e("nothing/here", 0)));
        expectSubAck(sub, 2, 0);
        sub.send(subscribe(3, e("nothing/here", 2)));
        expectSubAck(sub, 3, 2);
    }

    @Test
    @DisplayName("[MQTT-3.8.4-2] the SUBACK carries the packet id of the SUBSCRIBE it answers (pipelined, distinct ids)")
    void subAckCarriesPacketId() {
        RawClient sub = broker.rawConnected("sub", true);
        int[] ids = {1, 0x1234, 0x8000, 0xFFFF, 0x00FF};
        List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            packets.add(subscribe(ids[i], e("id/" + i, i % 3)));
        }
        sub.send(packets.toArray(byte[][]::new));
        for (int i = 0; i < ids.length; i++) {
            RawPacket p = sub.read();
            assertThat(p.hex()).isEqualTo(String.format("90 %04X%02X", ids[i], i % 3));
        }
    }

    @Test
    @DisplayName("[MQTT-3.8.4-2] a reused packet id (after the first SUBACK) is echoed again")
    void reusedPacketIdEchoed() {
        RawClient sub = broker.rawConnected("sub", true);
        sub.send(subscribe(42, e("a", 0)));
        expectSubAck(sub, 42, 0);
        sub.send(subscribe(42, e("b", 1)));
        expectSubAck(sub, 42, 1);
        RawClient pub = broker.rawConnected("pub", true);
        pub.send(Bytes.publish("b", 0, 0, "x"));
        assertThat(payloads(List.of(sub.expectPublish()))).containsExactly("x");
    }
}
