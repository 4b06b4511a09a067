package io.starling.mqtt.netty.conformance;

import static io.starling.mqtt.netty.conformance.PublishFlowSupport.PUBACK;
import static io.starling.mqtt.netty.conformance.PublishFlowSupport.PUBCOMP;
import static io.starling.mqtt.netty.conformance.PublishFlowSupport.PUBREC;
import static io.starling.mqtt.netty.conformance.PublishFlowSupport.expectOnlyPingResp;
import static io.starling.mqtt.netty.conformance.PublishFlowSupport.expectPublish;
import static io.starling.mqtt.netty.support.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.Authorizer;
import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.api.UnauthorizedPublishPolicy;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import io.starling.mqtt.topic.TopicName;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Section 3.3 PUBLISH on the wire, except RETAIN (see {@link RetainConformanceIT}). */
@Timeout(30)
class PublishConformanceIT {
    private static final Authorizer DENY_SECRET = new Authorizer() {
        @Override
        public boolean canPublish(ClientInfo client, TopicName topic) {
            return !topic.value().equals("secret");
        }
    };

    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();
    private final PublishFlowSupport wire = new PublishFlowSupport(broker);

    @Test
    @DisplayName("[MQTT-3.3.1-2] every server QoS 0 PUBLISH has DUP=0, also when downgraded from QoS 1 and 2")
    void serverQos0HasDupZero() {
        broker.start();
        RawClient sub = wire.subscriber("sub", true, "t", 0);
        RawClient pub = wire.connect("pub", true);
        // The publisher's QoS 1 and 2 copies are sent with DUP=1: the downgraded deliveries still have DUP=0.
        pub.send(Bytes.publish("t", 0, false, false, 0, utf8("q0")));
        pub.send(Bytes.publish("t", 1, false, true, 3, utf8("q1")));
        pub.expectAck(PUBACK, 3);
        pub.send(Bytes.publish("t", 2, false, true, 4, utf8("q2")));
        pub.expectAck(PUBREC, 4);
        for (String payload : new String[] {"q0", "q1", "q2"}) {
            RawPacket p = sub.expectPublish();
            assertThat(p.firstByte()).as("QoS 0, DUP 0, RETAIN 0").isEqualTo(0x30);
            assertThat(p.payloadString()).isEqualTo(payload);
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.1-2] inbound QoS 0 PUBLISH with DUP=1 (0x38): closed, nothing delivered (chosen strict reading)")
    void inboundQos0WithDupCloses() {
        broker.start();
        RawClient sub = wire.subscriber("sub", true, "t", 1);
        RawClient pub = wire.connect("pub", true);
        pub.send(Bytes.hex("38 05 0001 74 4142"));
        pub.expectClosed();
        wire.assertNothingDeliveredOrRetained(sub, "t");
    }

    @ParameterizedTest(name = "publisher QoS {0}")
    @ValueSource(ints = {1, 2})
    @DisplayName("[MQTT-3.3.1-3] the publisher's DUP=1 is not copied: the subscriber's first delivery has DUP=0")
    void publisherDupIsNotForwarded(int qos) {
        broker.start();
        RawClient sub = wire.subscriber("sub", true, "t", 2);
        RawClient pub = wire.connect("pub", true);
        pub.send(Bytes.publish("t", qos, false, true, 11, utf8("first-seen")));
        pub.expectAck(qos == 1 ? PUBACK : PUBREC, 11);
        RawPacket p = sub.expectPublish();
        assertThat(p.firstByte()).as("first byte").isEqualTo(qos == 1 ? 0x32 : 0x34);
        assertThat(p.dup()).isFalse();
        assertThat(p.payloadString()).isEqualTo("first-seen");
    }

    @ParameterizedTest(name = "first byte {0}")
    @ValueSource(strings = {"36", "37", "3E"})
    @DisplayName("[MQTT-3.3.1-4] PUBLISH with QoS bits 11: closed without an ack, nothing delivered or retained")
    void qos3Closes(String firstByte) {
        broker.start();
        RawClient sub = wire.subscriber("sub", true, "t", 2);
        RawClient pub = wire.connect("pub", true);
        pub.send(Bytes.hex(firstByte + " 07 0001 74 0009 4142"));
        pub.expectClosed();
        wire.assertNothingDeliveredOrRetained(sub, "t");
        expectOnlyPingResp(sub);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "30 04 0002 C328", // C3 28: a lead byte followed by a non-continuation byte
        "30 05 0003 EDA080", // an encoded UTF-16 surrogate (U+D800)
        "30 04 0002 C0AF", // an overlong encoding of '/'
        "30 03 0001 FF", // a byte that never occurs in UTF-8
        "30 05 0009 616263", // topic length 9 runs past the packet
        "32 06 0004 61626364", // QoS 1: topic length 4 leaves no room for the packet id
    })
    @DisplayName("[MQTT-3.3.2-1] PUBLISH whose topic name is not a well-formed UTF-8 string inside the packet: closed")
    void illFormedTopicCloses(String hex) {
        broker.start();
        RawClient sub = wire.subscriber("sub", true, "#", 1);
        RawClient pub = wire.connect("pub", true);
        pub.send(Bytes.hex(hex));
        pub.expectClosed();
        wire.publish("after", "marker", 0, false);
        expectPublish(sub, "after", "marker", 0, false, false);
    }

    @Test
    @DisplayName("[MQTT-3.3.2-1] topic names the server sends are exact UTF-8 strings (multi-byte characters preserved)")
    void serverTopicsAreStrictUtf8() {
        broker.start();
        RawClient sub = wire.subscriber("sub", true, "#", 0);
        RawClient pub = wire.connect("pub", true);
        String topic = "gr\u00fc\u00dfe/\u20ac/\ud834\udd1e";
        pub.send(Bytes.publish(topic, 0, 0, "x"));
        RawPacket p = sub.expectPublish();
        byte[] expected = utf8(topic);
        assertThat(p.body()[0] << 8 | p.body()[1] & 0xFF).as("topic length prefix").isEqualTo(expected.length);
        assertThat(p.topicBytes()).containsExactly(expected);
        assertThat(p.payloadString()).isEqualTo("x");
    }

    @ParameterizedTest(name = "topic {0}")
    @ValueSource(strings = {"a/+", "#", "a/#", "+", "a/b+", "a/#/b"})
    @DisplayName("[MQTT-3.3.2-2] PUBLISH to a topic name with + or #: closed, nothing delivered or retained")
    void wildcardTopicCloses(String topic) {
        broker.start();
        RawClient sub = wire.subscriber("sub", true, "#", 2);
        RawClient pub = wire.connect("pub", true);
        pub.send(Bytes.publish(topic, 1, true, false, 2, utf8("wild")));
        pub.expectClosed();
        wire.publish("a/b", "marker", 0, false);
        expectPublish(sub, "a/b", "marker", 0, false, false);
        RawClient late = wire.connect("late", true);
        late.subscribe(1, "#", 2);
        expectOnlyPingResp(late);
    }

    @Test
    @DisplayName("[MQTT-3.3.2-3] delivered topic names match the subscription: a/+/c gets a/b/c and a/x/c, not a/b/c/d, a/c or b/b/c")
    void deliveredTopicsMatchTheFilter() {
        broker.start();
        RawClient sub = wire.subscriber("sub", true, "a/+/c", 1);
        RawClient pub = wire.connect("pub", true);
        for (String topic : new String[] {"a/b/c/d", "a/b/c", "a/c", "b/b/c", "a/x/c", "a//c", "a/b/c/"}) {
            pub.send(Bytes.publish(topic, 0, 0, topic));
        }
        pub.send(Bytes.publish("a/end/c", 0, 0, "end"));
        expectPublish(sub, "a/b/c", "a/b/c", 0, false, false);
        expectPublish(sub, "a/x/c", "a/x/c", 0, false, false);
        expectPublish(sub, "a//c", "a//c", 0, false, false);
        expectPublish(sub, "a/end/c", "end", 0, false, false);
    }

    @Test
    @DisplayName("[MQTT-3.3.4-1] the receiver answers by QoS: nothing for 0, PUBACK for 1, PUBREC for 2, with the PUBLISH's id")
    void responseDependsOnQos() {
        broker.start();
        RawClient pub = wire.connect("pub", true);
        pub.send(Bytes.publish("t", 0, 0, "zero"));
        expectOnlyPingResp(pub);
        pub.send(Bytes.publish("t", 1, 0x0102, "one"));
        assertThat(pub.read().hex()).isEqualTo("40 0102");
        expectOnlyPingResp(pub);
        pub.send(Bytes.publish("t", 2, 0x0A0B, "two"));
        assertThat(pub.read().hex()).isEqualTo("50 0A0B");
        expectOnlyPingResp(pub);
        pub.send(Bytes.pubrel(0x0A0B));
        assertThat(pub.read().hex()).isEqualTo("70 0A0B");
    }

    @Test
    @DisplayName("[MQTT-3.3.5-1] overlapping subscriptions a/# (QoS 0) and a/b (QoS 2): one copy, at QoS 2 (chosen)")
    void overlappingSubscriptionsDeliverOnceAtHighestQos() {
        broker.start();
        RawClient sub = wire.connect("sub", true);
        sub.subscribe(1, "a/#", 0);
        sub.subscribe(2, "a/b", 2);
        RawClient pub = wire.connect("pub", true);
        PublishFlowSupport.publishAndComplete(pub, "a/b", "both", 2, false, 5);
        PublishFlowSupport.publishAndComplete(pub, "a/c", "one", 2, false, 6);
        int id = expectPublish(sub, "a/b", "both", 2, false, false);
        // The next PUBLISH is the a/c message: there was no second copy of "both".
        expectPublish(sub, "a/c", "one", 0, false, false);
        sub.send(Bytes.pubrec(id));
        sub.expectAck(PublishFlowSupport.PUBREL, id);
    }

    @Test
    @DisplayName("[MQTT-3.3.5-2] unauthorized PUBLISH with ACKNOWLEDGE_AND_DROP: normal acks, nothing delivered or retained")
    void unauthorizedPublishIsAcknowledgedAndDropped() {
        broker.start(c -> c.authorizer(DENY_SECRET));
        RawClient sub = wire.subscriber("sub", true, "#", 2);
        RawClient pub = wire.connect("pub", true);
        pub.send(Bytes.publish("secret", 0, true, false, 0, utf8("s0")));
        pub.send(Bytes.publish("secret", 1, true, false, 21, utf8("s1")));
        pub.expectAck(PUBACK, 21);
        pub.send(Bytes.publish("secret", 2, true, false, 22, utf8("s2")));
        pub.expectAck(PUBREC, 22);
        pub.send(Bytes.pubrel(22));
        pub.expectAck(PUBCOMP, 22);
        // The same connection goes on working, and its next message is the first the subscriber sees.
        pub.send(Bytes.publish("public", 1, false, false, 23, utf8("ok")));
        pub.expectAck(PUBACK, 23);
        expectPublish(sub, "public", "ok", 1, false, false);
        assertThat(broker.stats().publishesDenied()).isEqualTo(3);
        RawClient late = wire.connect("late", true);
        late.subscribe(1, "secret", 2);
        expectOnlyPingResp(late);
    }

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {0, 1, 2})
    @DisplayName("[MQTT-3.3.5-2] unauthorized PUBLISH with DISCONNECT: closed without an ack, nothing delivered or retained")
    void unauthorizedPublishDisconnects(int qos) {
        broker.start(c -> c.authorizer(DENY_SECRET).unauthorizedPublishPolicy(UnauthorizedPublishPolicy.DISCONNECT));
        RawClient sub = wire.subscriber("sub", true, "secret", 2);
        RawClient pub = wire.connect("pub", true);
        pub.send(Bytes.publish("secret", qos, true, false, qos == 0 ? 0 : 31, utf8("s")));
        pub.expectClosed();
        await().until(() -> broker.stats().publishesDenied() == 1);
        // Authorized publishers are unaffected.
        RawClient other = wire.connect("other", true);
        PublishFlowSupport.publishAndComplete(other, "public", "fine", 1, false, 1);
        wire.assertNothingDeliveredOrRetained(sub, "secret");
    }
}
