package io.starling.mqtt.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.engine.BrokerEngine;
import io.starling.mqtt.packet.ConnAck;
import io.starling.mqtt.packet.Connect;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PingReq;
import io.starling.mqtt.packet.PingResp;
import io.starling.mqtt.packet.PubAck;
import io.starling.mqtt.packet.Publish;
import io.starling.mqtt.packet.Subscribe;
import io.starling.mqtt.packet.Subscription;
import io.starling.mqtt.packet.Unsubscribe;
import io.starling.mqtt.spi.RetainedStore;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Retained messages of a new subscription are streamed as the client takes them [MQTT-3.3.1-6]: a bounded step per
 * loop task, paused while the connection is not writable or the queue is long, resumed by writability, acks and a
 * new connection.
 */
@Timeout(60)
class RetainedStreamTest {
    private final ExecutorService loop = Executors.newSingleThreadExecutor();
    private BrokerEngine engine;

    @AfterEach
    void stop() throws InterruptedException {
        loop.shutdownNow();
        loop.awaitTermination(1, TimeUnit.SECONDS);
        if (engine != null) {
            engine.close();
        }
    }

    /**
     * Keeps PUBLISHes as a count and a set of topics rather than in the recording list, whose copy-on-write adds
     * would make 100,000 of them quadratic.
     */
    private static class CountingChannel extends RecordingChannel {
        final Set<String> topics = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final AtomicInteger publishes = new AtomicInteger();
        volatile boolean allRetained = true;

        CountingChannel(ExecutorService loop, String address) {
            super(loop, address);
        }

        @Override
        public void write(MqttPacket packet) {
            if (packet instanceof Publish p) {
                topics.add(p.topic().value());
                allRetained &= p.retain();
                publishes.incrementAndGet();
            } else {
                super.write(packet);
            }
        }
    }

    /** A channel that stops being writable after {@code room} writes, until the test drains it. */
    private static final class FillingChannel {
        final CountingChannel channel;
        final AtomicInteger sinceDrain = new AtomicInteger();
        volatile int maxBetweenDrains;
        final int room;

        FillingChannel(ExecutorService loop, int room) {
            this.room = room;
            this.channel = new CountingChannel(loop, "127.0.0.1:1") {
                @Override
                public void write(MqttPacket packet) {
                    super.write(packet);
                    int n = sinceDrain.incrementAndGet();
                    maxBetweenDrains = Math.max(maxBetweenDrains, n);
                    if (n >= FillingChannel.this.room) {
                        writable = false;
                    }
                }
            };
        }
    }

    private Connection open(RecordingChannel channel) {
        return CompletableFuture.supplyAsync(() -> engine.newConnection(channel), loop).join();
    }

    private void send(Connection c, MqttPacket p) {
        loop.execute(() -> c.onPacket(p));
    }

    /** What a Netty channel does when its buffer has drained: writable again, and the handler tells the connection. */
    private void drain(Connection c, FillingChannel f) {
        loop.execute(() -> {
            f.sinceDrain.set(0);
            f.channel.writable = true;
            c.onWritabilityChanged(true);
        });
    }

    private void retain(int count, QoS qos) {
        for (int i = 0; i < count; i++) {
            engine.publish(new Message(TopicName.of("r/" + i), new byte[] {1}, qos, true));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> engine.retained().size() == count);
    }

    private static Connect connect(String id, boolean clean) {
        return new Connect("MQTT", 4, clean, 0, id, null, null, null);
    }

    @Test
    @DisplayName("[MQTT-3.3.1-6] 100,000 retained QoS 0 messages reach a # subscriber whose socket keeps filling: "
            + "the stream pauses while not writable and resumes on writability, and drops nothing")
    void pausesWhileNotWritable() {
        engine = new BrokerEngine(BrokerConfig.builder().port(0).build());
        int count = 100_000;
        retain(count, QoS.AT_MOST_ONCE);
        FillingChannel f = new FillingChannel(loop, 1_000);
        Connection c = open(f.channel);
        send(c, connect("all", true));
        send(c, new Subscribe(1, List.of(new Subscription(TopicFilter.of("#"), QoS.AT_MOST_ONCE))));

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1)).until(() -> {
            if (!f.channel.writable) {
                drain(c, f);
            }
            return f.channel.publishes.get() == count;
        });

        assertThat(f.channel.topics).hasSize(count);
        assertThat(f.channel.allRetained).isTrue();
        assertThat(engine.stats().qos0DroppedNotWritable()).isZero();
        // the first write that fills the socket stops the step: nothing is written into a full socket
        assertThat(f.maxBetweenDrains).isEqualTo(f.room);
    }

    @Test
    @DisplayName("a # subscription over 100,000 retained topics never holds the loop: a PINGREQ sent after the "
            + "PINGREQ that arrives once the stream is under way is answered after one step of 256 messages")
    void otherWorkInterleaves() {
        engine = new BrokerEngine(BrokerConfig.builder().port(0).build());
        int count = 100_000;
        retain(count, QoS.AT_MOST_ONCE);
        RecordingChannel other = new RecordingChannel(loop, "127.0.0.1:2");
        Connection o = open(other);
        send(o, connect("other", true));
        await().atMost(Duration.ofSeconds(10)).until(() -> !other.written(ConnAck.class).isEmpty());
        long[] atPing = {-1};
        // the other client's PINGREQ arrives once the stream is under way: queued behind the first step
        CountingChannel subscriber = new CountingChannel(loop, "127.0.0.1:1") {
            @Override
            public void write(MqttPacket packet) {
                super.write(packet);
                if (publishes.get() == 1 && packet instanceof Publish) {
                    loop.execute(() -> {
                        o.onPacket(new PingReq());
                        atPing[0] = publishes.get();
                    });
                }
            }
        };
        Connection s = open(subscriber);
        send(s, connect("all", true));

        send(s, new Subscribe(1, List.of(new Subscription(TopicFilter.of("#"), QoS.AT_MOST_ONCE))));

        await().atMost(Duration.ofSeconds(30)).until(() -> subscriber.publishes.get() == count);
        assertThat(subscriber.topics).hasSize(count);
        assertThat(other.written(PingResp.class)).hasSize(1);
        // one step of 256, perhaps the start of a second; not the 256 steps a mailbox turn could run
        assertThat(atPing[0]).as("retained messages written before the PINGREQ's turn").isBetween(1L, 512L);
    }

    @Test
    @DisplayName("unsubscribing ends the stream of that filter: no retained message of it follows the UNSUBACK")
    void unsubscribeStopsTheStream() {
        engine = new BrokerEngine(BrokerConfig.builder().port(0).build());
        retain(10_000, QoS.AT_MOST_ONCE);
        FillingChannel f = new FillingChannel(loop, 500);
        Connection c = open(f.channel);
        send(c, connect("all", true));
        send(c, new Subscribe(1, List.of(new Subscription(TopicFilter.of("r/+"), QoS.AT_MOST_ONCE))));
        await().atMost(Duration.ofSeconds(10)).until(() -> !f.channel.writable);

        send(c, new Unsubscribe(2, List.of(TopicFilter.of("r/+"))));
        drain(c, f);
        long before = f.channel.publishes.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> f.channel.written.stream()
                .anyMatch(p -> p instanceof io.starling.mqtt.packet.UnsubAck));

        CompletableFuture.runAsync(() -> { }, loop).join(); // any step scheduled before the drain has run
        assertThat(f.channel.publishes.get()).isEqualTo(before).isLessThan(500);
    }

    @Test
    @DisplayName("QoS 1 retained messages to a persistent session: the queue stays within a batch while the window is "
            + "full, and a client that reconnects mid-stream gets the rest")
    void persistentSessionResumesOnReconnect() {
        engine = new BrokerEngine(BrokerConfig.builder().port(0).maxInflight(16).maxQueuedMessages(100).build());
        int count = 5_000;
        retain(count, QoS.AT_LEAST_ONCE);
        RecordingChannel first = new RecordingChannel(loop, "127.0.0.1:1");
        Connection c1 = open(first);
        send(c1, connect("keeper", false));
        send(c1, new Subscribe(1, List.of(new Subscription(TopicFilter.of("#"), QoS.AT_LEAST_ONCE))));
        Set<String> received = new HashSet<>();
        Set<Integer> acked = new HashSet<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1)).until(() -> {
            acknowledge(c1, first, received, acked);
            return received.size() >= count / 2;
        });
        int queued = CompletableFuture.supplyAsync(() -> engine.sessions().get("keeper").queuedCount(), loop).join();
        assertThat(queued).isLessThanOrEqualTo(256);
        loop.execute(() -> {
            first.close();
            c1.onClosed();
        });

        RecordingChannel second = new RecordingChannel(loop, "127.0.0.1:1");
        Connection c2 = open(second);
        send(c2, connect("keeper", false));
        Set<Integer> acked2 = new HashSet<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1)).until(() -> {
            acknowledge(c2, second, received, acked2);
            return received.size() == count;
        });
        assertThat(engine.stats().queueOverflowDrops()).isZero();
        assertThat(engine.stats().sessionsDiscardedOnOverflow()).isZero();
    }

    private void acknowledge(Connection c, RecordingChannel ch, Set<String> received, Set<Integer> acked) {
        for (Publish p : ch.written(Publish.class)) {
            received.add(p.topic().value());
            if (acked.add(p.packetId() * 100_000 + Integer.parseInt(p.topic().value().substring(2)))) {
                send(c, new PubAck(p.packetId()));
            }
        }
    }

    @Test
    @DisplayName("a scan examines at most its budget of topics per step, so a narrow filter over many topics is "
            + "walked in bounded steps too")
    void scanHonoursItsBudget() {
        engine = new BrokerEngine(BrokerConfig.builder().port(0).build());
        retain(10_000, QoS.AT_MOST_ONCE);
        RetainedStore.Scan scan = engine.retained().scan(TopicFilter.of("r/9999/+"));
        int steps = 0;
        AtomicInteger matched = new AtomicInteger();
        while (scan.advance(1_000, m -> matched.incrementAndGet() > 0)) {
            steps++;
        }
        assertThat(steps).isBetween(9, 10);
        assertThat(matched).hasValue(0);

        RetainedStore.Scan exact = engine.retained().scan(TopicFilter.of("r/42"));
        List<String> got = new java.util.ArrayList<>();
        assertThat(exact.advance(1, m -> got.add(m.topic().value()))).isFalse();
        assertThat(got).containsExactly("r/42");
    }
}
