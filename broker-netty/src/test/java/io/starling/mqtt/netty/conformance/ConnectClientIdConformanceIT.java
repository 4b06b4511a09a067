package io.starling.mqtt.netty.conformance;

import static io.starling.mqtt.netty.conformance.ConnectConformanceSupport.repeat;
import static io.starling.mqtt.netty.support.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.api.AuthenticationResult;
import io.starling.mqtt.api.Credentials;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import io.starling.mqtt.session.Session;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Section 3.1.3.1 client identifiers, 3.1.4-4 acceptance of well-formed CONNECTs, and maximum-length fields. */
@Timeout(30)
class ConnectClientIdConformanceIT {
    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    @ParameterizedTest(name = "[MQTT-3.1.3-5] client id \"{0}\": CONNACK 20 02 00 00")
    @ValueSource(strings = {"a", "ZZZZZZZZZZZZZZZZZZZZZZZ", "0123456789abcdefghijABC", "z9"})
    @DisplayName("[MQTT-3.1.3-5] client ids of 1 to 23 characters from 0-9a-zA-Z are accepted")
    void shortAlphanumericIdsAreAccepted(String clientId) {
        broker.start();
        RawClient client = broker.raw().send(Bytes.connect(clientId, false, 0));
        client.expectConnAck(false, 0);
        assertThat(broker.engine().sessions().get(clientId)).isNotNull();
        client.send(Bytes.pingreq());
        assertThat(client.read().hex()).isEqualTo("D0 ");
    }

    @ParameterizedTest(name = "[MQTT-3.1.3-5] CHOICE: client id \"{0}\" accepted")
    @ValueSource(strings = {"with space/slash+plus#hash", "ümlaut-温度-😀", "$dollar", "-_.:;"})
    @DisplayName("[MQTT-3.1.3-5] CHOICE: other characters are accepted too")
    void otherCharactersAreAccepted(String clientId) {
        broker.start();
        RawClient client = broker.raw().send(Bytes.connect(clientId, true, 0));
        client.expectConnAck(false, 0);
        assertThat(broker.engine().sessions().get(clientId)).isNotNull();
    }

    @Test
    @DisplayName("[MQTT-3.1.3-6] two concurrent empty-id clean-session clients: both accepted, distinct generated ids, "
            + "neither displaces the other")
    void emptyIdsGetUniqueGeneratedIds() {
        broker.start();
        RawClient first = broker.raw().send(Bytes.connect("", true, 0));
        first.expectConnAck(false, 0);
        RawClient second = broker.raw().send(Bytes.connect("", true, 0));
        second.expectConnAck(false, 0);

        List<String> ids = broker.engine().sessions().sessions().stream().map(Session::clientId).toList();
        assertThat(ids).hasSize(2).doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).matches("starling-[0-9a-f-]{36}"));

        // Both work as if they had sent their id: subscribe and receive.
        first.subscribe(1, "e/1", 1);
        second.subscribe(1, "e/2", 1);
        RawClient pub = broker.rawConnected("pub", true, false);
        pub.send(Bytes.publish("e/1", 1, 1, "one"), Bytes.publish("e/2", 1, 2, "two"));
        assertThat(first.expectPublish().payloadString()).isEqualTo("one");
        assertThat(second.expectPublish().payloadString()).isEqualTo("two");
    }

    @Test
    @DisplayName("[MQTT-3.1.3-8] empty client id with clean session 0: CONNACK 20 02 00 02, then closed")
    void emptyIdWithPersistentSessionIsRefused() {
        broker.start();
        RawClient client = broker.raw().send(Bytes.connect("", false, 0));
        client.expectConnAck(false, 2);
        client.expectClosed();
        assertThat(broker.engine().sessions().size()).isZero();
    }

    static Stream<Arguments> refusedIds() {
        return Stream.of(
                Arguments.of("257 ASCII bytes (default limit 256)", repeat('x', 257), false),
                Arguments.of("129 x U+00E9 = 258 bytes (limit counts bytes)", repeat('é', 129), false),
                Arguments.of("empty id, clean session, allowZeroLengthClientId(false)", "", true),
                Arguments.of("24 bytes with maxClientIdLength(23)", repeat('y', 24), true));
    }

    @ParameterizedTest(name = "[MQTT-3.1.3-9] {0}: CONNACK 20 02 00 02, then closed")
    @MethodSource("refusedIds")
    @DisplayName("[MQTT-3.1.3-9] client ids refused by policy: CONNACK 0x02, then closed")
    void idsRefusedByPolicy(String what, String clientId, boolean strict) {
        broker.start(c -> {
            if (strict) {
                c.allowZeroLengthClientId(false).maxClientIdLength(23);
            }
        });
        RawClient client = broker.raw().send(Bytes.connect(clientId, true, 0));
        client.expectConnAck(false, 2);
        client.expectClosed();
        assertThat(broker.engine().sessions().size()).isZero();
    }

    @Test
    @DisplayName("[MQTT-3.1.3-9] CHOICE: ids at the limit are accepted: 256 ASCII bytes, 128 x U+00E9")
    void idsAtTheLimitAreAccepted() {
        broker.start();
        broker.raw().send(Bytes.connect(repeat('x', 256), true, 0)).expectConnAck(false, 0);
        broker.raw().send(Bytes.connect(repeat('é', 128), true, 0)).expectConnAck(false, 0);
    }

    static Stream<Arguments> wellFormedConnects() {
        byte[] will = utf8("w");
        return Stream.of(
                Arguments.of("clean session, nothing else", Bytes.connect("c1", true, 0)),
                Arguments.of("clean session 0, fresh id", Bytes.connect("c2", false, 0)),
                Arguments.of("keep alive 65535", Bytes.connect("c3", true, 65_535)),
                Arguments.of("will QoS 0", Bytes.connectWithWill("c4", true, 0, "w/t", will, 0, false)),
                Arguments.of("will QoS 1 retained", Bytes.connectWithWill("c5", true, 0, "w/t", will, 1, true)),
                Arguments.of("will QoS 2", Bytes.connectWithWill("c6", true, 0, "w/t", will, 2, false)),
                Arguments.of("empty will message", Bytes.connectWithWill("c7", true, 0, "w/t", new byte[0], 0, false)),
                Arguments.of("user name only", Bytes.connect(0x82, 0, Bytes.of().str("c8").str("user").build())),
                Arguments.of("empty user name", Bytes.connect(0x82, 0, Bytes.of().str("c9").str("").build())),
                Arguments.of("user name and password",
                        Bytes.connect(0xC2, 0, Bytes.of().str("c10").str("user").str("pw").build())),
                Arguments.of("user name and empty password",
                        Bytes.connect(0xC2, 0, Bytes.of().str("c11").str("user").str("").build())),
                Arguments.of("all five fields, will QoS 2 retained",
                        Bytes.connect(0xF6, 10, Bytes.of().str("c12").str("w/t").str("m").str("u").str("p").build())));
    }

    @ParameterizedTest(name = "[MQTT-3.1.4-4] {0}: CONNACK 20 02 00 00")
    @MethodSource("wellFormedConnects")
    @DisplayName("[MQTT-3.1.4-4] a well-formed CONNECT is accepted with CONNACK return code 0")
    void wellFormedConnectIsAccepted(String what, byte[] connect) {
        broker.start();
        RawClient client = broker.raw().send(connect);
        client.expectConnAck(false, 0);
        client.send(Bytes.pingreq());
        assertThat(client.read().hex()).isEqualTo("D0 ");
    }

    @Test
    @DisplayName("[MQTT-3.1.3-1] [MQTT-3.1.4-4] 65535-byte client id, will message, user name and password in one "
            + "CONNECT: accepted and read in order, intact")
    void maximumLengthFields() {
        AtomicReference<Credentials> seen = new AtomicReference<>();
        broker.start(c -> c.maxClientIdLength(65_535).authenticator(credentials -> {
            seen.set(credentials);
            return CompletableFuture.completedFuture(AuthenticationResult.ACCEPTED);
        }));
        String clientId = repeat('c', 65_535);
        String userName = repeat('u', 65_535);
        byte[] willMessage = new byte[65_535];
        byte[] password = new byte[65_535];
        for (int i = 0; i < willMessage.length; i++) {
            willMessage[i] = (byte) (i % 251);
            password[i] = (byte) (i % 241);
        }
        RawClient observer = broker.rawSubscriber("observer", true, "big/#", 1);
        RawClient big = broker.raw();
        big.send(Bytes.connect(0xCE, 0, Bytes.of().str(clientId).str("big/will").field(willMessage)
                .str(userName).field(password).build()));
        big.expectConnAck(false, 0);
        assertThat(seen.get().client().clientId()).isEqualTo(clientId);
        assertThat(seen.get().client().username()).isEqualTo(userName);
        assertThat(seen.get().password()).isEqualTo(password);
        assertThat(broker.engine().sessions().get(clientId)).isNotNull();

        big.close();
        RawPacket will = observer.expectPublish();
        assertThat(will.topic()).isEqualTo("big/will");
        assertThat(will.qos()).isEqualTo(1);
        assertThat(will.payload()).isEqualTo(willMessage);
    }
}
