package io.starling.mqtt.netty.conformance;

import static io.starling.mqtt.netty.conformance.ConnectConformanceSupport.connect;
import static io.starling.mqtt.netty.support.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import java.util.Arrays;
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

/**
 * Section 3.1 CONNECT on the wire: the first packet, malformed CONNECTs (closed with no CONNACK), protocol name and
 * level, a second CONNECT, and the broker staying healthy for others throughout.
 */
@Timeout(30)
class ConnectConformanceIT {
    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.started();

    // ---- malformed CONNECTs: zero bytes back, then end of stream ----

    private static Bytes id(String clientId) {
        return Bytes.of().str(clientId);
    }

    private static byte[] v311(int flags, Bytes payload) {
        return Bytes.connect(flags, 0, payload.build());
    }

    private static Arguments malformed(String ids, String what, byte[] bytes) {
        return Arguments.of(ids, what, bytes);
    }

    static Stream<Arguments> malformedConnects() {
        byte[] wellFormed = Bytes.connect("abc", true, 0);
        byte[] body = Arrays.copyOfRange(wellFormed, 2, wellFormed.length);
        return Stream.of(
                malformed("[MQTT-3.1.0-1]", "PUBLISH as the first packet", Bytes.publish("t", 1, 1, "x")),
                malformed("[MQTT-3.1.0-1]", "SUBSCRIBE as the first packet", Bytes.subscribe(1, "t", 0)),
                malformed("[MQTT-3.1.0-1]", "PINGREQ as the first packet", Bytes.pingreq()),
                malformed("[MQTT-3.1.0-1]", "DISCONNECT as the first packet", Bytes.disconnect()),
                malformed("[MQTT-3.1.2-1]", "protocol name MQTX", connect("MQTX", 4, 0x02, 0, id("c").build())),
                malformed("[MQTT-3.1.2-1]", "protocol name mqtt", connect("mqtt", 4, 0x02, 0, id("c").build())),
                malformed("[MQTT-3.1.2-1]", "empty protocol name", connect("", 4, 0x02, 0, id("c").build())),
                malformed("[MQTT-3.1.2-1]", "protocol name MQTT3", connect("MQTT3", 4, 0x02, 0, id("c").build())),
                malformed("[MQTT-3.1.2-3]", "reserved flag with clean session (0x03)", v311(0x03, id("c"))),
                malformed("[MQTT-3.1.2-3]", "reserved flag alone (0x01)", v311(0x01, id("c"))),
                malformed("[MQTT-3.1.2-9]", "will flag, payload ends after client id", v311(0x06, id("c"))),
                malformed("[MQTT-3.1.2-9]", "will flag, will message missing", v311(0x06, id("c").str("w/t"))),
                malformed("[MQTT-3.1.2-11]", "will flag 0, will topic and message present",
                        v311(0x02, id("c").str("w/t").str("msg"))),
                malformed("[MQTT-3.1.2-11] [MQTT-3.1.2-13]", "will flag 0, will QoS 1 (0x0A)", v311(0x0A, id("c"))),
                malformed("[MQTT-3.1.2-11] [MQTT-3.1.2-13]", "will flag 0, will QoS 2 (0x12)", v311(0x12, id("c"))),
                malformed("[MQTT-3.1.2-14]", "will flag 1, will QoS 3 (0x1E)", v311(0x1E, id("c").str("w/t").str("m"))),
                malformed("[MQTT-3.1.2-11] [MQTT-3.1.2-15]", "will flag 0, will retain 1 (0x22)", v311(0x22, id("c"))),
                malformed("[MQTT-3.1.2-15]", "will flag 0, will retain 1 and will QoS 1 (0x2A)", v311(0x2A, id("c"))),
                malformed("[MQTT-3.1.2-18]", "user name flag 0, user name present", v311(0x02, id("c").str("user"))),
                malformed("[MQTT-3.1.2-19]", "user name flag 1, payload ends after client id", v311(0x82, id("c"))),
                malformed("[MQTT-3.1.2-19]", "user name flag 1, half a length prefix", v311(0x82, id("c").u8(0))),
                malformed("[MQTT-3.1.2-20]", "password flag 0, password present",
                        v311(0x82, id("c").str("user").str("pw"))),
                malformed("[MQTT-3.1.2-21]", "password flag 1, password missing", v311(0xC2, id("c").str("user"))),
                malformed("[MQTT-3.1.2-22]", "password flag 1 without user name flag",
                        v311(0x42, id("c").str("pw"))),
                malformed("[MQTT-3.1.2-22]", "password flag 1 without user name flag, no fields", v311(0x42, id("c"))),
                malformed("[MQTT-3.1.3-1]", "will and user name flagged, payload has client id and user name only",
                        v311(0x86, id("c").str("user"))),
                malformed("[MQTT-3.1.3-1]", "all five flagged, user name left out",
                        v311(0xC6, id("c").str("w/t").str("m").str("pw"))),
                malformed("[MQTT-3.1.3-3]", "empty payload, no client id", v311(0x02, Bytes.of())),
                malformed("[MQTT-3.1.3-3]", "one byte of client id length", v311(0x02, Bytes.of().u8(0))),
                malformed("[MQTT-3.1.3-4] [MQTT-1.5.3-1]", "client id with encoded surrogate ED A0 80",
                        v311(0x02, Bytes.of().field(Bytes.hex("61 ED A0 80")))),
                malformed("[MQTT-3.1.3-4] [MQTT-1.5.3-1]", "client id with FF", v311(0x02, Bytes.of().field(Bytes.hex("FF")))),
                malformed("[MQTT-3.1.3-4] [MQTT-1.5.3-1]", "client id with overlong C0 AF",
                        v311(0x02, Bytes.of().field(Bytes.hex("C0 AF")))),
                malformed("[MQTT-3.1.3-4] [MQTT-1.5.3-1]", "client id with truncated C3",
                        v311(0x02, Bytes.of().field(Bytes.hex("61 C3")))),
                malformed("[MQTT-3.1.3-10] [MQTT-1.5.3-1]", "will topic with FF",
                        v311(0x06, id("c").field(Bytes.hex("61 FF")).str("m"))),
                malformed("[MQTT-3.1.3-10] [MQTT-1.5.3-2]", "will topic with U+0000",
                        v311(0x06, id("c").field(Bytes.hex("61 00 62")).str("m"))),
                malformed("[MQTT-3.1.3-10]", "will topic with +", v311(0x06, id("c").str("a/+").str("m"))),
                malformed("[MQTT-3.1.3-10]", "will topic #", v311(0x06, id("c").str("#").str("m"))),
                malformed("[MQTT-3.1.3-10]", "empty will topic", v311(0x06, id("c").str("").str("m"))),
                malformed("[MQTT-3.1.3-11] [MQTT-1.5.3-1]", "user name with FF",
                        v311(0x82, id("c").field(Bytes.hex("75 FF")))),
                malformed("[MQTT-3.1.3-11] [MQTT-1.5.3-1]", "user name with encoded surrogate ED B0 80",
                        v311(0xC2, id("c").field(Bytes.hex("ED B0 80")).str("pw"))),
                malformed("[MQTT-3.1.4-1]", "client id declares 10 bytes, has 3",
                        v311(0x02, Bytes.of().u16(10).raw(utf8("abc")))),
                malformed("[MQTT-3.1.4-1]", "protocol name declares 4 bytes, has 2",
                        Bytes.packet(0x10, Bytes.hex("00 04 4D 51"))),
                malformed("[MQTT-3.1.4-1]", "variable header ends before keep alive",
                        Bytes.packet(0x10, Bytes.of().str("MQTT").u8(4).u8(2).build())),
                malformed("[MQTT-3.1.4-1]", "remaining length 2 too short",
                        Bytes.concat(Bytes.packet(0x10, Arrays.copyOf(body, body.length - 2)),
                                Arrays.copyOfRange(body, body.length - 2, body.length))),
                malformed("[MQTT-3.1.4-1]", "remaining length 2 too long (2 trailing bytes)",
                        Bytes.packet(0x10, Bytes.concat(body, Bytes.hex("00 00")))));
    }

    @ParameterizedTest(name = "{0} {1}: closed, no CONNACK")
    @MethodSource("malformedConnects")
    @DisplayName("[MQTT-3.1.4-1] [MQTT-3.1.0-1] [MQTT-3.1.2-1] [MQTT-3.1.2-3] [MQTT-3.1.2-9] [MQTT-3.1.2-11] "
            + "[MQTT-3.1.2-13] [MQTT-3.1.2-14] [MQTT-3.1.2-15] [MQTT-3.1.2-18] [MQTT-3.1.2-19] [MQTT-3.1.2-20] "
            + "[MQTT-3.1.2-21] [MQTT-3.1.2-22] [MQTT-3.1.3-1] [MQTT-3.1.3-3] [MQTT-3.1.3-4] [MQTT-3.1.3-10] "
            + "[MQTT-3.1.3-11] [MQTT-1.5.3-1] [MQTT-1.5.3-2] a CONNECT that breaks section 3.1 (or a first packet that "
            + "is not CONNECT) is closed without any CONNACK")
    void malformedConnectIsClosedWithoutConnAck(String ids, String what, byte[] bytes) {
        RawClient client = broker.raw().send(bytes);
        client.expectClosed();
        assertThat(broker.engine().sessions().size()).as("no session was created").isZero();
    }

    @Test
    @DisplayName("[MQTT-3.1.0-1] a retained PUBLISH sent before CONNECT is neither delivered nor retained")
    void publishBeforeConnectIsNotActedOn() {
        RawClient observer = broker.rawSubscriber("observer", true, "#", 1);
        RawClient early = broker.raw().send(Bytes.publish("early/t", 1, true, false, 1, utf8("sneaky")));
        early.expectClosed();
        observer.send(Bytes.pingreq());
        assertThat(observer.read().hex()).as("nothing delivered").isEqualTo("D0 ");
        RawClient late = broker.rawSubscriber("late", true, "early/#", 1);
        late.send(Bytes.pingreq());
        assertThat(late.read().hex()).as("nothing retained").isEqualTo("D0 ");
    }

    @Test
    @DisplayName("[MQTT-3.1.0-2] a second CONNECT closes the connection: no second CONNACK, the will is published")
    void secondConnectIsAProtocolViolation() {
        RawClient observer = broker.rawSubscriber("observer", true, "will/#", 0);
        RawClient client = broker.raw();
        client.send(Bytes.connectWithWill("twice", false, 0, "will/twice", utf8("bye"), 0, false));
        client.expectConnAck(false, 0);
        client.send(Bytes.connect("twice", false, 0));
        client.expectClosed();
        RawPacket will = observer.expectPublish();
        assertThat(will.topic()).isEqualTo("will/twice");
        assertThat(will.payloadString()).isEqualTo("bye");
    }

    @Test
    @DisplayName("[MQTT-3.1.0-2] a second CONNECT pipelined with the first: one CONNACK, then closed")
    void pipelinedSecondConnect() {
        RawClient client = broker.raw();
        client.send(Bytes.concat(Bytes.connect("dbl", true, 0), Bytes.connect("other", true, 0), Bytes.pingreq()));
        client.expectConnAck(false, 0);
        client.expectClosed();
        assertThat(broker.engine().sessions().get("other")).isNull();
    }

    @ParameterizedTest(name = "[MQTT-3.1.2-2] {0} level {1}: CONNACK 20 02 00 01, then closed")
    @CsvSource({"MQTT, 0", "MQTT, 3", "MQTT, 5", "MQTT, 255", "MQIsdp, 4", "MQIsdp, 0"})
    @DisplayName("[MQTT-3.1.2-2] unsupported protocol level: CONNACK 0x01, then closed")
    void unsupportedProtocolLevel(String name, int level) {
        RawClient client = broker.raw().send(connect(name, level, 0x02, 0, Bytes.of().str("lvl").build()));
        client.expectConnAck(false, 1);
        client.expectClosed();
        assertThat(broker.engine().sessions().get("lvl")).isNull();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-1] CHOICE: MQIsdp level 3 (MQTT 3.1) is accepted and works; the name is checked exactly")
    void mqtt31IsAccepted() {
        RawClient old = broker.raw().send(connect("MQIsdp", 3, 0x02, 0, Bytes.of().str("v31").build()));
        old.expectConnAck(false, 0);
        old.subscribe(1, "v31/t", 1);
        RawClient pub = broker.rawConnected("pub", true, false);
        pub.send(Bytes.publish("v31/t", 1, 5, "hello 3.1"));
        assertThat(pub.read().hex()).isEqualTo("40 0005");
        RawPacket got = old.expectPublish();
        assertThat(got.topic()).isEqualTo("v31/t");
        assertThat(got.payloadString()).isEqualTo("hello 3.1");

        RawClient wrongCase = broker.raw().send(connect("MQISDP", 3, 0x02, 0, Bytes.of().str("v31b").build()));
        wrongCase.expectClosed();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-1] CHOICE: an MQTT 3.1 client with an empty client id gets CONNACK 0x02, then closed "
            + "(3.1 ids are 1 to 23 characters), while a 3.1.1 client with one is accepted")
    void mqtt31EmptyClientIdIsRejected() {
        RawClient old = broker.raw().send(connect("MQIsdp", 3, 0x02, 0, Bytes.of().str("").build()));
        old.expectConnAck(false, 2);
        old.expectClosed();
        assertThat(broker.engine().sessions().size()).isZero();

        RawClient current = broker.raw().send(connect("MQTT", 4, 0x02, 0, Bytes.of().str("").build()));
        current.expectConnAck(false, 0);
    }

    @Test
    @DisplayName("[MQTT-3.1.4-1] after a batch of malformed CONNECTs another client still connects, publishes and receives")
    void healthyClientUnaffectedByMalformedConnects() {
        RawClient before = broker.rawSubscriber("before", true, "h/#", 1);
        List<RawClient> bad = malformedConnects()
                .map(args -> broker.raw().send((byte[]) args.get()[2]))
                .toList();
        bad.forEach(RawClient::expectClosed);

        RawClient after = broker.rawSubscriber("after", true, "h/#", 1);
        RawClient pub = broker.rawConnected("pub", true, false);
        pub.send(Bytes.publish("h/1", 1, 9, "still fine"));
        assertThat(pub.read().hex()).isEqualTo("40 0009");
        assertThat(before.expectPublish().payloadString()).isEqualTo("still fine");
        assertThat(after.expectPublish().payloadString()).isEqualTo("still fine");
        assertThat(broker.engine().sessions().size()).isEqualTo(3);
    }
}
