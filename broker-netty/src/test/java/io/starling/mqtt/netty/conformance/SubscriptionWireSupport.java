package io.starling.mqtt.netty.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Wire helpers shared by the SUBSCRIBE/UNSUBSCRIBE, topic, PING/DISCONNECT, error and transport conformance tests:
 * multi-entry SUBSCRIBE/UNSUBSCRIBE builders, exact SUBACK/UNSUBACK checks, and a reader that completes the QoS
 * flows of received PUBLISHes until a marker topic arrives.
 */
final class SubscriptionWireSupport {
    /** The only SUBACK return codes allowed [MQTT-3.9.3-2]. */
    static final Set<Integer> SUBACK_CODES = Set.of(0x00, 0x01, 0x02, 0x80);
    static final String MARKER = "marker";

    private SubscriptionWireSupport() {}

    /** One filter/requested-QoS entry of a SUBSCRIBE, with the filter as raw bytes (for ill-formed UTF-8). */
    record Entry(byte[] filter, int qos) {
        static Entry of(String filter, int qos) {
            return new Entry(filter.getBytes(StandardCharsets.UTF_8), qos);
        }
    }

    static Entry e(String filter, int qos) {
        return Entry.of(filter, qos);
    }

    /** SUBSCRIBE (first byte 0x82) with the entries in order. */
    static byte[] subscribe(int packetId, Entry... entries) {
        return subscribeWithFirstByte(0x82, packetId, entries);
    }

    static byte[] subscribeWithFirstByte(int firstByte, int packetId, Entry... entries) {
        Bytes body = Bytes.of().u16(packetId);
        for (Entry entry : entries) {
            body.field(entry.filter()).u8(entry.qos());
        }
        return Bytes.packet(firstByte, body.build());
    }

    /** UNSUBSCRIBE (first byte 0xA2) with the filters in order. */
    static byte[] unsubscribe(int packetId, String... filters) {
        Bytes body = Bytes.of().u16(packetId);
        for (String filter : filters) {
            body.str(filter);
        }
        return Bytes.packet(0xA2, body.build());
    }

    /** Reads the next packet and asserts it is exactly {@code 90 len id codes}, with every code allowed. */
    static RawPacket expectSubAck(RawClient client, int packetId, int... codes) {
        RawPacket p = client.read();
        assertSubAck(p, packetId, codes);
        return p;
    }

    static void assertSubAck(RawPacket p, int packetId, int... codes) {
        assertThat(p.firstByte()).as("SUBACK first byte of %s", p).isEqualTo(0x90);
        assertThat(p.body()).as("SUBACK body of %s: id then one code per filter", p).hasSize(2 + codes.length);
        assertThat(p.packetId()).as("SUBACK packet id [MQTT-3.8.4-2]").isEqualTo(packetId);
        List<Integer> observed = new ArrayList<>();
        for (int i = 2; i < p.body().length; i++) {
            observed.add(p.body()[i] & 0xFF);
        }
        assertThat(observed).as("SUBACK codes are 0x00, 0x01, 0x02 or 0x80 [MQTT-3.9.3-2]").allMatch(SUBACK_CODES::contains);
        List<Integer> expected = new ArrayList<>();
        for (int c : codes) {
            expected.add(c);
        }
        assertThat(observed).as("SUBACK return codes, in filter order").isEqualTo(expected);
    }

    /** Reads the next packet and asserts it is exactly {@code B0 02 id}. */
    static void expectUnsubAck(RawClient client, int packetId) {
        RawPacket p = client.read();
        assertThat(p.hex()).as("UNSUBACK").isEqualTo(String.format("B0 %04X", packetId));
    }

    /** A clean-session client subscribed to {@code filter} at {@code qos} and to {@link #MARKER} at QoS 0. */
    static RawClient subscriber(BrokerExtension broker, String clientId, String filter, int qos) {
        RawClient c = broker.rawConnected(clientId, true);
        c.send(subscribe(1, e(filter, qos), e(MARKER, 0)));
        expectSubAck(c, 1, qos, 0);
        return c;
    }

    /**
     * Reads PUBLISHes until one on {@link #MARKER} arrives and returns those before it, completing every QoS 1/2
     * flow on the way (PUBACK; PUBREC then PUBCOMP for the PUBREL). Fails on any other packet.
     */
    static List<RawPacket> publishesUntilMarker(RawClient client) {
        return publishesUntil(client, MARKER);
    }

    static List<RawPacket> publishesUntil(RawClient client, String markerTopic) {
        List<RawPacket> publishes = new ArrayList<>();
        while (true) {
            RawPacket p = client.read();
            if (p.firstByte() == 0x62) {
                client.send(Bytes.pubcomp(p.packetId()));
                continue;
            }
            assertThat(p.isPublish()).as("expected PUBLISH (or PUBREL), got %s", p).isTrue();
            acknowledge(client, p);
            if (p.topic().equals(markerTopic)) {
                return publishes;
            }
            publishes.add(p);
        }
    }

    /** Sends the acknowledgement a received PUBLISH asks for (nothing for QoS 0). */
    static void acknowledge(RawClient client, RawPacket publish) {
        if (publish.qos() == 1) {
            client.send(Bytes.puback(publish.publishId()));
        } else if (publish.qos() == 2) {
            client.send(Bytes.pubrec(publish.publishId()));
        }
    }

    /** Publishes the marker at QoS 0 from {@code publisher}; a later QoS 0 PUBLISH from one client keeps its order. */
    static void sendMarker(RawClient publisher) {
        publisher.send(Bytes.publish(MARKER, 0, 0, "end"));
    }

    static List<String> topics(List<RawPacket> publishes) {
        return publishes.stream().map(RawPacket::topic).toList();
    }

    static List<String> payloads(List<RawPacket> publishes) {
        return publishes.stream().map(RawPacket::payloadString).toList();
    }

    /** The connection answers a PINGREQ with exactly {@code D0 00}: it is open and served. */
    static void assertAlive(RawClient client) {
        client.pingAndExpectPingResp("PINGRESP");
    }
}
