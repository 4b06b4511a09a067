package io.starling.mqtt.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.FlowControl;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 7 over real sockets: a rate limit holds a publisher to its rate by TCP back-pressure and loses nothing, its
 * keep-alive survives the pauses, a publisher that does not read its PUBACKs is not read either, and a subscriber
 * that stops reading costs the broker a bounded amount while another keeps everything.
 */
@Timeout(120)
class FlowControlIT {
    // Each test here is about one mechanism; the overload controller is off so that a loaded machine's loop lag
    // cannot add throttling of its own (OverloadProtectionIT covers the controller).

    @Test
    @DisplayName("a client limited to 100 msg/s (0.1 s burst) sending 300 QoS 0 messages at once is held to the "
            + "limit by paused reads; a subscriber gets all 300, in order")
    void rateLimitHoldsThePublisher() {
        FlowControl limits = FlowControl.DEFAULTS.withOverloadProtection(false).withClientLimits(100, 0).withBurst(Duration.ofMillis(100));
        try (StarlingBroker broker = StarlingBroker.builder().port(0).configure(c -> c.flowControl(limits)).start();
             RawClient sub = RawClient.connected(broker.port(), "sub", true);
             RawClient pub = RawClient.connected(broker.port(), "pub", true)) {
            sub.subscribe(1, "t", 0);
            long start = System.nanoTime();
            byte[][] batch = new byte[300][];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = Bytes.publish("t", 0, false, false, 0, Bytes.utf8(Integer.toString(i)));
            }
            pub.send(batch);
            pub.pingAndExpectPingResp("the PINGREQ behind the 300 messages is read once they are");
            double seconds = (System.nanoTime() - start) / 1e9;
            for (int i = 0; i < 300; i++) {
                RawPacket p = sub.expectPublish();
                assertThat(p.payloadString()).isEqualTo(Integer.toString(i));
            }
            // 300 messages at 100 msg/s with 10 free: at least 2.9 s; the limit holds, not just delays a little
            assertThat(seconds).as("seconds to get the 300 messages read").isGreaterThan(2.5);
            assertThat(broker.engine().stats().rateLimitPauses()).isPositive();
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.2-24] paused reads are the broker's silence, not the client's: a client with keep-alive "
            + "1 s held to 10 msg/s for 3 s stays connected")
    void keepAliveSurvivesRatePauses() {
        FlowControl limits = FlowControl.DEFAULTS.withOverloadProtection(false).withClientLimits(10, 0).withBurst(Duration.ofMillis(100));
        try (StarlingBroker broker = StarlingBroker.builder().port(0).configure(c -> c.flowControl(limits)).start();
             RawClient pub = new RawClient(broker.port())) {
            pub.send(Bytes.connect("paced", true, 1));
            pub.expectConnAck(0);
            byte[][] batch = new byte[31][];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = Bytes.publish("t", 1, false, false, i + 1, Bytes.utf8("m"));
            }
            pub.send(batch);
            for (int i = 1; i <= batch.length; i++) {
                pub.expectAck(0x40, i);
            }
            pub.pingAndExpectPingResp("still connected after 3 s of paced reads");
        }
    }

    @Test
    @DisplayName("a client that never reads what the broker writes (PUBACKs, and copies of its own messages) is not "
            + "read either once its socket is full: the broker's buffer for it stays bounded, and when it reads, every "
            + "PUBACK is there")
    void publisherThatDoesNotRead() throws Exception {
        FlowControl small = FlowControl.DEFAULTS.withOverloadProtection(false).withOutboundBufferBytes(16 * 1024);
        try (StarlingBroker broker = StarlingBroker.builder().port(0).configure(c -> c.flowControl(small)).start();
             RawClient pub = new RawClient(broker.port(), 8 * 1024)) {
            pub.send(Bytes.connect("deaf", true, 0));
            pub.expectConnAck(0);
            // it also receives its own messages (QoS 0): 20 MB the broker must write, far more than the kernel's
            // socket buffers hold, so its write buffer fills whatever the kernel's autotuning does
            pub.subscribe(1, "t", 0);
            int count = 200_000;
            byte[] payload = new byte[100];
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                List<byte[]> chunk = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    chunk.add(Bytes.publish("t", 1, false, false, i % 65_535 + 1, payload));
                    if (chunk.size() == 1_000) {
                        pub.send(Bytes.concat(chunk.toArray(byte[][]::new)));
                        chunk.clear();
                    }
                }
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> broker.engine().stats().writabilityPauses() > 0);
            // the client's writes block: the broker stopped reading, and the socket buffers on both sides are full
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> !sending.isDone());
            long received = broker.engine().stats().messagesReceived();
            assertThat(received).isLessThan(count);

            int acks = 0;
            while (acks < count) {
                RawPacket p = pub.read();
                if (p.firstByte() == 0x40) {
                    acks++;
                } else {
                    assertThat(p.isPublish()).as("only PUBACKs and its own QoS 0 messages, got " + p).isTrue();
                }
            }
            sending.get(30, TimeUnit.SECONDS);
            assertThat(broker.engine().stats().messagesReceived()).isEqualTo(count);
            assertThat(broker.engine().stats().qos0DroppedNotWritable()).as("its own copies, while it did not read")
                    .isPositive();
        }
    }

    @Test
    @DisplayName("slow consumer: a subscriber that stops reading while QoS 0 and QoS 1 flood in costs a bounded "
            + "queue (its session is discarded at the limit, counted); another subscriber gets every QoS 1 message")
    void slowConsumer() {
        FlowControl small = FlowControl.DEFAULTS.withOverloadProtection(false).withOutboundBufferBytes(64 * 1024);
        try (StarlingBroker broker = StarlingBroker.builder().port(0)
                .configure(c -> c.flowControl(small).maxQueuedMessages(1_000)).start();
             RawClient slow = new RawClient(broker.port(), 8 * 1024);
             RawClient fast = new RawClient(broker.port(), 4 << 20);
             RawClient pub = RawClient.connected(broker.port(), "pub", true)) {
            slow.send(Bytes.connect("slow", false, 0));
            slow.expectConnAck(0);
            slow.subscribe(1, "flood", 1);
            fast.send(Bytes.connect("fast", true, 0));
            fast.expectConnAck(0);
            fast.subscribe(1, "flood", 1);
            int qos1 = 5_000;
            CompletableFuture<Integer> fastGot = CompletableFuture.supplyAsync(() -> {
                int got = 0;
                while (got < qos1) {
                    RawPacket p = fast.expectPublish();
                    if (p.qos() == 1) {
                        fast.send(Bytes.puback(p.publishId()));
                        got++;
                    }
                }
                return got;
            });
            // 20 MB of QoS 0 first: more than the kernel's socket buffers take for the slow one
            byte[] big = new byte[1024];
            byte[][] qos0 = new byte[100][];
            java.util.Arrays.fill(qos0, Bytes.publish("flood", 0, false, false, 0, big));
            for (int i = 0; i < 200; i++) {
                pub.send(qos0);
            }
            pub.pingAndExpectPingResp("the QoS 0 flood is read");
            byte[] payload = new byte[256];
            for (int i = 0; i < qos1; i++) {
                pub.send(Bytes.publish("flood", 1, false, false, i % 65_535 + 1, payload));
                pub.expectAck(0x40, i % 65_535 + 1);
            }
            assertThat(fastGot.join()).isEqualTo(qos1);
            // the slow one: QoS 0 dropped for its full socket, QoS 1 queued up to 1,000, then its session discarded
            assertThat(broker.engine().stats().qos0DroppedNotWritable()).isPositive();
            assertThat(broker.engine().stats().sessionsDiscardedOnOverflow()).isEqualTo(1);
            assertThat(broker.engine().stats().queuedMessages()).as("nothing left queued broker-wide").isZero();
            assertThat(slow.drainUntilClosed(Duration.ofSeconds(10))).as("the slow client is disconnected")
                    .isTrue();
        }
    }
}
