package io.starling.mqtt.netty.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * What every abuse case ends with: proof that the broker still serves a well-behaved client after the bad input,
 * and a counter check. Packet builders the support {@link Bytes} does not have (several filters in one SUBSCRIBE,
 * any protocol name) are here too.
 */
final class AbuseSupport {
    /** Counters move on the event loop, before the close the test observes; the bound only absorbs scheduling. */
    private static final Duration COUNTER_BOUND = Duration.ofSeconds(2);
    private static final AtomicInteger HEALTHY = new AtomicInteger();

    private AbuseSupport() {}

    /**
     * A fresh, well-behaved client connects (clean session, no credentials), subscribes at QoS 1 to a topic of its
     * own, publishes a QoS 1 message there, gets its PUBACK and its own message back, and disconnects cleanly.
     */
    static void assertHealthyClientWorks(BrokerExtension broker) {
        assertHealthyClientWorks(broker, null, null);
    }

    /** {@link #assertHealthyClientWorks(BrokerExtension)} logging in as {@code userName} when it is not null. */
    static void assertHealthyClientWorks(BrokerExtension broker, String userName, String password) {
        String clientId = "healthy-" + HEALTHY.incrementAndGet();
        String topic = "healthy/" + clientId;
        String payload = "round trip of " + clientId;
        try (RawClient client = new RawClient(broker.port())) {
            client.send(userName == null ? Bytes.connect(clientId, true, 0) : login(clientId, userName, password));
            client.expectConnAck(false, 0);
            client.subscribe(1, topic, 1);
            client.send(Bytes.publish(topic, 1, 2, payload));
            // The PUBACK and the delivery of our own message may come in either order.
            List<RawPacket> answers = List.of(client.read(), client.read());
            assertThat(answers).extracting(RawPacket::hex).as("the healthy client's PUBACK").contains("40 0002");
            RawPacket own = answers.stream().filter(RawPacket::isPublish).findFirst()
                    .orElseThrow(() -> new AssertionError("the healthy client's own message was not delivered: "
                            + answers));
            assertThat(own.topic()).isEqualTo(topic);
            assertThat(own.payloadString()).isEqualTo(payload);
            assertThat(own.qos()).isEqualTo(1);
            client.send(Bytes.puback(own.publishId()));
            client.disconnect();
        }
    }

    /** Waits briefly until {@code counter} reads exactly {@code expected}. */
    static void assertCounter(String name, LongSupplier counter, long expected) {
        await().atMost(COUNTER_BOUND).untilAsserted(() -> assertThat(counter.getAsLong()).as(name).isEqualTo(expected));
    }

    /** CONNECT 3.1.1 with clean session, keep alive 0, a user name and a password. */
    static byte[] login(String clientId, String userName, String password) {
        return Bytes.connect(0x02 | 0xC0, 0, Bytes.of().str(clientId).str(userName).str(password).build());
    }

    /** SUBSCRIBE (0x82) with one entry per filter, every one requesting {@code qos}. */
    static byte[] subscribeAll(int packetId, List<String> filters, int qos) {
        Bytes body = Bytes.of().u16(packetId);
        for (String filter : filters) {
            body.str(filter).u8(qos);
        }
        return Bytes.packet(0x82, body.build());
    }

    /** A CONNECT with any protocol name (as raw bytes, so it can be ill-formed) and level, clean session. */
    static byte[] connectWithProtocol(byte[] protocolName, int level, String clientId) {
        return Bytes.packet(0x10, Bytes.of().field(protocolName).u8(level).u8(0x02).u16(0).str(clientId).build());
    }
}
