package io.starling.mqtt.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.engine.BrokerEngine;
import io.starling.mqtt.packet.ConnAck;
import io.starling.mqtt.packet.Connect;
import io.starling.mqtt.packet.Disconnect;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PubAck;
import io.starling.mqtt.packet.PubComp;
import io.starling.mqtt.packet.PubRec;
import io.starling.mqtt.packet.PubRel;
import io.starling.mqtt.packet.Publish;
import io.starling.mqtt.packet.SubAck;
import io.starling.mqtt.packet.Subscribe;
import io.starling.mqtt.packet.Subscription;
import io.starling.mqtt.packet.Will;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker's side of the session store contract, with a store in memory that outlives engines as a file would:
 * what is written, what waits for durability, and what a restarted engine restores.
 */
@Timeout(20)
class SessionStoreIntegrationTest {
    private final ExecutorService loop = Executors.newSingleThreadExecutor();
    private final MemorySessionStore store = new MemorySessionStore();
    private final List<BrokerEngine> engines = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        store.releaseSyncs();
        loop.shutdownNow();
        loop.awaitTermination(1, TimeUnit.SECONDS);
        engines.forEach(BrokerEngine::close);
    }

    private BrokerEngine engine() {
        BrokerEngine e = new BrokerEngine(BrokerConfig.builder().port(0).build(), store);
        engines.add(e);
        return e;
    }

    private record Client(Connection connection, RecordingChannel channel, ExecutorService loop) {
        void send(MqttPacket p) {
            loop.execute(() -> connection.onPacket(p));
        }

        void drop() {
            loop.execute(() -> {
                channel.close();
                connection.onClosed();
            });
        }

        ConnAck connAck() {
            await().atMost(Duration.ofSeconds(5)).until(() -> !channel.written(ConnAck.class).isEmpty());
            return channel.written(ConnAck.class).get(0);
        }
    }

    private Client open(BrokerEngine engine, String address) {
        RecordingChannel ch = new RecordingChannel(loop, address);
        return new Client(CompletableFuture.supplyAsync(() -> engine.newConnection(ch), loop).join(), ch, loop);
    }

    private Client connect(BrokerEngine engine, String id, boolean clean, Will will) {
        Client c = open(engine, "127.0.0.1:" + (5000 + id.length()));
        c.send(new Connect("MQTT", 4, clean, 0, id, will, null, null));
        c.connAck();
        return c;
    }

    private static Message message(String topic, String payload, QoS qos, boolean retain) {
        return new Message(TopicName.of(topic), payload.getBytes(StandardCharsets.UTF_8), qos, retain);
    }

    private static String text(Publish p) {
        return new String(p.payload(), StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("a persistent session, its subscriptions and its queued messages come back after a restart")
    void sessionRestoredAfterRestart() {
        BrokerEngine first = engine();
        Client sub = connect(first, "keeper", false, null);
        sub.send(new Subscribe(1, List.of(new Subscription(TopicFilter.of("k/#"), QoS.EXACTLY_ONCE))));
        await().until(() -> !sub.channel.written(SubAck.class).isEmpty());
        sub.drop();
        await().until(() -> first.sessions().get("keeper") != null && !first.sessions().get("keeper").isConnected());
        first.publish(message("k/1", "one", QoS.AT_LEAST_ONCE, false));
        first.publish(message("k/2", "two", QoS.EXACTLY_ONCE, false));
        first.publish(message("k/3", "zero", QoS.AT_MOST_ONCE, false));
        await().until(() -> store.storedMessages("keeper") == 2);
        first.close();
        engines.remove(first);
        assertThat(store.closes).isEqualTo(1);

        BrokerEngine second = engine();
        Client back = open(second, "127.0.0.1:6000");
        back.send(new Connect("MQTT", 4, false, 0, "keeper", null, null, null));
        assertThat(back.connAck().sessionPresent()).isTrue();
        await().until(() -> back.channel.written(Publish.class).size() == 2);
        assertThat(back.channel.written(Publish.class)).extracting(SessionStoreIntegrationTest::text)
                .containsExactly("one", "two");
        // Still subscribed after the restart.
        second.publish(message("k/4", "four", QoS.AT_LEAST_ONCE, false));
        await().until(() -> back.channel.written(Publish.class).size() == 3);
        // Acknowledged messages leave the store.
        List<Publish> got = back.channel.written(Publish.class);
        back.send(new PubAck(got.get(0).packetId()));
        back.send(new PubRec(got.get(1).packetId()));
        await().until(() -> !back.channel.written(PubRel.class).isEmpty());
        back.send(new PubComp(got.get(1).packetId()));
        back.send(new PubAck(got.get(2).packetId()));
        await().until(() -> store.storedMessages("keeper") == 0);
    }

    @Test
    @DisplayName("a message sent before the restart is sent again with DUP and the same packet id [MQTT-4.4.0-1]")
    void inflightResentWithSameId() {
        BrokerEngine first = engine();
        Client sub = connect(first, "inflight", false, null);
        sub.send(new Subscribe(1, List.of(new Subscription(TopicFilter.of("i"), QoS.AT_LEAST_ONCE))));
        await().until(() -> !sub.channel.written(SubAck.class).isEmpty());
        first.publish(message("i", "x", QoS.AT_LEAST_ONCE, false));
        await().until(() -> sub.channel.written(Publish.class).size() == 1);
        int id = sub.channel.written(Publish.class).get(0).packetId();
        first.close();
        engines.remove(first);

        BrokerEngine second = engine();
        Client back = connect(second, "inflight", false, null);
        await().until(() -> back.channel.written(Publish.class).size() == 1);
        Publish again = back.channel.written(Publish.class).get(0);
        assertThat(again.packetId()).isEqualTo(id);
        assertThat(again.dup()).isTrue();
    }

    @Test
    @DisplayName("PUBACK, PUBREC and SUBACK wait until the store holds what their packet changed, in order")
    void acknowledgementsWaitForDurability() {
        BrokerEngine e = engine();
        Client sub = connect(e, "durable-sub", false, null);
        Client pub = connect(e, "publisher", true, null);
        store.holdSyncs();
        sub.send(new Subscribe(1, List.of(new Subscription(TopicFilter.of("d/#"), QoS.AT_LEAST_ONCE))));
        pub.send(new Publish(TopicName.of("d/1"), QoS.AT_LEAST_ONCE, false, false, 7, new byte[] {1}));
        pub.send(new Publish(TopicName.of("d/2"), QoS.EXACTLY_ONCE, false, false, 8, new byte[] {2}));
        await().until(() -> store.heldSyncs() >= 3);
        assertThat(sub.channel.written(SubAck.class)).isEmpty();
        assertThat(pub.channel.written(PubAck.class)).isEmpty();
        assertThat(pub.channel.written(PubRec.class)).isEmpty();
        store.releaseSyncs();
        await().until(() -> pub.channel.written.size() >= 3);
        assertThat(pub.channel.written.subList(1, 3)).containsExactly(new PubAck(7), new PubRec(8));
        await().until(() -> !sub.channel.written(SubAck.class).isEmpty());
    }

    @Test
    @DisplayName("a QoS 2 message reaches a persistent session only once stored; a QoS 1 message goes at once")
    void qos2DeliveryWaitsForTheStore() {
        BrokerEngine e = engine();
        Client sub = connect(e, "q2", false, null);
        sub.send(new Subscribe(1, List.of(new Subscription(TopicFilter.of("q/#"), QoS.EXACTLY_ONCE))));
        await().until(() -> !sub.channel.written(SubAck.class).isEmpty());
        store.holdSyncs();
        e.publish(message("q/2", "two", QoS.EXACTLY_ONCE, false));
        e.publish(message("q/1", "one", QoS.AT_LEAST_ONCE, false));
        await().until(() -> sub.channel.written(Publish.class).size() == 1);
        assertThat(text(sub.channel.written(Publish.class).get(0))).isEqualTo("one");
        store.releaseSyncs();
        await().until(() -> sub.channel.written(Publish.class).size() == 2);
        assertThat(text(sub.channel.written(Publish.class).get(1))).isEqualTo("two");
    }

    @Test
    @DisplayName("a QoS 2 PUBLISH leaves only once its packet id is stored, so a restart re-sends it under that id")
    void qos2PacketIdStoredBeforeSend() {
        BrokerEngine e = engine();
        Client sub = connect(e, "q2id", false, null);
        sub.send(new Subscribe(1, List.of(new Subscription(TopicFilter.of("q/#"), QoS.EXACTLY_ONCE))));
        await().until(() -> !sub.channel.written(SubAck.class).isEmpty());
        store.holdSyncs();
        e.publish(message("q/x", "x", QoS.EXACTLY_ONCE, false));
        await().until(() -> store.heldSyncs() == 1);
        // The message is stored; now its packet id is being stored.
        store.releaseHeldOnly();
        await().until(() -> store.heldSyncs() == 1);
        assertThat(sub.channel.written(Publish.class)).isEmpty();
        store.releaseSyncs();
        await().until(() -> sub.channel.written(Publish.class).size() == 1);
    }

    @Test
    @DisplayName("retained messages survive a restart; clearing one removes it from the store too")
    void retainedRestored() {
        BrokerEngine first = engine();
        first.publish(message("r/a", "A", QoS.AT_LEAST_ONCE, true));
        first.publish(message("r/b", "B", QoS.AT_MOST_ONCE, true));
        first.publish(message("r/b", "", QoS.AT_MOST_ONCE, true));
        first.close();
        engines.remove(first);
        BrokerEngine second = engine();
        assertThat(second.retained().size()).isEqualTo(1);
        Client sub = connect(second, "reader", true, null);
        sub.send(new Subscribe(1, List.of(new Subscription(TopicFilter.of("r/#"), QoS.AT_LEAST_ONCE))));
        await().until(() -> sub.channel.written(Publish.class).size() == 1);
        Publish p = sub.channel.written(Publish.class).get(0);
        assertThat(p.topic().value()).isEqualTo("r/a");
        assertThat(p.retain()).isTrue();
    }

    @Test
    @DisplayName("the will of a client connected when the broker stopped is published after the restart")
    void willPublishedAfterRestart() {
        BrokerEngine first = engine();
        Client watcher = connect(first, "watcher", false, null);
        watcher.send(new Subscribe(1, List.of(new Subscription(TopicFilter.of("wills/#"), QoS.AT_LEAST_ONCE))));
        await().until(() -> !watcher.channel.written(SubAck.class).isEmpty());
        connect(first, "mortal", true, new Will(TopicName.of("wills/mortal"), "gone".getBytes(StandardCharsets.UTF_8),
                QoS.AT_LEAST_ONCE, false));
        Client polite = connect(first, "polite", true, new Will(TopicName.of("wills/polite"), new byte[0],
                QoS.AT_LEAST_ONCE, false));
        polite.send(Disconnect.INSTANCE);
        await().until(() -> store.storedWills().keySet().equals(java.util.Set.of("mortal")));
        // The process ends: no connection closes on its own.
        engines.remove(first);

        BrokerEngine second = engine();
        assertThat(store.storedWills()).isEmpty();
        Client back = connect(second, "watcher", false, null);
        await().until(() -> back.channel.written(Publish.class).size() == 1);
        assertThat(back.channel.written(Publish.class).get(0).topic().value()).isEqualTo("wills/mortal");
    }

    @Test
    @DisplayName("a clean session is never stored; a persistent session taken by a clean one leaves the store")
    void cleanSessionsNotStored() {
        BrokerEngine e = engine();
        Client clean = connect(e, "c1", true, null);
        clean.send(new Subscribe(1, List.of(new Subscription(TopicFilter.of("c/#"), QoS.AT_LEAST_ONCE))));
        await().until(() -> !clean.channel.written(SubAck.class).isEmpty());
        assertThat(store.hasSession("c1")).isFalse();
        Client persistent = connect(e, "p1", false, null);
        persistent.send(new Subscribe(1, List.of(new Subscription(TopicFilter.of("p/#"), QoS.AT_LEAST_ONCE))));
        await().until(() -> !persistent.channel.written(SubAck.class).isEmpty());
        assertThat(store.hasSession("p1")).isTrue();
        assertThat(store.storedSubscriptions("p1")).containsExactly(TopicFilter.of("p/#"));
        connect(e, "p1", true, null);
        await().until(() -> !store.hasSession("p1"));
    }
}
