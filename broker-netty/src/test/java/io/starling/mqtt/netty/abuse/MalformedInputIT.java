package io.starling.mqtt.netty.abuse;

import static io.starling.mqtt.netty.abuse.AbuseSupport.assertCounter;
import static io.starling.mqtt.netty.abuse.AbuseSupport.assertHealthyClientWorks;
import static io.starling.mqtt.netty.support.Bytes.hex;
import static io.starling.mqtt.netty.support.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bytes that are not a well-formed MQTT 3.1.1 packet, sent over a real socket: framing (remaining length), reserved
 * types and flag bits, ill-formed or forbidden strings, invalid topics and filters, missing payloads and packet id
 * 0. Each closes the sender's connection without a reply (docs/decisions/0004-strict-codec-choices.md), counts one
 * {@code protocolViolations}, and leaves the broker serving everyone else.
 *
 * <p>One broker for the whole class: every case ends with its abusive connection closed, so no case leaves state
 * behind that another could see; counters are compared before and after.
 */
@Timeout(30)
class MalformedInputIT {
    private static final BrokerExtension broker = new BrokerExtension();
    private static final AtomicInteger ids = new AtomicInteger();
    /** Far below the 10 s CONNECT timeout and any keep-alive: a close within it is the decoder's own decision. */
    private static final Duration AT_ONCE = Duration.ofSeconds(2);

    @BeforeAll
    static void startBroker() {
        broker.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        // Not registered as an extension (that would give each test its own broker): close clients and broker here.
        broker.afterEach(null);
    }

    private static String nextId() {
        return "abuser-" + ids.incrementAndGet();
    }

    // ---- packet builders for fields given as raw bytes ----

    private static byte[] publishTopic(byte[] topic) {
        return Bytes.packet(0x30, Bytes.of().field(topic).raw(utf8("payload")).build());
    }

    private static byte[] subscribeFilter(byte[] filter) {
        return Bytes.packet(0x82, Bytes.of().u16(1).field(filter).u8(0).build());
    }

    private static byte[] unsubscribeFilter(byte[] filter) {
        return Bytes.packet(0xA2, Bytes.of().u16(1).field(filter).build());
    }

    private static byte[] connect(int flags, Bytes payload) {
        return Bytes.connect(flags, 0, payload.build());
    }

    private static Arguments row(String ids, String what, byte[] bytes) {
        return Arguments.of(ids, what, bytes);
    }

    // ---- after CONNECT ----

    static Stream<Arguments> malformedAfterConnect() {
        return Stream.of(
                // framing
                row("(2.2.3)", "remaining length with a fifth continuation byte", hex("30 FF FF FF FF 7F")),
                row("(2.2.3)", "remaining length of five bytes, all continuation", hex("30 80 80 80 80 80")),
                row("[MQTT-3.3.2-1]", "PUBLISH remaining length 3, shorter than its 5-byte topic",
                        Bytes.concat(hex("30 03 0005 61"), utf8("bcde"))),
                row("[MQTT-3.8.3-1]", "SUBSCRIBE remaining length 4, shorter than its filter",
                        Bytes.concat(hex("82 04 0001 0003"), utf8("abc"), hex("00"))),
                row("[MQTT-4.8.0-1]", "PUBACK remaining length 3, longer than an ack", hex("40 03 0001 00")),
                row("[MQTT-4.8.0-1]", "PINGREQ with a one-byte body", hex("C0 01 00")),
                row("[MQTT-4.8.0-1]", "DISCONNECT with a one-byte body", hex("E0 01 00")),
                // reserved flag bits
                row("[MQTT-3.8.1-1] [MQTT-2.2.2-2]", "SUBSCRIBE flags 0000 (0x80)",
                        Bytes.packet(0x80, Bytes.of().u16(1).str("t").u8(0).build())),
                row("[MQTT-3.8.1-1] [MQTT-2.2.2-2]", "SUBSCRIBE flags 0011 (0x83)",
                        Bytes.packet(0x83, Bytes.of().u16(1).str("t").u8(0).build())),
                row("[MQTT-3.10.1-1] [MQTT-2.2.2-2]", "UNSUBSCRIBE flags 0000 (0xA0)",
                        Bytes.packet(0xA0, Bytes.of().u16(1).str("t").build())),
                row("[MQTT-3.10.1-1] [MQTT-2.2.2-2]", "UNSUBSCRIBE flags 1010 (0xAA)",
                        Bytes.packet(0xAA, Bytes.of().u16(1).str("t").build())),
                row("[MQTT-3.6.1-1] [MQTT-2.2.2-2]", "PUBREL flags 0000 (0x60)", hex("60 02 0001")),
                row("[MQTT-3.6.1-1] [MQTT-2.2.2-2]", "PUBREL flags 0011 (0x63)", hex("63 02 0001")),
                row("[MQTT-2.2.2-2]", "PUBACK flags 0001 (0x41)", hex("41 02 0001")),
                row("[MQTT-2.2.2-2]", "PUBREC flags 0010 (0x52)", hex("52 02 0001")),
                row("[MQTT-2.2.2-2]", "PUBCOMP flags 0001 (0x71)", hex("71 02 0001")),
                row("[MQTT-2.2.2-2]", "PINGREQ flags 0001 (0xC1)", hex("C1 00")),
                row("[MQTT-3.14.1-1] [MQTT-2.2.2-2]", "DISCONNECT flags 0001 (0xE1)", hex("E1 00")),
                row("[MQTT-2.2.2-2]", "CONNECT flags 1000 (0x18) as a second packet",
                        Bytes.packet(0x18, Bytes.of().str("MQTT").u8(4).u8(2).u16(0).str("x").build())),
                row("[MQTT-2.2.2-2]", "CONNACK flags 0001 (0x21)", hex("21 02 0000")),
                row("[MQTT-2.2.2-2]", "SUBACK flags 1000 (0x98)", hex("98 03 0001 00")),
                row("[MQTT-2.2.2-2]", "UNSUBACK flags 0100 (0xB4)", hex("B4 02 0001")),
                row("[MQTT-2.2.2-2]", "PINGRESP flags 0010 (0xD2)", hex("D2 00")),
                row("[MQTT-3.3.1-4]", "PUBLISH QoS 3 (0x36)", Bytes.concat(hex("36 06 0001 74 0001"), utf8("x"))),
                row("[MQTT-3.3.1-4]", "PUBLISH QoS 3 with DUP and RETAIN (0x3F)",
                        Bytes.concat(hex("3F 06 0001 74 0001"), utf8("x"))),
                row("[MQTT-3.3.1-2]", "PUBLISH QoS 0 with DUP (0x38)", Bytes.concat(hex("38 04 0001 74"), utf8("x"))),
                // reserved packet types
                row("[MQTT-4.8.0-1]", "packet type 0", hex("00 00")),
                row("[MQTT-4.8.0-1]", "packet type 15", hex("F0 00")),
                row("[MQTT-4.8.0-1]", "packet type 15 with a body and flags", hex("F2 02 0001")),
                // ill-formed UTF-8, U+0000, surrogates
                row("[MQTT-1.5.3-1] [MQTT-3.3.2-1]", "topic with overlong C0 AF", publishTopic(hex("61 C0 AF"))),
                row("[MQTT-1.5.3-1] [MQTT-3.3.2-1]", "topic ending in a truncated C3", publishTopic(hex("61 C3"))),
                row("[MQTT-1.5.3-1] [MQTT-3.8.3-1]", "SUBSCRIBE filter with FF", subscribeFilter(hex("61 FF"))),
                row("[MQTT-1.5.3-1] [MQTT-3.10.3-1]", "UNSUBSCRIBE filter with FE", unsubscribeFilter(hex("FE 61"))),
                row("[MQTT-1.5.3-2] [MQTT-4.7.3-2]", "topic with U+0000", publishTopic(hex("61 00 62"))),
                row("[MQTT-1.5.3-2] [MQTT-4.7.3-2]", "SUBSCRIBE filter with U+0000", subscribeFilter(hex("61 2F 00"))),
                row("[MQTT-1.5.3-2] [MQTT-4.7.3-2]", "UNSUBSCRIBE filter with U+0000", unsubscribeFilter(hex("00"))),
                row("[MQTT-1.5.3-1]", "topic with an unpaired high surrogate U+D800 (ED A0 80)",
                        publishTopic(hex("61 ED A0 80"))),
                row("[MQTT-1.5.3-1]", "topic with an unpaired low surrogate U+DFFF (ED BF BF)",
                        publishTopic(hex("ED BF BF 61"))),
                row("[MQTT-1.5.3-1]", "topic with a surrogate pair encoded separately (CESU-8 ED A0 BD ED B8 80)",
                        publishTopic(hex("ED A0 BD ED B8 80"))),
                row("[MQTT-1.5.3-1]", "SUBSCRIBE filter with an unpaired low surrogate U+DC00 (ED B0 80)",
                        subscribeFilter(hex("61 2F ED B0 80"))),
                // topic names
                row("[MQTT-3.3.2-2] [MQTT-4.7.1-1]", "PUBLISH to a/+", Bytes.publish("a/+", 0, 0, "x")),
                row("[MQTT-3.3.2-2] [MQTT-4.7.1-1]", "PUBLISH to #", Bytes.publish("#", 0, 0, "x")),
                row("[MQTT-3.3.2-2] [MQTT-4.7.1-1]", "PUBLISH QoS 1 to a/#", Bytes.publish("a/#", 1, 1, "x")),
                row("[MQTT-3.3.2-2] [MQTT-4.7.1-1]", "retained PUBLISH to sport+",
                        Bytes.publish("sport+", 0, true, false, 0, utf8("x"))),
                row("[MQTT-4.7.3-1]", "PUBLISH to an empty topic", Bytes.publish("", 0, 0, "x")),
                row("[MQTT-4.7.3-1]", "PUBLISH QoS 2 to an empty topic", Bytes.publish("", 2, 3, "x")),
                // topic filters: closed rather than SUBACK 0x80 (decision 0004)
                row("[MQTT-4.7.1-2]", "SUBSCRIBE a/#/b", Bytes.subscribe(1, "a/#/b", 0)),
                row("[MQTT-4.7.1-3]", "SUBSCRIBE a+", Bytes.subscribe(1, "a+", 1)),
                row("[MQTT-4.7.1-2]", "SUBSCRIBE #a", Bytes.subscribe(1, "#a", 2)),
                row("[MQTT-4.7.1-2]", "SUBSCRIBE a valid filter, then a/b#",
                        AbuseSupport.subscribeAll(1, List.of("ok/1", "a/b#"), 0)),
                row("[MQTT-4.7.1-3]", "UNSUBSCRIBE a+/b", Bytes.unsubscribe(1, "a+/b")),
                row("[MQTT-4.7.3-1]", "SUBSCRIBE an empty filter", Bytes.subscribe(1, "", 0)),
                row("[MQTT-4.7.3-1]", "UNSUBSCRIBE an empty filter", Bytes.unsubscribe(1, "")),
                // missing payloads, packet id 0, requested QoS
                row("[MQTT-3.8.3-3]", "SUBSCRIBE with no filters", hex("82 02 0001")),
                row("[MQTT-3.10.3-2]", "UNSUBSCRIBE with no filters", hex("A2 02 0001")),
                row("[MQTT-2.3.1-1]", "PUBLISH QoS 1 with packet id 0", Bytes.publish("t", 1, 0, "x")),
                row("[MQTT-2.3.1-1]", "PUBLISH QoS 2 with packet id 0", Bytes.publish("t", 2, 0, "x")),
                row("[MQTT-2.3.1-1]", "SUBSCRIBE with packet id 0", Bytes.subscribe(0, "t", 0)),
                row("[MQTT-2.3.1-1]", "UNSUBSCRIBE with packet id 0", Bytes.unsubscribe(0, "t")),
                row("[MQTT-3.8.3-4]", "SUBSCRIBE requesting QoS 3", Bytes.subscribe(1, "t", 3)),
                row("[MQTT-3.8.3-4]", "SUBSCRIBE requested-QoS byte 0x81", Bytes.subscribe(1, "t", 0x81)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("malformedAfterConnect")
    @DisplayName("[MQTT-4.8.0-1] a connected client's malformed packet closes its connection with no reply, "
            + "counts a protocol violation, and another client still works")
    void malformedPacketAfterConnectClosesOnlyThatConnection(String ids, String what, byte[] bytes) {
        long before = broker.stats().protocolViolations();
        RawClient abuser = broker.rawConnected(nextId(), true);
        abuser.send(bytes);
        abuser.expectClosed(AT_ONCE);
        assertCounter("protocolViolations", broker.stats()::protocolViolations, before + 1);
        assertHealthyClientWorks(broker);
    }

    // ---- the CONNECT itself ----

    static Stream<Arguments> malformedFirstPackets() {
        return Stream.of(
                row("[MQTT-2.2.2-2]", "CONNECT flags 0001 (0x11)",
                        Bytes.packet(0x11, Bytes.of().str("MQTT").u8(4).u8(2).u16(0).str("x").build())),
                row("[MQTT-3.1.2-3]", "CONNECT flags byte with reserved bit 0 set (0x03)",
                        connect(0x03, Bytes.of().str("x"))),
                row("[MQTT-4.8.0-1]", "packet type 0 first", hex("00 00")),
                row("[MQTT-4.8.0-1]", "packet type 15 first", hex("F0 00")),
                row("(2.2.3)", "CONNECT remaining length with a fifth continuation byte", hex("10 80 80 80 80 01")),
                row("[MQTT-3.1.4-1]", "CONNECT remaining length shorter than its client id",
                        Bytes.concat(Bytes.packet(0x10, Bytes.of().str("MQTT").u8(4).u8(2).u16(0).u16(6).build()),
                                utf8("abcdef"))),
                row("[MQTT-3.1.3-4] [MQTT-1.5.3-1]", "client id with ill-formed C3 28",
                        connect(0x02, Bytes.of().field(hex("C3 28")))),
                row("[MQTT-3.1.3-4] [MQTT-1.5.3-2]", "client id with U+0000",
                        connect(0x02, Bytes.of().field(hex("61 00 62")))),
                row("[MQTT-3.1.3-4] [MQTT-1.5.3-1]", "client id with an unpaired surrogate U+DC00 (ED B0 80)",
                        connect(0x02, Bytes.of().field(hex("63 ED B0 80")))),
                row("[MQTT-3.1.3-11] [MQTT-1.5.3-1]", "user name with FF",
                        connect(0x82, Bytes.of().str("x").field(hex("75 FF")))),
                row("[MQTT-3.1.3-11] [MQTT-1.5.3-2]", "user name with U+0000",
                        connect(0xC2, Bytes.of().str("x").field(hex("75 00")).str("pw"))),
                row("[MQTT-3.1.3-10] [MQTT-1.5.3-1]", "will topic with an unpaired surrogate U+D800",
                        connect(0x06, Bytes.of().str("x").field(hex("77 ED A0 80")).str("bye"))),
                row("[MQTT-3.1.3-10] [MQTT-4.7.1-1]", "will topic with #",
                        connect(0x06, Bytes.of().str("x").str("will/#").str("bye"))));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("malformedFirstPackets")
    @DisplayName("[MQTT-3.1.4-1] a malformed CONNECT (or reserved first packet) is closed without CONNACK, counts a "
            + "protocol violation, and another client still works")
    void malformedConnectClosesWithoutConnAck(String ids, String what, byte[] bytes) {
        long before = broker.stats().protocolViolations();
        int sessions = broker.engine().sessions().size();
        RawClient abuser = broker.raw().send(bytes);
        abuser.expectClosed(AT_ONCE);
        assertCounter("protocolViolations", broker.stats()::protocolViolations, before + 1);
        assertThat(broker.engine().sessions().size()).as("no session created").isEqualTo(sessions);
        assertHealthyClientWorks(broker);
    }

    // ---- declared sizes far beyond the limit ----

    @Test
    @DisplayName("(2.2.3) a PUBLISH declaring 256 MB (more than maxPacketSize) is closed at once, before any body "
            + "arrives; nothing waits for the 256 MB")
    void hugeDeclaredPublishClosesAtOnce() {
        long before = broker.stats().protocolViolations();
        RawClient abuser = broker.rawConnected(nextId(), true);
        // 268,435,455: the largest remaining length, then nothing. A broker that waited for (or allocated) the body
        // would keep the connection open: keep alive is 0, so only the declared size can close it.
        abuser.send(hex("30 FF FF FF 7F"));
        abuser.expectClosed(AT_ONCE);
        assertCounter("protocolViolations", broker.stats()::protocolViolations, before + 1);
        assertHealthyClientWorks(broker);
    }

    @Test
    @DisplayName("(2.2.3) a CONNECT fixed header declaring 256 MB is closed at once without CONNACK, long before the "
            + "CONNECT timeout")
    void hugeDeclaredConnectClosesAtOnce() {
        long before = broker.stats().protocolViolations();
        RawClient abuser = broker.raw();
        abuser.send(Bytes.concat(hex("10 FF FF FF 7F"), Bytes.of().str("MQTT").u8(4).build()));
        abuser.expectClosed(AT_ONCE);
        assertCounter("protocolViolations", broker.stats()::protocolViolations, before + 1);
        assertHealthyClientWorks(broker);
    }
}
