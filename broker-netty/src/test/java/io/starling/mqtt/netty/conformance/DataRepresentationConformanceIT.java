package io.starling.mqtt.netty.conformance;

import static io.starling.mqtt.netty.conformance.ConnectConformanceSupport.hex;
import static io.starling.mqtt.netty.conformance.ConnectConformanceSupport.strictUtf8;
import static io.starling.mqtt.netty.support.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Section 1.5.3 (UTF-8 text fields) and the fixed-header flag rows of section 2.2.2, on the wire. */
@Timeout(30)
class DataRepresentationConformanceIT {
    /** Ill-formed UTF-8 of [MQTT-1.5.3-1]: encoded surrogate, truncated sequence, never-valid byte, overlong '/'. */
    private static final List<String> ILL_FORMED = List.of("ED A0 80", "C3", "FF", "C0 AF");
    /** Every text field a client sends: the ways to carry a bad string to the server. */
    private static final List<String> TEXT_FIELDS = List.of("client id", "user name", "will topic", "topic name",
            "topic filter");

    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.started();

    /**
     * Sends {@code field} (raw bytes, length-prefixed) as the given kind of text field and returns the client; for
     * topic names and filters the client is connected first (its CONNACK already read).
     */
    private RawClient sendTextField(String kind, byte[] field) {
        return switch (kind) {
            case "client id" -> broker.raw().send(Bytes.connect(0x02, 0, Bytes.of().field(field).build()));
            case "user name" -> broker.raw()
                    .send(Bytes.connect(0x82, 0, Bytes.of().str("u").field(field).build()));
            case "will topic" -> broker.raw()
                    .send(Bytes.connect(0x06, 0, Bytes.of().str("w").field(field).str("will").build()));
            case "topic name" -> broker.rawConnected("pub", true, false)
                    .send(Bytes.packet(0x32, Bytes.of().field(field).u16(7).raw(utf8("payload")).build()));
            case "topic filter" -> broker.rawConnected("sub", true, false)
                    .send(Bytes.packet(0x82, Bytes.of().u16(7).field(field).u8(1).build()));
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** The connection is closed with nothing sent (no CONNACK, PUBACK or SUBACK), and an observer is unaffected. */
    private void assertClosedSilently(String kind, byte[] field) {
        RawClient observer = broker.rawSubscriber("observer", true, "#", 1);
        RawClient offender = sendTextField(kind, field);
        offender.expectClosed();
        observer.send(Bytes.pingreq());
        assertThat(observer.read().hex()).as("observer got no message and still answers").isEqualTo("D0 ");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(broker.engine().sessions().sessions())
                .as("only the observer's session is left").extracting(s -> s.clientId()).containsExactly("observer"));
    }

    static Stream<Arguments> illFormedFields() {
        return TEXT_FIELDS.stream().flatMap(kind -> ILL_FORMED.stream().map(bad -> Arguments.of(kind, bad)));
    }

    @ParameterizedTest(name = "[MQTT-1.5.3-1] {0} = 78 {1}: closed, no reply")
    @MethodSource("illFormedFields")
    @DisplayName("[MQTT-1.5.3-1] ill-formed UTF-8 in any text field: the server closes without replying")
    void illFormedUtf8ClosesTheConnection(String kind, String badHex) {
        assertClosedSilently(kind, Bytes.concat(utf8("x"), Bytes.hex(badHex)));
    }

    @ParameterizedTest(name = "[MQTT-1.5.3-2] {0} = \"a\\u0000b\": closed, no reply")
    @CsvSource({"client id", "user name", "will topic", "topic name", "topic filter"})
    @DisplayName("[MQTT-1.5.3-2] an encoded U+0000 in any text field: the server closes without replying")
    void nullCharacterClosesTheConnection(String kind) {
        assertClosedSilently(kind, Bytes.hex("61 00 62"));
    }

    @Test
    @DisplayName("[MQTT-1.5.3-1] strings the server emits are well-formed UTF-8, byte for byte what was published")
    void emittedStringsAreWellFormed() {
        String topic = "温度/ü/😀/\uFEFF/\u07FF\u0800\uFFFD";
        RawClient sub = broker.rawSubscriber("sub", true, "#", 1);
        RawClient pub = broker.rawConnected("pub", true, false);
        pub.send(Bytes.publish(topic, 1, 3, "x"));
        assertThat(pub.read().hex()).isEqualTo("40 0003");
        RawPacket got = sub.expectPublish();
        assertThat(hex(got.topicBytes())).isEqualTo(hex(utf8(topic)));
        assertThat(strictUtf8(got.topicBytes())).isEqualTo(topic);
    }

    @Test
    @DisplayName("[MQTT-1.5.3-3] EF BB BF is U+FEFF: kept in the topic, never stripped, '\\uFEFFa' differs from 'a'")
    void byteOrderMarkIsKept() {
        RawClient withBom = broker.rawSubscriber("bom", true, "\uFEFFa", 1);
        RawClient plain = broker.rawSubscriber("plain", true, "a", 1);
        RawClient pub = broker.rawConnected("pub", true, false);

        pub.send(Bytes.publish("\uFEFFa", 1, 1, "to-bom"));
        assertThat(pub.read().hex()).isEqualTo("40 0001");
        RawPacket got = withBom.expectPublish();
        assertThat(hex(got.topicBytes())).isEqualTo("EFBBBF61");
        assertThat(got.payloadString()).isEqualTo("to-bom");
        plain.send(Bytes.pingreq());
        assertThat(plain.read().hex()).as("a subscriber to 'a' gets nothing").isEqualTo("D0 ");

        pub.send(Bytes.publish("a", 1, 2, "to-plain"));
        assertThat(pub.read().hex()).isEqualTo("40 0002");
        assertThat(hex(plain.expectPublish().topicBytes())).isEqualTo("61");
        withBom.send(Bytes.pingreq());
        assertThat(withBom.read().hex()).as("a subscriber to '\\uFEFFa' gets nothing for 'a'").isEqualTo("D0 ");
    }

    @Test
    @DisplayName("[MQTT-1.5.3-3] client ids '\\uFEFFa' and 'a' are two different clients (no takeover)")
    void byteOrderMarkInClientId() {
        RawClient a = broker.rawConnected("a", true, false);
        RawClient bomA = broker.rawConnected("\uFEFFa", true, false);
        a.send(Bytes.pingreq());
        assertThat(a.read().hex()).as("'a' still connected").isEqualTo("D0 ");
        bomA.send(Bytes.pingreq());
        assertThat(bomA.read().hex()).isEqualTo("D0 ");
        assertThat(broker.engine().sessions().get("\uFEFFa")).isNotNull();
        assertThat(broker.engine().sessions().get("a")).isNotNull();
    }

    @Test
    @DisplayName("[MQTT-2.2.2-1] server packets carry the reserved flags of Table 2.2: 20 40 50 62 70 90 B0 D0")
    void serverPacketsCarryReservedFlags() {
        RawClient sub = broker.raw();
        sub.send(Bytes.connect("sub", true, 0));
        assertThat(sub.read().firstByte()).as("CONNACK").isEqualTo(0x20);
        sub.send(Bytes.subscribe(1, "f/#", 2));
        assertThat(sub.read().hex()).as("SUBACK").isEqualTo("90 000102");
        RawClient pub = broker.rawConnected("pub", true, false);

        pub.send(Bytes.publish("f/1", 1, 10, "one"));
        assertThat(pub.read().hex()).as("PUBACK").isEqualTo("40 000A");
        RawPacket first = sub.expectPublish();
        assertThat(first.qos()).isEqualTo(1);
        sub.send(Bytes.puback(first.publishId()));

        pub.send(Bytes.publish("f/2", 2, 11, "two"));
        assertThat(pub.read().hex()).as("PUBREC").isEqualTo("50 000B");
        pub.send(Bytes.pubrel(11));
        assertThat(pub.read().hex()).as("PUBCOMP").isEqualTo("70 000B");

        RawPacket second = sub.expectPublish();
        assertThat(second.qos()).isEqualTo(2);
        sub.send(Bytes.pubrec(second.publishId()));
        assertThat(sub.read().hex()).as("PUBREL").isEqualTo(String.format("62 %04X", second.publishId()));
        sub.send(Bytes.pubcomp(second.publishId()));

        sub.send(Bytes.unsubscribe(3, "f/#"));
        assertThat(sub.read().hex()).as("UNSUBACK").isEqualTo("B0 0003");
        sub.send(Bytes.pingreq());
        assertThat(sub.read().hex()).as("PINGRESP").isEqualTo("D0 ");
    }

    @ParameterizedTest(name = "[MQTT-2.2.2-2] first CONNECT byte {0}: closed without CONNACK")
    @CsvSource({"11", "12", "14", "18", "1F"})
    @DisplayName("[MQTT-2.2.2-2] CONNECT with reserved flag bits set: closed without CONNACK")
    void connectWithWrongFlags(String firstByte) {
        byte[] connect = Bytes.connect("flags", true, 0);
        connect[0] = (byte) Integer.parseInt(firstByte, 16);
        RawClient client = broker.raw().send(connect);
        client.expectClosed();
        assertThat(broker.engine().sessions().get("flags")).isNull();
    }

    @ParameterizedTest(name = "[MQTT-2.2.2-2] {0} {1} after CONNACK: closed, no reply, will published")
    @CsvSource({"PUBACK, 41 02 00 01", "PUBREC, 52 02 00 01", "PUBCOMP, 71 02 00 01", "PINGREQ, C1 00",
            "PINGREQ, C8 00", "PUBACK, 48 02 00 01"})
    @DisplayName("[MQTT-2.2.2-2] PUBACK, PUBREC, PUBCOMP, PINGREQ with wrong reserved flags: connection closed")
    void packetsWithWrongFlags(String type, String packetHex) {
        RawClient observer = broker.rawSubscriber("observer", true, "will/#", 0);
        RawClient client = broker.raw();
        client.send(Bytes.connectWithWill("bad-flags", true, 0, "will/bad", utf8("gone"), 0, false));
        assertThat(client.read().hex()).isEqualTo("20 0000");
        client.send(Bytes.hex(packetHex));
        client.expectClosed();
        RawPacket will = observer.expectPublish();
        assertThat(will.topic()).isEqualTo("will/bad");
        assertThat(will.payloadString()).isEqualTo("gone");
        observer.send(Bytes.pingreq());
        assertThat(observer.read().hex()).as("other clients unaffected").isEqualTo("D0 ");
    }
}
