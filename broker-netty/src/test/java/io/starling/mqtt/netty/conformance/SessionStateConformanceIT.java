package io.starling.mqtt.netty.conformance;

import static io.starling.mqtt.netty.conformance.PublishFlowSupport.PUBCOMP;
import static io.starling.mqtt.netty.conformance.PublishFlowSupport.PUBREC;
import static io.starling.mqtt.netty.conformance.PublishFlowSupport.assertPublish;
import static io.starling.mqtt.netty.conformance.PublishFlowSupport.expectPublish;
import static io.starling.mqtt.netty.conformance.PublishFlowSupport.publishAndComplete;
import static io.starling.mqtt.netty.support.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.BrokerStats;
import io.starling.mqtt.api.QueueOverflowPolicy;
import io.starling.mqtt.netty.conformance.PublishFlowSupport.Reconnected;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import io.starling.mqtt.session.Session;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Session state (4.1), message receipt (4.5) and the offline queue's limits. A subscriber goes offline with
 * DISCONNECT and waits for the close: the session is detached before the server closes, so what is published
 * afterwards is queued, not sent.
 */
@Timeout(30)
class SessionStateConformanceIT {
    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();
    private final PublishFlowSupport wire = new PublishFlowSupport(broker);

    @Test
    @DisplayName("[MQTT-4.1.0-1] a cs=0 session keeps subscriptions, in-flight QoS 1/2 in both directions and queued messages across disconnect")
    void persistentSessionKeepsItsState() {
        broker.start();
        RawClient watcher = wire.subscriber("watcher", true, "up", 2);
        RawClient keeper = wire.subscriber("keeper", false, "s/#", 2);
        wire.publish("s/1", "inflight", 1, false);
        int outId = expectPublish(keeper, "s/1", "inflight", 1, false, false);
        keeper.send(Bytes.publish("up", 2, false, false, 5, utf8("in")));
        keeper.expectAck(PUBREC, 5);
        keeper.disconnect();
        wire.publish("s/2", "queued", 2, false);

        Reconnected back = wire.reconnect("keeper", false, true);
        List<RawPacket> resent = back.resent();
        assertThat(resent).hasSize(2);
        assertThat(assertPublish(resent.get(0), "s/1", "inflight", 1, true, false)).isEqualTo(outId);
        int queuedId = assertPublish(resent.get(1), "s/2", "queued", 2, false, false);
        RawClient c = back.client();
        // The inbound QoS 2 id 5 is still awaiting PUBREL: the re-send is acknowledged, not forwarded again.
        c.send(Bytes.publish("up", 2, false, true, 5, utf8("in")));
        c.expectAck(PUBREC, 5);
        c.send(Bytes.pubrel(5));
        c.expectAck(PUBCOMP, 5);
        c.send(Bytes.publish("up", 0, 0, "marker"));
        expectPublish(watcher, "up", "in", 2, false, false);
        expectPublish(watcher, "up", "marker", 0, false, false);
        // The subscription is still there.
        c.send(Bytes.puback(outId), Bytes.pubrec(queuedId));
        c.expectAck(PublishFlowSupport.PUBREL, queuedId);
        c.send(Bytes.pubcomp(queuedId));
        wire.publish("s/3", "still subscribed", 1, false);
        expectPublish(c, "s/3", "still subscribed", 1, false, false);
    }

    @Test
    @DisplayName("[MQTT-4.1.0-2] a cs=1 session kept alive by pings past 1.5 x keep alive keeps its subscription and in-flight state")
    void liveConnectionKeepsItsSession() {
        broker.start(c -> c.maxInflight(1));
        RawClient c = broker.raw();
        c.send(Bytes.connect("live", true, 1));
        c.expectConnAck(false, 0);
        c.subscribe(1, "k", 1);
        wire.publish("k", "m1", 1, false);
        wire.publish("k", "m2", 1, false);
        int id1 = expectPublish(c, "k", "m1", 1, false, false);
        Session session = wire.session("live");
        await().until(() -> session.queuedCount() == 1);
        // About 2.5 s with a PINGREQ every 0.5 s: more than 1.5 x the 1 s keep alive, so only the pings keep it open.
        for (int i = 0; i < 5; i++) {
            c.send(Bytes.pingreq());
            c.expect(PublishFlowSupport.PINGRESP);
            c.expectNothingFor(Duration.ofMillis(500));
        }
        assertThat(session.inflightCount()).isEqualTo(1);
        c.send(Bytes.puback(id1));
        int id2 = expectPublish(c, "k", "m2", 1, false, false);
        c.send(Bytes.puback(id2));
        wire.publish("k", "m3", 1, false);
        expectPublish(c, "k", "m3", 1, false, false);
    }

    @Test
    @DisplayName("[MQTT-4.5.0-1] a received message goes to every matching session: online cs=1, online cs=0 and offline cs=0 (on reconnect)")
    void everyMatchingSessionReceives() {
        broker.start();
        RawClient online = wire.subscriber("online-clean", true, "news", 2);
        RawClient persistent = wire.subscriber("online-persistent", false, "news", 2);
        RawClient away = wire.subscriber("offline-persistent", false, "news", 2);
        away.disconnect();
        RawClient pub = wire.connect("pub", true);
        publishAndComplete(pub, "news", "n1", 1, false, 1);
        publishAndComplete(pub, "news", "n2", 2, false, 2);

        for (RawClient c : List.of(online, persistent)) {
            expectPublish(c, "news", "n1", 1, false, false);
            expectPublish(c, "news", "n2", 2, false, false);
        }
        Reconnected back = wire.reconnect("offline-persistent", false, true);
        assertThat(back.resent()).hasSize(2);
        assertPublish(back.resent().get(0), "news", "n1", 1, false, false);
        assertPublish(back.resent().get(1), "news", "n2", 2, false, false);
    }

    /** A persistent QoS 1 subscriber to {@code q} that is offline. */
    private void offlineSubscriber(String clientId) {
        wire.subscriber(clientId, false, "q", 1).disconnect();
    }

    @Test
    @DisplayName("[MQTT-4.1.0-1] queue limit with DISCARD_SESSION: the overflow ends the session, the client sees session present 0")
    void overflowDiscardsSession() {
        broker.start(c -> c.maxQueuedMessages(3).queueOverflowPolicy(QueueOverflowPolicy.DISCARD_SESSION));
        offlineSubscriber("sub");
        Session session = wire.session("sub");
        for (int i = 1; i <= 3; i++) {
            wire.publish("q", "m" + i, 1, false);
        }
        await().until(() -> session.queuedCount() == 3);
        BrokerStats stats = broker.stats();
        assertThat(stats.sessionsDiscardedOnOverflow()).as("3 fit").isZero();
        wire.publish("q", "m4", 1, false);
        await().until(() -> stats.sessionsDiscardedOnOverflow() == 1);
        assertThat(stats.queueOverflowDrops()).isZero();

        Reconnected back = wire.reconnect("sub", false, false);
        assertThat(back.resent()).as("nothing queued survives").isEmpty();
        // The subscription went with the session: a new subscription's message is the first to arrive.
        back.client().subscribe(2, "fresh", 1);
        wire.publish("q", "lost", 1, false);
        wire.publish("fresh", "first", 1, false);
        expectPublish(back.client(), "fresh", "first", 1, false, false);
    }

    @Test
    @DisplayName("[MQTT-4.1.0-1] queue limit with DROP_OLDEST: the newest 3 of 5 arrive, 2 drops counted")
    void overflowDropsOldest() {
        broker.start(c -> c.maxQueuedMessages(3).queueOverflowPolicy(QueueOverflowPolicy.DROP_OLDEST));
        assertQueueKeeps(List.of("m3", "m4", "m5"));
    }

    @Test
    @DisplayName("[MQTT-4.1.0-1] queue limit with DROP_NEWEST: the oldest 3 of 5 arrive, 2 drops counted")
    void overflowDropsNewest() {
        broker.start(c -> c.maxQueuedMessages(3).queueOverflowPolicy(QueueOverflowPolicy.DROP_NEWEST));
        assertQueueKeeps(List.of("m1", "m2", "m3"));
    }

    private void assertQueueKeeps(List<String> expected) {
        offlineSubscriber("sub");
        for (int i = 1; i <= 5; i++) {
            wire.publish("q", "m" + i, 1, false);
        }
        BrokerStats stats = broker.stats();
        await().until(() -> stats.queueOverflowDrops() == 2);
        Reconnected back = wire.reconnect("sub", false, true);
        assertThat(back.resent()).extracting(RawPacket::payloadString).containsExactlyElementsOf(expected);
        assertThat(back.resent()).allSatisfy(p -> assertThat(p.firstByte()).isEqualTo(0x32));
        assertThat(stats.queueOverflowDrops()).isEqualTo(2);
        assertThat(stats.sessionsDiscardedOnOverflow()).isZero();
    }

    @Test
    @DisplayName("[MQTT-4.1.0-1] queueQos0WhenOffline(true): QoS 0 messages are queued for an offline cs=0 session, in order")
    void qos0QueuedWhenConfigured() {
        broker.start(c -> c.queueQos0WhenOffline(true));
        offlineSubscriber("sub");
        wire.publish("q", "z0", 0, false);
        wire.publish("q", "z1", 1, false);
        wire.publish("q", "z2", 0, false);
        Session session = wire.session("sub");
        await().until(() -> session.queuedCount() == 3);
        Reconnected back = wire.reconnect("sub", false, true);
        assertThat(back.resent()).extracting(RawPacket::hex).hasSize(3);
        assertPublish(back.resent().get(0), "q", "z0", 0, false, false);
        assertPublish(back.resent().get(1), "q", "z1", 1, false, false);
        assertPublish(back.resent().get(2), "q", "z2", 0, false, false);
        assertThat(broker.stats().qos0DroppedOffline()).isZero();
    }

    @Test
    @DisplayName("[MQTT-4.1.0-1] default: QoS 0 messages for an offline cs=0 session are not queued (counted), QoS 1 is")
    void qos0NotQueuedByDefault() {
        broker.start();
        offlineSubscriber("sub");
        wire.publish("q", "z0", 0, false);
        wire.publish("q", "z1", 1, false);
        BrokerStats stats = broker.stats();
        await().until(() -> stats.qos0DroppedOffline() == 1);
        Reconnected back = wire.reconnect("sub", false, true);
        assertThat(back.resent()).hasSize(1);
        assertPublish(back.resent().get(0), "q", "z1", 1, false, false);
    }
}
