package io.starling.mqtt.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.FlowControl;
import io.starling.mqtt.api.Interceptor;
import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.api.QueueOverflowPolicy;
import io.starling.mqtt.engine.BrokerEngine;
import io.starling.mqtt.packet.ConnAck;
import io.starling.mqtt.packet.Connect;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PubAck;
import io.starling.mqtt.packet.Publish;
import io.starling.mqtt.packet.Subscribe;
import io.starling.mqtt.packet.Subscription;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 7 at the connection: rate limits pause reads and resume them, a client that does not read is not read
 * either, and deliveries to it wait in the session (QoS 1/2) or are dropped and counted (QoS 0).
 */
@Timeout(60)
class FlowControlTest {
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

    private void engine(UnaryOperator<BrokerConfig.Builder> settings) {
        engine = new BrokerEngine(settings.apply(BrokerConfig.builder().port(0)).build());
    }

    private record Client(Connection connection, RecordingChannel channel, ExecutorService loop) {
        void send(MqttPacket p) {
            loop.execute(() -> connection.onPacket(p));
        }

        /** Runs on the loop and waits: everything sent before has been handled. */
        void sync() {
            CompletableFuture.runAsync(() -> { }, loop).join();
        }

        void writable(boolean writable) {
            loop.execute(() -> {
                channel.writable = writable;
                connection.onWritabilityChanged(writable);
            });
        }
    }

    private Client connect(String id, int port) {
        RecordingChannel ch = new RecordingChannel(loop, "127.0.0.1:" + port);
        Connection c = CompletableFuture.supplyAsync(() -> engine.newConnection(ch), loop).join();
        Client client = new Client(c, ch, loop);
        client.send(new Connect("MQTT", 4, true, 60, id, null, null, null));
        await().atMost(Duration.ofSeconds(10)).until(() -> !ch.written(ConnAck.class).isEmpty());
        return client;
    }

    private static Publish publish(String topic, QoS qos, int id) {
        return new Publish(TopicName.of(topic), qos, false, false, qos == QoS.AT_MOST_ONCE ? 0 : id, new byte[10]);
    }

    @Test
    @DisplayName("a client past its messages-per-second limit has its reads paused, and resumed once it is back "
            + "within the limit; nothing it sent is dropped")
    void clientMessageLimit() {
        engine(b -> b.flowControl(FlowControl.DEFAULTS.withClientLimits(20, 0).withBurst(Duration.ofMillis(500))));
        Client c = connect("limited", 1);
        // 20 msg/s with a 0.5 s burst: 10 pass, the 11th asks for a 50 ms pause
        for (int i = 1; i <= 10; i++) {
            c.send(publish("t", QoS.AT_LEAST_ONCE, i));
        }
        c.sync();
        assertThat(c.channel.paused).as("within the burst").isFalse();
        assertThat(engine.stats().rateLimitPauses()).isZero();
        c.send(publish("t", QoS.AT_LEAST_ONCE, 11));
        c.sync();
        // (the 50 ms pause may already be over when the test looks: the counter says it happened)
        assertThat(engine.stats().rateLimitPauses()).as("past it").isEqualTo(1);

        await().atMost(Duration.ofSeconds(5)).until(() -> !c.channel.paused);
        assertThat(c.channel.written(PubAck.class)).hasSize(11);
        assertThat(engine.stats().messagesReceived()).isEqualTo(11);
    }

    @Test
    @DisplayName("a bytes-per-second limit counts topic and payload: large messages pause sooner than small ones")
    void clientByteLimit() {
        engine(b -> b.flowControl(FlowControl.DEFAULTS.withClientLimits(0, 1_000).withBurst(Duration.ofSeconds(1))));
        Client c = connect("bytes", 1);
        // each PUBLISH counts 1 + 10 + 4 = 15 bytes: 50 (750 bytes) fit the 1,000-byte burst, 80 (1,200) do not,
        // unless the test took more than 200 ms to send them
        for (int i = 1; i <= 50; i++) {
            c.send(publish("t", QoS.AT_MOST_ONCE, 0));
        }
        c.sync();
        assertThat(engine.stats().rateLimitPauses()).isZero();
        for (int i = 1; i <= 30; i++) {
            c.send(publish("t", QoS.AT_MOST_ONCE, 0));
        }
        c.sync();
        assertThat(engine.stats().rateLimitPauses()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> !c.channel.paused);
    }

    @Test
    @DisplayName("a listener limit is shared: two clients of one listener together get its burst, not one each")
    void listenerLimitIsShared() {
        engine(b -> b.flowControl(FlowControl.DEFAULTS.withListenerLimits(20, 0).withBurst(Duration.ofMillis(500))));
        Client a = connect("a", 1);
        Client b = connect("b", 2);
        for (int i = 1; i <= 5; i++) {
            a.send(publish("t", QoS.AT_MOST_ONCE, 0));
            b.send(publish("t", QoS.AT_MOST_ONCE, 0));
        }
        a.sync();
        assertThat(engine.stats().rateLimitPauses()).isZero();
        b.send(publish("t", QoS.AT_MOST_ONCE, 0));
        b.sync();
        assertThat(engine.stats().rateLimitPauses()).as("the 11th of the listener").isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> !b.channel.paused);
    }

    @Test
    @DisplayName("a client that does not read what the broker writes is not read either, until it reads again")
    void notWritablePausesReads() {
        engine(b -> b);
        Client c = connect("stuck", 1);
        c.writable(false);
        c.sync();
        assertThat(c.channel.paused).isTrue();
        assertThat(engine.stats().writabilityPauses()).isEqualTo(1);
        c.writable(true);
        c.sync();
        assertThat(c.channel.paused).isFalse();
    }

    @Test
    @DisplayName("a rate pause and a writability pause overlap: reads resume only when both have ended")
    void pausesCombine() {
        engine(b -> b.flowControl(FlowControl.DEFAULTS.withClientLimits(10, 0).withBurst(Duration.ofMillis(100))));
        Client c = connect("both", 1);
        c.writable(false);
        c.send(publish("t", QoS.AT_MOST_ONCE, 0));
        c.send(publish("t", QoS.AT_MOST_ONCE, 0));
        c.sync();
        assertThat(engine.stats().rateLimitPauses()).isEqualTo(1);
        // the rate pause ends after about 100 ms; the writability one has not
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> c.channel.paused);
        c.writable(true);
        c.sync();
        assertThat(c.channel.paused).isFalse();
    }

    @Test
    @DisplayName("slow consumer: while its connection is not writable, QoS 0 deliveries are dropped and counted, "
            + "QoS 1 ones wait in the session and go out in order once it is writable again")
    void slowConsumer() {
        engine(b -> b);
        Client sub = connect("slow", 1);
        sub.send(new Subscribe(1, List.of(new Subscription(TopicFilter.of("t"), QoS.AT_LEAST_ONCE))));
        sub.sync();
        sub.writable(false);
        sub.sync();
        for (int i = 0; i < 5; i++) {
            engine.publish(new Message(TopicName.of("t"), new byte[] {(byte) i}, QoS.AT_MOST_ONCE, false));
            engine.publish(new Message(TopicName.of("t"), new byte[] {(byte) (100 + i)}, QoS.AT_LEAST_ONCE, false));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> engine.stats().qos0DroppedNotWritable() == 5);
        await().atMost(Duration.ofSeconds(5)).until(() -> CompletableFuture
                .supplyAsync(() -> engine.sessions().get("slow").queuedCount(), loop).join() == 5);
        assertThat(sub.channel.written(Publish.class)).isEmpty();

        sub.writable(true);
        await().atMost(Duration.ofSeconds(5)).until(() -> sub.channel.written(Publish.class).size() == 5);
        assertThat(sub.channel.written(Publish.class)).extracting(p -> p.payload()[0])
                .containsExactly((byte) 100, (byte) 101, (byte) 102, (byte) 103, (byte) 104);
    }

    @Test
    @DisplayName("slow consumer: past the session's queue limit the overflow policy applies (drop oldest here), is "
            + "counted and reported to interceptors")
    void slowConsumerOverflow() {
        List<String> drops = new CopyOnWriteArrayList<>();
        engine(b -> b.maxQueuedMessages(3).queueOverflowPolicy(QueueOverflowPolicy.DROP_OLDEST)
                .interceptor(new Interceptor() {
                    @Override
                    public void onDrop(String clientId, Message message, String reason) {
                        drops.add(clientId + ": " + reason);
                    }
                }));
        Client sub = connect("slow", 1);
        sub.send(new Subscribe(1, List.of(new Subscription(TopicFilter.of("t"), QoS.AT_LEAST_ONCE))));
        sub.sync();
        sub.writable(false);
        sub.sync();
        for (int i = 0; i < 5; i++) {
            engine.publish(new Message(TopicName.of("t"), new byte[] {(byte) i}, QoS.AT_LEAST_ONCE, false));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> engine.stats().queueOverflowDrops() == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> drops.size() == 2);
        assertThat(drops).allMatch(d -> d.equals("slow: queue full, oldest dropped"));
        sub.writable(true);
        await().atMost(Duration.ofSeconds(5)).until(() -> sub.channel.written(Publish.class).size() == 3);
        assertThat(sub.channel.written(Publish.class)).extracting(p -> p.payload()[0])
                .containsExactly((byte) 2, (byte) 3, (byte) 4);
        assertThat(engine.stats().queuedMessages()).as("the broker-wide gauge follows the queues").isZero();
    }

    @Test
    @DisplayName("back-pressure: a publisher pauses while a subscriber that takes messages is past half its queue "
            + "limit, and goes on when it is down to a quarter; none of its 100 acknowledged messages is dropped at a "
            + "queue of 40")
    void congestedSubscriberHoldsThePublisher() {
        engine(b -> b.maxInflight(1).maxQueuedMessages(40).queueOverflowPolicy(QueueOverflowPolicy.DROP_NEWEST));
        Client sub = connect("sub", 1);
        sub.send(new Subscribe(1, List.of(new Subscription(TopicFilter.of("t"), QoS.AT_LEAST_ONCE))));
        sub.sync();
        Client pub = connect("pub", 2);
        for (int i = 1; i <= 100; i++) {
            pub.send(publish("t", QoS.AT_LEAST_ONCE, i));
        }
        pub.sync();
        assertThat(engine.stats().congestionPauses()).isEqualTo(1);
        assertThat(pub.channel.paused).isTrue();
        java.util.Set<Integer> acked = new java.util.HashSet<>();
        // the subscriber takes one message every 10 ms or so: slow, but moving
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
            List<Publish> got = sub.channel.written(Publish.class);
            Publish last = got.get(got.size() - 1);
            if (acked.add(last.packetId() * 1000 + got.size())) {
                sub.send(new PubAck(last.packetId()));
            }
            return got.size() == 100;
        });
        assertThat(engine.stats().queueOverflowDrops()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> pub.channel.written(PubAck.class).size() == 100);
        assertThat(pub.channel.paused).isFalse();
    }

    @Test
    @DisplayName("a subscriber that takes nothing for 500 ms no longer holds its publishers back: its queue fills, "
            + "the overflow policy applies to it alone, and another subscriber gets everything")
    void stalledSubscriberDoesNotStallOthers() {
        engine(b -> b.maxInflight(1).maxQueuedMessages(40).queueOverflowPolicy(QueueOverflowPolicy.DROP_NEWEST));
        Client stuck = connect("stuck", 1);
        stuck.send(new Subscribe(1, List.of(new Subscription(TopicFilter.of("t"), QoS.AT_LEAST_ONCE))));
        Client fast = connect("fast", 2);
        fast.send(new Subscribe(1, List.of(new Subscription(TopicFilter.of("t"), QoS.AT_LEAST_ONCE))));
        fast.sync();
        Client pub = connect("pub", 3);
        for (int i = 1; i <= 100; i++) {
            pub.send(publish("t", QoS.AT_LEAST_ONCE, i));
        }
        java.util.Set<Integer> acked = new java.util.HashSet<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(() -> {
            for (Publish p : fast.channel.written(Publish.class)) {
                if (acked.add(p.packetId())) {
                    fast.send(new PubAck(p.packetId()));
                }
            }
            return fast.channel.written(Publish.class).size() == 100;
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> pub.channel.written(PubAck.class).size() == 100);
        assertThat(stuck.channel.written(Publish.class)).hasSize(1);
        assertThat(engine.stats().queueOverflowDrops()).as("100 - 1 in flight - 40 queued").isEqualTo(59);
    }

    @Test
    @DisplayName("no retransmission storm: an unacknowledged QoS 1 message is not sent again on a live connection")
    void noResendOnATimer() {
        engine(b -> b);
        Client sub = connect("quiet", 1);
        sub.send(new Subscribe(1, List.of(new Subscription(TopicFilter.of("t"), QoS.AT_LEAST_ONCE))));
        sub.sync();
        engine.publish(new Message(TopicName.of("t"), new byte[] {1}, QoS.AT_LEAST_ONCE, false));
        await().atMost(Duration.ofSeconds(5)).until(() -> sub.channel.written(Publish.class).size() == 1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                .until(() -> sub.channel.written(Publish.class).size() == 1);
    }
}
