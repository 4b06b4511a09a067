package io.starling.mqtt.netty.conformance;

import static io.starling.mqtt.netty.conformance.PublishFlowSupport.assertPublish;
import static io.starling.mqtt.netty.conformance.PublishFlowSupport.expectOnlyPingResp;
import static io.starling.mqtt.netty.conformance.PublishFlowSupport.expectPublish;
import static io.starling.mqtt.netty.conformance.PublishFlowSupport.publishAndComplete;
import static io.starling.mqtt.netty.conformance.PublishFlowSupport.untilPingResp;
import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The RETAIN flag of section 3.3.1.3. Retained messages for a new subscription are queued by the SUBSCRIBE handler
 * right after the SUBACK, so a PINGREQ sent after the SUBACK bounds them: what comes before its PINGRESP is all.
 */
@Timeout(30)
class RetainConformanceIT {
    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.started();
    private final PublishFlowSupport wire = new PublishFlowSupport(broker);
    private RawClient pub;

    @BeforeEach
    void connectPublisher() {
        pub = wire.connect("pub", true);
    }

    /** A new subscriber's retained deliveries: the packets between SUBACK and PINGRESP. */
    private List<RawPacket> retainedFor(String clientId, String filter, int qos) {
        RawClient c = wire.connect(clientId, true);
        c.subscribe(1, filter, qos);
        return untilPingResp(c);
    }

    @Test
    @DisplayName("[MQTT-3.3.1-5] a retained QoS 1 PUBLISH is stored with its QoS: a later t/# subscriber at QoS 2 gets it at QoS 1, RETAIN=1")
    void retainedKeepsItsQos() {
        publishAndComplete(pub, "t/1", "kept", 1, true, 1);
        List<RawPacket> got = retainedFor("late", "t/#", 2);
        assertThat(got).hasSize(1);
        assertPublish(got.get(0), "t/1", "kept", 1, false, true);
        assertThat(got.get(0).firstByte()).isEqualTo(0x33);
    }

    @ParameterizedTest(name = "retained at QoS {0}")
    @ValueSource(ints = {0, 1, 2})
    @DisplayName("[MQTT-3.3.1-5] a retained message is stored for future subscribers whatever its QoS; subscription QoS caps it")
    void retainedAtEachQos(int qos) {
        publishAndComplete(pub, "r", "v" + qos, qos, true, 3);
        List<RawPacket> got = retainedFor("late", "r", 1);
        assertThat(got).hasSize(1);
        assertPublish(got.get(0), "r", "v" + qos, Math.min(qos, 1), false, true);
    }

    @Test
    @DisplayName("[MQTT-3.3.1-6] a new subscription gets the latest retained message of every matching topic, once each")
    void newSubscriptionGetsLatestOfEveryTopic() {
        publishAndComplete(pub, "a/1", "a1", 1, true, 1);
        publishAndComplete(pub, "a/2", "a2-old", 1, true, 2);
        publishAndComplete(pub, "a/2", "a2-new", 1, true, 3);
        publishAndComplete(pub, "b", "b", 1, true, 4);
        publishAndComplete(pub, "a/3/deeper", "no", 1, true, 5);
        List<RawPacket> got = retainedFor("late", "a/+", 1);
        Map<String, String> byTopic = new TreeMap<>();
        for (RawPacket p : got) {
            assertThat(p.retain()).isTrue();
            assertThat(byTopic.put(p.topic(), p.payloadString())).as("one copy of " + p.topic()).isNull();
        }
        assertThat(byTopic).containsExactly(Map.entry("a/1", "a1"), Map.entry("a/2", "a2-new"));
    }

    @Test
    @DisplayName("[MQTT-3.3.1-7] retained QoS 0 replaces an earlier retained message: v2 (kept, chosen), never v1")
    void retainedQos0Replaces() {
        publishAndComplete(pub, "t", "v1", 1, true, 1);
        publishAndComplete(pub, "t", "v2", 0, true, 0);
        List<RawPacket> got = retainedFor("late", "t", 2);
        assertThat(got).hasSize(1);
        assertPublish(got.get(0), "t", "v2", 0, false, true);
        assertThat(got.get(0).firstByte()).isEqualTo(0x31);
    }

    @Test
    @DisplayName("[MQTT-3.3.1-8] a message sent because a new subscription matched a retained one has RETAIN=1")
    void retainedDeliveryHasRetainFlag() {
        publishAndComplete(pub, "t", "r", 2, true, 7);
        List<RawPacket> got = retainedFor("late", "t", 2);
        assertThat(got).hasSize(1);
        assertThat(got.get(0).firstByte()).as("QoS 2, RETAIN 1, DUP 0").isEqualTo(0x35);
        // Re-subscribing (replacing the subscription) sends it again, again with RETAIN=1.
        RawClient again = wire.connect("again", true);
        for (int packetId = 1; packetId <= 2; packetId++) {
            again.subscribe(packetId, "t", 0);
            List<RawPacket> resent = untilPingResp(again);
            assertThat(resent).hasSize(1);
            assertThat(resent.get(0).firstByte()).as("QoS 0, RETAIN 1").isEqualTo(0x31);
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.1-9] a PUBLISH with RETAIN=1 forwarded to an existing subscription has RETAIN=0")
    void liveForwardHasRetainZero() {
        RawClient sub = wire.subscriber("sub", true, "t", 2);
        publishAndComplete(pub, "t", "q0", 0, true, 0);
        publishAndComplete(pub, "t", "q1", 1, true, 1);
        publishAndComplete(pub, "t", "q2", 2, true, 2);
        assertThat(sub.expectPublish().firstByte()).isEqualTo(0x30);
        assertThat(sub.expectPublish().firstByte()).isEqualTo(0x32);
        assertThat(sub.expectPublish().firstByte()).isEqualTo(0x34);
    }

    @Test
    @DisplayName("[MQTT-3.3.1-10] an empty retained PUBLISH is forwarded to live subscribers (RETAIN=0) and clears the topic")
    void emptyRetainedIsForwardedAndClears() {
        publishAndComplete(pub, "t", "x", 1, true, 1);
        RawClient sub = wire.connect("sub", true);
        sub.subscribe(1, "t", 1);
        expectPublish(sub, "t", "x", 1, false, true);
        publishAndComplete(pub, "t", "", 1, true, 2);
        RawPacket empty = sub.expectPublish();
        assertThat(empty.firstByte()).as("QoS 1, RETAIN 0").isEqualTo(0x32);
        assertThat(empty.topic()).isEqualTo("t");
        assertThat(empty.payload()).isEmpty();
        assertThat(retainedFor("late", "t", 1)).isEmpty();
    }

    @Test
    @DisplayName("[MQTT-3.3.1-11] an empty retained PUBLISH is never stored: a later subscriber gets no PUBLISH at all")
    void emptyRetainedIsNotStored() {
        publishAndComplete(pub, "t", "x", 0, true, 0);
        publishAndComplete(pub, "t", "", 0, true, 0);
        // Also on a topic that had no retained message before.
        publishAndComplete(pub, "u", "", 2, true, 9);
        assertThat(retainedFor("late", "t", 2)).isEmpty();
        assertThat(retainedFor("later", "#", 2)).isEmpty();
    }

    @Test
    @DisplayName("[MQTT-3.3.1-12] a PUBLISH with RETAIN=0 is not stored and leaves the retained message untouched")
    void nonRetainedLeavesRetainedAlone() {
        publishAndComplete(pub, "t", "x", 1, true, 1);
        publishAndComplete(pub, "t", "y", 1, false, 2);
        publishAndComplete(pub, "n", "never", 1, false, 3);
        List<RawPacket> got = retainedFor("late", "#", 1);
        assertThat(got).hasSize(1);
        assertPublish(got.get(0), "t", "x", 1, false, true);
        expectOnlyPingResp(pub);
    }
}
