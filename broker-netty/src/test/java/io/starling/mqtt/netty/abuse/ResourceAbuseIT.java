package io.starling.mqtt.netty.abuse;

import static io.starling.mqtt.netty.abuse.AbuseSupport.assertCounter;
import static io.starling.mqtt.netty.abuse.AbuseSupport.assertHealthyClientWorks;
import static io.starling.mqtt.netty.abuse.AbuseSupport.subscribeAll;
import static io.starling.mqtt.netty.support.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.QueueOverflowPolicy;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The configured resource limits under attack (docs/configuration.md): topic length and levels on PUBLISH (closed)
 * and SUBSCRIBE (0x80), subscriptions per client, the packet size, the connection limit and the queued bytes of an
 * offline session. Every refusal is counted and the broker keeps serving others.
 *
 * <p>The topic, subscription and packet-size cases share one broker configured with small limits; the connection
 * and queue cases start their own.
 */
@Timeout(30)
class ResourceAbuseIT {
    private static final int MAX_TOPIC_LENGTH = 64;
    private static final int MAX_TOPIC_LEVELS = 8;
    private static final int MAX_SUBSCRIPTIONS = 5;
    private static final int MAX_PACKET_SIZE = 4096;
    private static final Duration AT_ONCE = Duration.ofSeconds(2);

    private static final BrokerExtension limited = new BrokerExtension();
    private static final AtomicInteger ids = new AtomicInteger();

    /** For the cases that need a configuration of their own; stopped after each test. */
    @RegisterExtension
    final BrokerExtension fresh = new BrokerExtension();

    @BeforeAll
    static void startBroker() {
        limited.start(c -> c.maxTopicLength(MAX_TOPIC_LENGTH).maxTopicLevels(MAX_TOPIC_LEVELS)
                .maxSubscriptionsPerClient(MAX_SUBSCRIPTIONS).maxPacketSize(MAX_PACKET_SIZE));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        limited.afterEach(null);
    }

    private static String nextId() {
        return "res-" + ids.incrementAndGet();
    }

    /** Topics of the shapes the parameterized cases name, built so the interesting length is exact. */
    private static String topic(String shape) {
        return switch (shape) {
            case "65 ASCII bytes" -> "t/" + "a".repeat(MAX_TOPIC_LENGTH - 1);
            case "22 x U+20AC (22 characters; 66 bytes)" -> "\u20ac".repeat(22);
            case "9 levels" -> "a/b/c/d/e/f/g/h/i";
            case "9 empty levels" -> "/".repeat(MAX_TOPIC_LEVELS);
            case "64 bytes" -> "t/" + "a".repeat(MAX_TOPIC_LENGTH - 2);
            case "8 levels" -> "a/b/c/d/e/f/g/h";
            case "65-byte filter" -> "f/" + "b".repeat(MAX_TOPIC_LENGTH - 3) + "/#";
            case "9-level filter" -> "+/+/+/+/+/+/+/+/#";
            default -> throw new IllegalArgumentException(shape);
        };
    }

    // ---- topic limits ----

    @ParameterizedTest(name = "PUBLISH QoS {1} on a topic of {0}: closed")
    @CsvSource({"65 ASCII bytes, 0", "65 ASCII bytes, 1", "22 x U+20AC (22 characters; 66 bytes), 2", "9 levels, 0",
        "9 empty levels, 1"})
    @DisplayName("a PUBLISH on a topic over maxTopicLength or maxTopicLevels closes the connection (3.1.1 has no "
            + "negative ack), unacknowledged and undelivered; counted as a limit violation")
    void publishOverTopicLimitCloses(String shape, int qos) {
        String topic = topic(shape);
        RawClient watcher = limited.rawSubscriber(nextId(), true, "#", 0);
        long before = limited.stats().limitViolations();
        RawClient abuser = limited.rawConnected(nextId(), true, false);
        abuser.send(Bytes.publish(topic, qos, qos == 0 ? 0 : 1, "over the limit"));
        abuser.expectClosed(AT_ONCE);
        assertCounter("limitViolations", limited.stats()::limitViolations, before + 1);
        watcher.pingAndExpectPingResp("nothing delivered from the refused PUBLISH");
        // Leaves the shared broker: a "#" subscriber would receive every later test's messages.
        watcher.disconnect();
        assertHealthyClientWorks(limited);
    }

    @ParameterizedTest(name = "a topic of exactly {0} is delivered")
    @CsvSource({"64 bytes", "8 levels"})
    @DisplayName("topics exactly at maxTopicLength and maxTopicLevels are accepted and delivered (the limits are not "
            + "off by one)")
    void topicAtTheLimitIsDelivered(String shape) {
        String topic = topic(shape);
        long before = limited.stats().limitViolations();
        RawClient subscriber = limited.rawSubscriber(nextId(), true, topic, 1);
        RawClient publisher = limited.rawConnected(nextId(), true, false);
        publisher.publishAndComplete(topic, 1, false, 3, "at the limit");
        RawPacket got = subscriber.expectPublish();
        assertThat(got.topic()).isEqualTo(topic);
        assertThat(limited.stats().limitViolations()).as("limitViolations").isEqualTo(before);
        assertHealthyClientWorks(limited);
    }

    @ParameterizedTest(name = "SUBSCRIBE with a {0} between two good filters")
    @CsvSource({"65-byte filter", "9-level filter"})
    @DisplayName("a SUBSCRIBE filter over maxTopicLength or maxTopicLevels gets 0x80 while the filters around it are "
            + "granted and work; the connection stays; counted as a limit violation")
    void subscribeOverTopicLimitGetsFailureCode(String shape) {
        long before = limited.stats().limitViolations();
        String id = nextId();
        RawClient client = limited.rawConnected(id, true, false);
        client.send(Bytes.packet(0x82, Bytes.of().u16(9).str("good/1").u8(1).str(topic(shape)).u8(1).str("good/2")
                .u8(0).build()));
        assertThat(client.expect(0x90).hex()).as("SUBACK").isEqualTo("90 0009018000");
        assertCounter("limitViolations", limited.stats()::limitViolations, before + 1);
        assertThat(limited.engine().sessions().get(id).subscriptions()).as("subscriptions").hasSize(2);
        limited.rawConnected(nextId(), true, false).publishAndComplete("good/1", 1, false, 4, "granted filter works");
        assertThat(client.expectPublish().payloadString()).isEqualTo("granted filter works");
        assertHealthyClientWorks(limited);
    }

    // ---- subscriptions per client ----

    @Test
    @DisplayName("[MQTT-3.8.4-5] one SUBSCRIBE with 20 filters against maxSubscriptionsPerClient 5: five granted, "
            + "fifteen 0x80, connection stays; replacing an existing subscription still fits, a new one does not "
            + "until one is removed")
    void subscriptionFloodInOnePacket() {
        long before = limited.stats().limitViolations();
        String id = nextId();
        RawClient client = limited.rawConnected(id, true, false);
        List<String> filters = IntStream.range(0, 20).mapToObj(i -> "flood/" + i).toList();
        client.send(subscribeAll(10, filters, 1));
        RawPacket subAck = client.expect(0x90);
        byte[] codes = Arrays.copyOfRange(subAck.body(), 2, subAck.body().length);
        byte[] expected = new byte[20];
        Arrays.fill(expected, 0, MAX_SUBSCRIPTIONS, (byte) 0x01);
        Arrays.fill(expected, MAX_SUBSCRIPTIONS, 20, (byte) 0x80);
        assertThat(subAck.packetId()).isEqualTo(10);
        assertThat(codes).as("SUBACK codes in filter order").containsExactly(expected);
        assertCounter("limitViolations", limited.stats()::limitViolations, before + 15);

        client.send(Bytes.subscribe(11, "flood/0", 2));
        assertThat(client.expect(0x90).hex()).as("replacing flood/0 fits").isEqualTo("90 000B02");
        client.send(Bytes.subscribe(12, "flood/new", 0));
        assertThat(client.expect(0x90).hex()).as("a sixth filter does not").isEqualTo("90 000C80");
        client.send(Bytes.unsubscribe(13, "flood/1"));
        client.expectAck(0xB0, 13);
        client.send(Bytes.subscribe(14, "flood/new", 0));
        assertThat(client.expect(0x90).hex()).as("after UNSUBSCRIBE there is room").isEqualTo("90 000E00");
        assertCounter("limitViolations", limited.stats()::limitViolations, before + 16);
        assertThat(limited.engine().sessions().get(id).subscriptions()).hasSize(MAX_SUBSCRIPTIONS);
        assertHealthyClientWorks(limited);
    }

    @Test
    @DisplayName("100 pipelined SUBSCRIBE packets with a new filter each: the first five are granted, the other 95 get "
            + "0x80, all answered in order, connection stays")
    void subscriptionFloodAcrossPackets() {
        long before = limited.stats().limitViolations();
        RawClient client = limited.rawConnected(nextId(), true, false);
        byte[][] packets = new byte[100][];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = Bytes.subscribe(i + 1, "many/" + i, 0);
        }
        client.send(Bytes.concat(packets));
        for (int i = 0; i < packets.length; i++) {
            String code = i < MAX_SUBSCRIPTIONS ? "00" : "80";
            assertThat(client.expect(0x90).hex()).as("SUBACK " + (i + 1))
                    .isEqualTo(String.format("90 %04X%s", i + 1, code));
        }
        assertCounter("limitViolations", limited.stats()::limitViolations, before + 95);
        client.pingAndExpectPingResp("the connection stays");
        assertHealthyClientWorks(limited);
    }

    @Test
    @DisplayName("a will on a topic over maxTopicLength is refused with CONNACK 0x05 and counted as a limit violation, "
            + "not as an authentication failure")
    void willOverTopicLimitIsRefused() {
        long limits = limited.stats().limitViolations();
        long authFailures = limited.stats().authenticationFailures();
        long refused = limited.stats().connectionsRefused();
        RawClient abuser = limited.raw();
        abuser.send(Bytes.connectWithWill(nextId(), true, 0, topic("65 ASCII bytes"), utf8("bye"), 0, false));
        abuser.expectConnAck(false, 0x05);
        abuser.expectClosed(AT_ONCE);
        assertCounter("connectionsRefused", limited.stats()::connectionsRefused, refused + 1);
        assertHealthyClientWorks(limited);
        // BrokerStats: limitViolations counts refusals by a configured limit (topic length); authenticationFailures
        // counts CONNECTs the authenticator refused, and each one also feeds the per-address login throttle.
        assertSoftly(soft -> {
            soft.assertThat(limited.stats().limitViolations()).as("limitViolations").isEqualTo(limits + 1);
            soft.assertThat(limited.stats().authenticationFailures()).as("authenticationFailures")
                    .isEqualTo(authFailures);
        });
    }

    // ---- packet size ----

    @Test
    @DisplayName("a PUBLISH of exactly maxPacketSize bytes is delivered; one byte more closes the connection with no "
            + "PUBACK and counts a protocol violation")
    void packetSizeLimit() {
        String topic = "big/x";
        RawClient client = limited.rawSubscriber(nextId(), true, topic, 0);
        // 1 byte type + 2 bytes remaining length + 2 + 5 topic bytes + 2 packet id + payload = 4096.
        byte[] atLimit = Bytes.publish(topic, 1, false, false, 5, new byte[MAX_PACKET_SIZE - 12]);
        assertThat(atLimit).hasSize(MAX_PACKET_SIZE);
        client.send(atLimit);
        List<RawPacket> answers = List.of(client.read(), client.read());
        assertThat(answers).extracting(RawPacket::hex).contains("40 0005");
        assertThat(answers).filteredOn(RawPacket::isPublish).singleElement()
                .satisfies(p -> assertThat(p.payload()).hasSize(MAX_PACKET_SIZE - 12));

        long before = limited.stats().protocolViolations();
        byte[] overLimit = Bytes.publish(topic, 1, false, false, 6, new byte[MAX_PACKET_SIZE - 11]);
        assertThat(overLimit).hasSize(MAX_PACKET_SIZE + 1);
        client.send(overLimit);
        client.expectClosed(AT_ONCE);
        assertCounter("protocolViolations", limited.stats()::protocolViolations, before + 1);
        assertHealthyClientWorks(limited);
    }

    // ---- connections ----

    @Test
    @DisplayName("with maxConnections 4 reached, new connections are closed at once without CONNACK and counted; the "
            + "connected clients are unaffected; after one leaves, a new client connects and works")
    void connectionLimit() {
        fresh.start(c -> c.maxConnections(4));
        List<RawClient> connected = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            connected.add(fresh.rawConnected("slot-" + i, true, false));
        }
        RawClient over = fresh.raw().send(Bytes.connect("one-too-many", true, 0));
        over.expectClosed(AT_ONCE);
        assertCounter("connectionsOverLimit", fresh.stats()::connectionsOverLimit, 1);

        // A burst of bare TCP connections: each closed at once, each counted, none takes a slot.
        List<RawClient> burst = IntStream.range(0, 10).mapToObj(i -> fresh.raw()).toList();
        burst.forEach(c -> c.expectClosed(AT_ONCE));
        assertCounter("connectionsOverLimit", fresh.stats()::connectionsOverLimit, 11);
        assertThat(fresh.engine().openConnections()).isEqualTo(4);
        connected.forEach(c -> c.pingAndExpectPingResp("an existing client is still served"));

        connected.remove(0).disconnect();
        await().atMost(AT_ONCE).until(() -> fresh.engine().openConnections() == 3);
        assertHealthyClientWorks(fresh);
        assertThat(fresh.stats().connectionsOverLimit()).as("nothing more refused").isEqualTo(11);
    }

    // ---- queued bytes of an offline session ----

    @Test
    @DisplayName("[MQTT-4.1.0-1] an offline session flooded with 20 QoS 1 messages of 8 KiB holds 64 KiB "
            + "(maxQueuedBytes): eight are kept, twelve dropped and counted (DROP_NEWEST); the client gets the eight")
    void queuedBytesLimit() {
        fresh.start(c -> c.maxQueuedBytes(64 * 1024).queueOverflowPolicy(QueueOverflowPolicy.DROP_NEWEST));
        RawClient subscriber = fresh.rawSubscriber("offline-sub", false, "q/#", 1);
        subscriber.disconnect();
        fresh.awaitOffline("offline-sub");

        RawClient publisher = fresh.rawConnected("flooder", true, false);
        byte[] payload = new byte[8 * 1024];
        for (int i = 1; i <= 20; i++) {
            payload[0] = (byte) i;
            publisher.send(Bytes.publish("q/" + i, 1, false, false, i, payload));
            publisher.expectAck(0x40, i);
        }
        assertCounter("queueOverflowDrops", fresh.stats()::queueOverflowDrops, 12);

        RawClient back = fresh.rawConnected("offline-sub", false, true);
        List<String> topics = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            RawPacket p = back.expectPublish();
            topics.add(p.topic());
            back.send(Bytes.puback(p.publishId()));
        }
        assertThat(topics).containsExactly("q/1", "q/2", "q/3", "q/4", "q/5", "q/6", "q/7", "q/8");
        back.pingAndExpectPingResp("nothing beyond the eight that fitted");
        assertHealthyClientWorks(fresh);
    }
}
