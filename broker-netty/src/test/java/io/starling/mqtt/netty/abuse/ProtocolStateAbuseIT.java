package io.starling.mqtt.netty.abuse;

import static io.starling.mqtt.netty.abuse.AbuseSupport.assertCounter;
import static io.starling.mqtt.netty.abuse.AbuseSupport.assertHealthyClientWorks;
import static io.starling.mqtt.netty.abuse.AbuseSupport.connectWithProtocol;
import static io.starling.mqtt.netty.support.Bytes.hex;
import static io.starling.mqtt.netty.support.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Well-framed packets at the wrong moment or with values the protocol forbids: packets before CONNECT, a second
 * CONNECT, foreign protocol names and levels, contradictory connect flags, refused client ids, packets only a server
 * sends, and acknowledgements for ids nobody used. Each gets the reaction section 3 or 4.8 prescribes, the matching
 * counter moves, and the broker keeps serving others. One broker (default configuration) for the class.
 */
@Timeout(30)
class ProtocolStateAbuseIT {
    private static final BrokerExtension broker = new BrokerExtension();
    private static final AtomicInteger ids = new AtomicInteger();
    private static final Duration AT_ONCE = Duration.ofSeconds(2);

    @BeforeAll
    static void startBroker() {
        broker.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.afterEach(null);
    }

    private static String nextId() {
        return "state-" + ids.incrementAndGet();
    }

    // ---- before CONNECT, and a second CONNECT ----

    @ParameterizedTest(name = "[MQTT-3.1.0-1] {0} before CONNECT")
    @CsvSource({
        "retained PUBLISH, 31 0A 0005 6561726C79 78 79 7A",
        "SUBSCRIBE, 82 06 0001 0001 23 00",
        "UNSUBSCRIBE, A2 05 0001 0001 23",
        "PINGREQ, C0 00",
        "PUBREL, 62 02 0001",
        "DISCONNECT, E0 00"})
    @DisplayName("[MQTT-3.1.0-1] [MQTT-4.8.0-1] a packet before CONNECT closes the connection with no reply and counts "
            + "a protocol violation")
    void packetBeforeConnect(String what, String packetHex) {
        long before = broker.stats().protocolViolations();
        int sessions = broker.engine().sessions().size();
        RawClient abuser = broker.raw().send(hex(packetHex));
        abuser.expectClosed(AT_ONCE);
        assertCounter("protocolViolations", broker.stats()::protocolViolations, before + 1);
        assertThat(broker.engine().sessions().size()).as("no session created").isEqualTo(sessions);
        assertHealthyClientWorks(broker);
    }

    @Test
    @DisplayName("[MQTT-3.1.0-2] a second CONNECT closes the connection without a second CONNACK and counts a protocol "
            + "violation")
    void secondConnect() {
        long before = broker.stats().protocolViolations();
        String id = nextId();
        RawClient abuser = broker.rawConnected(id, true, false);
        abuser.send(Bytes.connect(nextId(), true, 0));
        abuser.expectClosed(AT_ONCE);
        assertCounter("protocolViolations", broker.stats()::protocolViolations, before + 1);
        await("the clean session ended with its connection").atMost(AT_ONCE)
                .until(() -> broker.engine().sessions().get(id) == null);
        assertHealthyClientWorks(broker);
    }

    @Test
    @DisplayName("after DISCONNECT nothing pipelined behind it is acted on: no SUBACK, nothing retained")
    void packetsAfterDisconnectAreIgnored() {
        String topic = "after-disconnect/" + nextId();
        RawClient abuser = broker.rawConnected(nextId(), true, false);
        abuser.send(Bytes.concat(Bytes.disconnect(),
                Bytes.publish(topic, 1, true, false, 7, utf8("must not be retained")),
                Bytes.subscribe(8, topic, 0)));
        abuser.expectClosed(AT_ONCE);
        RawClient late = broker.rawSubscriber(nextId(), true, topic, 1);
        late.pingAndExpectPingResp("no retained message from after the DISCONNECT");
        assertHealthyClientWorks(broker);
    }

    // ---- protocol name and level ----

    @ParameterizedTest(name = "[MQTT-3.1.2-2] {0} level {1}: CONNACK 0x01, then closed")
    @CsvSource({"MQIsdp, 4", "MQTT, 5", "MQTT, 3", "MQIsdp, 5"})
    @DisplayName("[MQTT-3.1.2-2] a known protocol name with a level we do not speak gets CONNACK 0x01, then a close; "
            + "counted as a refused connection")
    void unsupportedProtocolLevel(String name, int level) {
        long refused = broker.stats().connectionsRefused();
        long violations = broker.stats().protocolViolations();
        String id = nextId();
        RawClient abuser = broker.raw().send(connectWithProtocol(utf8(name), level, id));
        abuser.expectConnAck(false, 0x01);
        abuser.expectClosed(AT_ONCE);
        assertCounter("connectionsRefused", broker.stats()::connectionsRefused, refused + 1);
        assertThat(broker.stats().protocolViolations()).as("protocolViolations").isEqualTo(violations);
        assertThat(broker.engine().sessions().get(id)).as("no session").isNull();
        assertHealthyClientWorks(broker);
    }

    private static Arguments row(String ids, String what, byte[] bytes) {
        return Arguments.of(ids, what, bytes);
    }

    static Stream<Arguments> connectsClosedWithoutConnAck() {
        return Stream.of(
                row("[MQTT-3.1.2-1]", "protocol name XYZZY", connectWithProtocol(utf8("XYZZY"), 4, "g1")),
                row("[MQTT-3.1.2-1]", "protocol name MQTT followed by U+0000", connectWithProtocol(hex("4D51545400"), 4,
                        "g2")),
                row("[MQTT-3.1.2-1] [MQTT-1.5.3-1]", "protocol name of ill-formed bytes FF FE",
                        connectWithProtocol(hex("FF FE"), 4, "g3")),
                row("[MQTT-3.1.2-1]", "protocol name of 20000 x 'M'", connectWithProtocol(utf8("M".repeat(20_000)), 4,
                        "g4")),
                row("[MQTT-3.1.2-1]", "empty protocol name", connectWithProtocol(new byte[0], 4, "g5")),
                row("[MQTT-3.1.2-11] [MQTT-3.1.2-13]", "will flag 0 with will QoS 1 (flags 0x0A)",
                        Bytes.connect(0x0A, 0, Bytes.of().str("g6").build())),
                row("[MQTT-3.1.2-11] [MQTT-3.1.2-13]", "will flag 0 with will QoS 2 (flags 0x12)",
                        Bytes.connect(0x12, 0, Bytes.of().str("g7").build())),
                row("[MQTT-3.1.2-11] [MQTT-3.1.2-15]", "will flag 0 with will retain (flags 0x22)",
                        Bytes.connect(0x22, 0, Bytes.of().str("g8").build())),
                row("[MQTT-3.1.2-14]", "will QoS 3 (flags 0x1E)",
                        Bytes.connect(0x1E, 0, Bytes.of().str("g9").str("w").str("m").build())),
                row("[MQTT-3.1.2-22]", "password flag without user name flag (flags 0x42)",
                        Bytes.connect(0x42, 0, Bytes.of().str("g10").str("secret").build())));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("connectsClosedWithoutConnAck")
    @DisplayName("[MQTT-3.1.4-1] a CONNECT with a foreign protocol name or contradictory flags is closed without "
            + "CONNACK and counts a protocol violation")
    void connectClosedWithoutConnAck(String ids, String what, byte[] bytes) {
        long before = broker.stats().protocolViolations();
        int sessions = broker.engine().sessions().size();
        RawClient abuser = broker.raw().send(bytes);
        abuser.expectClosed(AT_ONCE);
        assertCounter("protocolViolations", broker.stats()::protocolViolations, before + 1);
        assertThat(broker.engine().sessions().size()).as("no session created").isEqualTo(sessions);
        assertHealthyClientWorks(broker);
    }

    // ---- client identifiers the broker refuses ----

    static Stream<Arguments> refusedClientIds() {
        return Stream.of(
                row("[MQTT-3.1.3-9]", "257 ASCII bytes (maxClientIdLength 256)",
                        Bytes.connect("x".repeat(257), true, 0)),
                row("[MQTT-3.1.3-9]", "129 x U+00E9: 129 characters but 258 bytes",
                        Bytes.connect("\u00e9".repeat(129), true, 0)),
                row("[MQTT-3.1.3-9]", "65535 bytes", Bytes.connect("y".repeat(65_535), false, 0)),
                row("[MQTT-3.1.3-8]", "empty with clean session 0", Bytes.connect("", false, 0)));
    }

    @ParameterizedTest(name = "{0} client id {1}: CONNACK 0x02, then closed")
    @MethodSource("refusedClientIds")
    @DisplayName("[MQTT-3.1.3-8] [MQTT-3.1.3-9] a client id the broker refuses gets CONNACK 0x02 (session present 0), "
            + "then a close; counted as a refused connection")
    void refusedClientId(String ids, String what, byte[] bytes) {
        long before = broker.stats().connectionsRefused();
        int sessions = broker.engine().sessions().size();
        RawClient abuser = broker.raw().send(bytes);
        abuser.expectConnAck(false, 0x02);
        abuser.expectClosed(AT_ONCE);
        assertCounter("connectionsRefused", broker.stats()::connectionsRefused, before + 1);
        assertThat(broker.engine().sessions().size()).as("no session created").isEqualTo(sessions);
        assertHealthyClientWorks(broker);
    }

    @Test
    @DisplayName("[MQTT-3.1.4-5] a refused CONNECT pipelined with a retained PUBLISH and a SUBSCRIBE: only CONNACK "
            + "0x02 comes back, nothing is retained")
    void nothingAfterARefusedConnectIsActedOn() {
        String topic = "refused/" + nextId();
        RawClient abuser = broker.raw().send(Bytes.concat(Bytes.connect("z".repeat(300), true, 0),
                Bytes.publish(topic, 0, true, false, 0, utf8("sneaky")), Bytes.subscribe(1, topic, 0)));
        abuser.expectConnAck(false, 0x02);
        abuser.expectClosed(AT_ONCE);
        RawClient late = broker.rawSubscriber(nextId(), true, topic, 0);
        late.pingAndExpectPingResp("nothing retained by the refused connection");
        assertHealthyClientWorks(broker);
    }

    // ---- packets only a server sends ----

    @ParameterizedTest(name = "[MQTT-4.8.0-1] {0} sent by a client")
    @CsvSource({"CONNACK, 20 02 0000", "SUBACK, 90 03 0001 00", "UNSUBACK, B0 02 0001", "PINGRESP, D0 00"})
    @DisplayName("[MQTT-4.8.0-1] a packet only a server sends closes the client's connection and counts a protocol "
            + "violation")
    void serverOnlyPacketFromAClient(String what, String packetHex) {
        long before = broker.stats().protocolViolations();
        RawClient abuser = broker.rawConnected(nextId(), true, false);
        abuser.send(hex(packetHex));
        abuser.expectClosed(AT_ONCE);
        assertCounter("protocolViolations", broker.stats()::protocolViolations, before + 1);
        assertHealthyClientWorks(broker);
    }

    // ---- acknowledgements for ids nobody used ----

    @Test
    @DisplayName("[MQTT-4.3.3-2] PUBREL for an id the broker never received is answered with PUBCOMP for that id; the "
            + "connection stays")
    void pubRelForUnknownIdGetsPubComp() {
        long before = broker.stats().protocolViolations();
        RawClient client = broker.rawConnected(nextId(), true, false);
        client.send(Bytes.pubrel(0x1234));
        client.expectAck(0x70, 0x1234);
        client.pingAndExpectPingResp("still open after the PUBCOMP");
        assertThat(broker.stats().protocolViolations()).as("protocolViolations").isEqualTo(before);
        assertHealthyClientWorks(broker);
    }

    @ParameterizedTest(name = "{0} for an unknown id: ignored")
    @CsvSource({"PUBACK, 40 02 1234", "PUBREC, 50 02 4321", "PUBCOMP, 70 02 FFFF"})
    @DisplayName("PUBACK, PUBREC or PUBCOMP for an id the broker never sent is ignored: no answer, no close, nothing "
            + "counted")
    void ackForUnknownIdIsIgnored(String what, String packetHex) {
        long before = broker.stats().protocolViolations();
        RawClient client = broker.rawConnected(nextId(), true, false);
        client.send(hex(packetHex));
        client.pingAndExpectPingResp("the next packet is the PINGRESP: nothing answered the " + what);
        assertThat(broker.stats().protocolViolations()).as("protocolViolations").isEqualTo(before);
        assertHealthyClientWorks(broker);
    }
}
