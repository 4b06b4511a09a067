package io.starling.mqtt.netty.conformance;

import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.MARKER;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.acknowledge;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.assertAlive;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.assertSubAck;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.e;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.expectSubAck;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.publishesUntilMarker;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.sendMarker;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.subscribe;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.topics;
import static io.starling.mqtt.netty.support.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.api.Authorizer;
import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.netty.conformance.SubscriptionWireSupport.Entry;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import io.starling.mqtt.topic.TopicFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server's response to SUBSCRIBE (3.8.4-3 to 3.8.4-6) and the SUBACK return codes (3.9.3): replacement of an
 * identical filter, several filters as several SUBSCRIBEs, one code per filter in order, and delivery at the
 * granted QoS.
 */
@Timeout(30)
class SubscribeResponseConformanceIT {
    /** Filters starting with this are refused by the test authorizer. */
    private static final String DENIED_PREFIX = "denied/";
    private static final Authorizer DENY_SOME = new Authorizer() {
        @Override
        public boolean canSubscribe(ClientInfo client, TopicFilter filter) {
            return !filter.value().startsWith(DENIED_PREFIX);
        }
    };

    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    @Test
    @DisplayName("[MQTT-3.8.4-3] re-SUBSCRIBE of an identical filter replaces it: retained re-sent with RETAIN=1; a "
            + "concurrent QoS 1 stream shows no gap, no duplicate, and later messages at the new QoS")
    void resubscribeReplacesWithoutInterruption() {
        broker.start();
        RawClient retainer = broker.rawConnected("retainer", true);
        retainer.send(Bytes.publish("t", 1, true, false, 1, utf8("R")));
        retainer.expect(0x40);

        RawClient sub = broker.rawConnected("sub", true);
        sub.send(subscribe(1, e("t", 0)));
        expectSubAck(sub, 1, 0);
        RawPacket first = sub.expectPublish();
        assertThat(first.retain()).as("retained message on the first SUBSCRIBE").isTrue();
        assertThat(first.qos()).isZero();
        assertThat(first.payloadString()).isEqualTo("R");

        // A publisher streams QoS 1 messages m1, m2, ... on t, each after the PUBACK of the previous one (so each
        // is routed before the next is sent), until 50 messages after the subscriber has seen the new SUBACK.
        AtomicBoolean subAckSeen = new AtomicBoolean();
        AtomicInteger firstPublishedAfterSubAck = new AtomicInteger(-1);
        RawClient pub = broker.rawConnected("pub", true);
        CompletableFuture<Integer> stream = CompletableFuture.supplyAsync(() -> {
            int i = 0;
            int after = 0;
            while (after < 50) {
                i++;
                if (subAckSeen.get() && firstPublishedAfterSubAck.get() < 0) {
                    firstPublishedAfterSubAck.set(i);
                }
                if (firstPublishedAfterSubAck.get() > 0) {
                    after++;
                }
                pub.publishAndComplete("t", 1, false, (i % 65_535) + 1, "m" + i);
                if (i > 200_000) {
                    throw new AssertionError("the subscriber never saw its second SUBACK");
                }
            }
            pub.publishAndComplete("t", 1, false, 1, "end");
            return i;
        });

        List<RawPacket> afterResubscribe = new ArrayList<>();
        List<RawPacket> stream0 = new ArrayList<>();
        boolean resubscribed = false;
        RawPacket subAck = null;
        while (true) {
            RawPacket p = sub.read();
            if (p.firstByte() == 0x90) {
                assertThat(subAck).as("a single SUBACK for the second SUBSCRIBE").isNull();
                subAck = p;
                subAckSeen.set(true);
                continue;
            }
            assertThat(p.isPublish()).as("PUBLISH expected, got %s", p).isTrue();
            acknowledge(sub, p);
            if (p.payloadString().equals("end")) {
                break;
            }
            if (resubscribed) {
                afterResubscribe.add(p);
            } else {
                stream0.add(p);
            }
            if (!resubscribed && stream0.size() == 20) {
                sub.send(subscribe(2, e("t", 2)));
                resubscribed = true;
            }
        }
        int last = stream.join();
        assertThat(subAck).as("SUBACK of the re-SUBSCRIBE").isNotNull();
        assertSubAck(subAck, 2, 2);

        List<RawPacket> all = new ArrayList<>(stream0);
        all.addAll(afterResubscribe);
        List<RawPacket> retained = all.stream().filter(RawPacket::retain).toList();
        assertThat(retained).as("the retained message is sent again, once, with RETAIN=1").hasSize(1);
        assertThat(retained.get(0).payloadString()).isEqualTo("R");
        assertThat(retained.get(0).qos()).as("retained QoS 1 at the new grant 2 -> 1").isEqualTo(1);
        assertThat(afterResubscribe).as("the retained copy comes after the re-SUBSCRIBE").contains(retained.get(0));

        List<RawPacket> live = all.stream().filter(p -> !p.retain()).toList();
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= last; i++) {
            expected.add("m" + i);
        }
        assertThat(live).extracting(RawPacket::payloadString).as("no gap, no duplicate, in order").isEqualTo(expected);
        assertThat(stream0).allSatisfy(p -> assertThat(p.qos()).as("before the re-SUBSCRIBE: QoS 0").isZero());
        // Once a message arrives at the new QoS every later one does: the grant switched once, from 0 to 1.
        int switchAt = 0;
        while (switchAt < live.size() && live.get(switchAt).qos() == 0) {
            switchAt++;
        }
        assertThat(live.subList(switchAt, live.size())).as("after the switch, every message at min(1, 2) = 1")
                .allSatisfy(p -> assertThat(p.qos()).isEqualTo(1));
        int firstAfter = firstPublishedAfterSubAck.get();
        assertThat(firstAfter).isPositive();
        assertThat(live.subList(firstAfter - 1, live.size()))
                .as("messages published after the client saw the SUBACK arrive at the new QoS")
                .allSatisfy(p -> assertThat(p.qos()).isEqualTo(1));
    }

    @Test
    @DisplayName("[MQTT-3.8.4-4] SUBSCRIBE [a QoS 0, b QoS 1, c QoS 2]: one SUBACK with three codes, each subscription works")
    void severalFiltersOneSubAck() {
        broker.start();
        RawClient sub = broker.rawConnected("sub", true);
        sub.send(subscribe(5, e("a", 0), e("b", 1), e("c", 2), e(MARKER, 0)));
        expectSubAck(sub, 5, 0, 1, 2, 0);

        RawClient pub = broker.rawConnected("pub", true);
        pub.publishAndComplete("c", 2, false, 1, "to c");
        pub.publishAndComplete("a", 2, false, 2, "to a");
        pub.publishAndComplete("b", 2, false, 3, "to b");
        sendMarker(pub);
        List<RawPacket> got = publishesUntilMarker(sub);
        assertThat(topics(got)).as("no second SUBACK, one delivery per subscription").containsExactly("c", "a", "b");
        assertThat(got).extracting(RawPacket::qos).containsExactly(2, 0, 1);
    }

    @Test
    @DisplayName("[MQTT-3.8.4-4] a filter repeated in one SUBSCRIBE ends with the later entry's QoS (one subscription)")
    void repeatedFilterLaterEntryWins() {
        broker.start();
        RawClient sub = broker.rawConnected("sub", true);
        sub.send(subscribe(9, e("d", 2), e("x", 0), e("d", 1), e(MARKER, 0)));
        expectSubAck(sub, 9, 2, 0, 1, 0);

        RawClient pub = broker.rawConnected("pub", true);
        pub.publishAndComplete("d", 2, false, 1, "once");
        sendMarker(pub);
        List<RawPacket> got = publishesUntilMarker(sub);
        assertThat(got).as("one copy only").hasSize(1);
        assertThat(got.get(0).topic()).isEqualTo("d");
        assertThat(got.get(0).qos()).as("QoS of the later entry").isEqualTo(1);

        sub.send(subscribe(10, e("d", 0), e("d", 2)));
        expectSubAck(sub, 10, 0, 2);
        pub.publishAndComplete("d", 2, false, 2, "again");
        sendMarker(pub);
        got = publishesUntilMarker(sub);
        assertThat(got).extracting(RawPacket::qos).containsExactly(2);
    }

    @Test
    @DisplayName("[MQTT-3.8.4-5] one return code per filter: the granted QoS, never above the request, or 0x80")
    void oneCodePerFilter() {
        broker.start(c -> c.authorizer(DENY_SOME));
        RawClient sub = broker.rawConnected("sub", true);
        Entry[] entries = {e("f/0", 0), e("f/1", 1), e("f/2", 2), e(DENIED_PREFIX + "a", 2), e("f/+", 1),
            e("f/#", 0), e(DENIED_PREFIX + "b", 0), e("g", 2)};
        sub.send(subscribe(77, entries));
        RawPacket subAck = sub.read();
        assertThat(subAck.firstByte()).isEqualTo(0x90);
        assertThat(subAck.body()).as("packet id + one code per filter").hasSize(2 + entries.length);
        for (int i = 0; i < entries.length; i++) {
            int code = subAck.body()[2 + i] & 0xFF;
            assertThat(code == 0x80 || code <= entries[i].qos())
                    .as("code 0x%02X for entry %d (requested %d)", code, i, entries[i].qos()).isTrue();
        }
        assertSubAck(subAck, 77, 0, 1, 2, 0x80, 1, 0, 0x80, 2);
    }

    @ParameterizedTest(name = "published QoS {0} to subscriptions granted QoS 0, 1, 2")
    @ValueSource(ints = {0, 1, 2})
    @DisplayName("[MQTT-3.8.4-6] delivery at min(published QoS, granted QoS), one copy each")
    void deliveryAtMinimumQos(int published) {
        broker.start();
        RawClient sub = broker.rawConnected("sub", true);
        sub.send(subscribe(1, e("m/0", 0), e("m/1", 1), e("m/2", 2), e(MARKER, 0)));
        expectSubAck(sub, 1, 0, 1, 2, 0);
        RawClient pub = broker.rawConnected("pub", true);
        pub.publishAndComplete("m/0", published, false, 1, "p");
        pub.publishAndComplete("m/1", published, false, 2, "p");
        pub.publishAndComplete("m/2", published, false, 3, "p");
        sendMarker(pub);
        List<RawPacket> got = publishesUntilMarker(sub);
        // Starling never duplicates, so exactly one copy is expected even where pub 1 / granted 0 would allow two.
        assertThat(topics(got)).containsExactly("m/0", "m/1", "m/2");
        assertThat(got).extracting(RawPacket::qos)
                .containsExactly(Math.min(published, 0), Math.min(published, 1), Math.min(published, 2));
        assertThat(got).allSatisfy(p -> assertThat(p.dup()).isFalse());
    }

    @Test
    @DisplayName("[MQTT-3.9.3-1] mixed list (granted, denied by the authorizer): SUBACK code i belongs to filter i")
    void codesInFilterOrder() {
        broker.start(c -> c.authorizer(DENY_SOME));
        RawClient sub = broker.rawConnected("sub", true);
        sub.send(subscribe(0x0A0B, e("ok/1", 1), e(DENIED_PREFIX + "x", 2), e("ok/2", 0), e(DENIED_PREFIX + "y", 0),
                e("ok/3", 2), e(MARKER, 0)));
        expectSubAck(sub, 0x0A0B, 0x01, 0x80, 0x00, 0x80, 0x02, 0x00);

        RawClient pub = broker.rawConnected("pub", true);
        for (String topic : List.of("ok/1", DENIED_PREFIX + "x", "ok/2", DENIED_PREFIX + "y", "ok/3")) {
            pub.publishAndComplete(topic, 2, false, 1, topic);
        }
        sendMarker(pub);
        List<RawPacket> got = publishesUntilMarker(sub);
        assertThat(topics(got)).as("denied filters were not subscribed").containsExactly("ok/1", "ok/2", "ok/3");
        assertThat(got).extracting(RawPacket::qos).as("each granted at its own position's QoS").containsExactly(1, 0, 2);
    }

    @Test
    @DisplayName("[MQTT-3.9.3-2] every SUBACK return code is 0x00, 0x01, 0x02 or 0x80 (grants, authorizer and wildcard refusals)")
    void returnCodesInAllowedSet() {
        broker.start(c -> c.authorizer(DENY_SOME).wildcardSubscriptions(false));
        RawClient sub = broker.rawConnected("sub", true);
        List<Integer> seen = new ArrayList<>();
        int id = 1;
        for (String filter : List.of("plain", DENIED_PREFIX + "p", "w/+", "#", DENIED_PREFIX + "#")) {
            for (int qos = 0; qos <= 2; qos++) {
                sub.send(subscribe(id, e(filter, qos)));
                RawPacket p = sub.read();
                assertThat(p.firstByte()).isEqualTo(0x90);
                assertThat(p.packetId()).isEqualTo(id);
                assertThat(p.body()).hasSize(3);
                seen.add(p.body()[2] & 0xFF);
                id++;
            }
        }
        assertThat(seen).allMatch(SubscriptionWireSupport.SUBACK_CODES::contains);
        assertThat(seen).containsExactly(0, 1, 2, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                0x80, 0x80, 0x80);
        assertAlive(sub);
    }
}
