package io.starling.mqtt.netty.conformance;

import static io.starling.mqtt.netty.conformance.ConnectConformanceSupport.connect;
import static io.starling.mqtt.netty.conformance.ConnectConformanceSupport.connectWithCredentials;
import static io.starling.mqtt.netty.support.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.api.AuthenticationResult;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Section 3.2 CONNACK: first packet, session-present flag, refusals (session-present 0, then close, nothing acted
 * on afterwards [MQTT-3.1.4-5]) and the silent close when no return code fits.
 */
@Timeout(30)
class ConnAckConformanceIT {
    /** Answers on another thread, 150 ms later. */
    private static final Executor LATER = CompletableFuture.delayedExecutor(150, TimeUnit.MILLISECONDS);

    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.started(
            c -> c.authenticator(credentials -> authenticate(credentials.client().username())));

    /** Decides by user name: the synchronous and asynchronous outcomes an authenticator can have. */
    private static CompletionStage<AuthenticationResult> authenticate(String userName) {
        if (userName == null) {
            return CompletableFuture.completedFuture(AuthenticationResult.ACCEPTED);
        }
        return switch (userName) {
            case "bad" -> CompletableFuture.completedFuture(AuthenticationResult.BAD_USERNAME_OR_PASSWORD);
            case "denied" -> CompletableFuture.completedFuture(AuthenticationResult.NOT_AUTHORIZED);
            case "late-bad" -> CompletableFuture.supplyAsync(() -> AuthenticationResult.BAD_USERNAME_OR_PASSWORD, LATER);
            case "late-denied" -> CompletableFuture.supplyAsync(() -> AuthenticationResult.NOT_AUTHORIZED, LATER);
            case "late-ok" -> CompletableFuture.supplyAsync(() -> AuthenticationResult.ACCEPTED, LATER);
            case "throws" -> throw new IllegalStateException("directory down");
            case "fails" -> CompletableFuture.failedFuture(new IllegalStateException("directory down"));
            case "late-fails" -> CompletableFuture.supplyAsync(() -> {
                throw new IllegalStateException("directory down");
            }, LATER);
            case "null-stage" -> null;
            default -> CompletableFuture.completedFuture(AuthenticationResult.ACCEPTED);
        };
    }

    /** Stores a clean-session-0 session for {@code clientId} subscribed to {@code filter} at QoS 1, then leaves. */
    private void storeSession(String clientId, String filter) {
        RawClient client = broker.raw().send(Bytes.connect(clientId, false, 0));
        client.expectConnAck(false, 0);
        client.subscribe(1, filter, 1);
        client.send(Bytes.disconnect());
        client.expectClosed();
    }

    private static byte[] asUser(String clientId, boolean cleanSession, String userName) {
        return connectWithCredentials(clientId, cleanSession, userName, utf8("secret"));
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("protocol level 3", connect("MQTT", 3, 0x00, 0, Bytes.of().str("stored").build()), 1),
                Arguments.of("empty id, clean session 0 (other id)", Bytes.connect("", false, 0), 2),
                Arguments.of("authenticator throws", asUser("stored", false, "throws"), 3),
                Arguments.of("authenticator stage failed", asUser("stored", false, "fails"), 3),
                Arguments.of("authenticator stage fails later on another thread", asUser("stored", false, "late-fails"), 3),
                Arguments.of("BAD_USERNAME_OR_PASSWORD, completed", asUser("stored", false, "bad"), 4),
                Arguments.of("BAD_USERNAME_OR_PASSWORD, later on another thread", asUser("stored", false, "late-bad"), 4),
                Arguments.of("NOT_AUTHORIZED, completed", asUser("stored", false, "denied"), 5),
                Arguments.of("NOT_AUTHORIZED, later on another thread", asUser("stored", false, "late-denied"), 5));
    }

    @ParameterizedTest(name = "[MQTT-3.2.2-4] [MQTT-3.2.2-5] {0}: 20 02 00 0{2}, then closed; stored session intact")
    @MethodSource("refusals")
    @DisplayName("[MQTT-3.2.2-4] [MQTT-3.2.2-5] every refusal has session-present 0, even for an id with a stored "
            + "session, and is followed by a close")
    void refusalHasSessionPresentZeroAndCloses(String what, byte[] connect, int code) {
        storeSession("stored", "st/t");
        RawClient client = broker.raw().send(connect, Bytes.pingreq());
        client.expectConnAck(false, code);
        client.expectClosed();

        RawClient back = broker.raw().send(Bytes.connect("stored", false, 0));
        back.expectConnAck(true, 0);
        RawClient pub = broker.rawConnected("pub", true, false);
        pub.send(Bytes.publish("st/t", 1, 1, "still subscribed"));
        assertThat(back.expectPublish().payloadString()).isEqualTo("still subscribed");
    }

    @ParameterizedTest(name = "[MQTT-3.1.4-5] {0} + retained PUBLISH + SUBSCRIBE in one write: only CONNACK 0{2}")
    @MethodSource("refusals")
    @DisplayName("[MQTT-3.1.4-5] after refusing a CONNECT the server acts on nothing the client sent after it")
    void nothingAfterARefusalIsActedOn(String what, byte[] connect, int code) {
        RawClient live = broker.rawSubscriber("live", true, "leak/#", 1);
        RawClient client = broker.raw().send(Bytes.concat(connect,
                Bytes.publish("leak/t", 1, true, false, 1, utf8("must not be kept")),
                Bytes.subscribe(2, "#", 1),
                Bytes.pingreq()));
        client.expectConnAck(false, code);
        client.expectClosed();

        live.assertNothingDelivered();
        RawClient late = broker.rawSubscriber("late", true, "leak/#", 1);
        late.assertNothingDelivered();
        assertThat(broker.engine().retained().size()).as("nothing retained").isZero();
    }

    @Test
    @DisplayName("[MQTT-3.2.2-6] an authenticator returning no answer at all (null) is unclassifiable: closed without "
            + "CONNACK; others unaffected")
    void unclassifiableFailureClosesWithoutConnAck() {
        RawClient client = broker.raw().send(asUser("nobody", true, "null-stage"), Bytes.pingreq());
        client.expectClosed();
        assertThat(broker.engine().sessions().get("nobody")).isNull();
        RawClient other = broker.rawConnected("other", true, false);
        other.assertNothingDelivered();
    }

    @ParameterizedTest(name = "[MQTT-3.2.2-6] user {0}: return code within 0..5")
    @ValueSource(strings = {"ok", "bad", "denied", "late-bad", "late-denied", "late-ok", "throws", "fails", "late-fails"})
    @DisplayName("[MQTT-3.2.2-6] no CONNACK carries a reserved return code 6..255")
    void returnCodesAreNeverReserved(String userName) {
        RawClient client = broker.raw().send(asUser("rc-" + userName, true, userName));
        RawPacket connAck = client.expect(0x20);
        assertThat(connAck.body()).hasSize(2);
        assertThat(connAck.body()[1] & 0xFF).isBetween(0, 5);
        assertThat(connAck.body()[0]).as("acknowledge flags of a clean session").isZero();
    }

    @ParameterizedTest(name = "[MQTT-3.2.0-1] user {0}: pipelined CONNECT + SUBSCRIBE + PINGREQ, CONNACK first")
    @ValueSource(strings = {"ok", "late-ok"})
    @DisplayName("[MQTT-3.2.0-1] CONNACK is the first packet even when SUBSCRIBE (with a retained match) and PINGREQ "
            + "arrive in the same write")
    void connAckIsFirstWhenPipelined(String userName) {
        RawClient retainer = broker.rawConnected("retainer", true, false);
        retainer.send(Bytes.publish("ret/t", 1, true, false, 1, utf8("retained")));
        assertThat(retainer.read().hex()).isEqualTo("40 0001");

        RawClient client = broker.raw().send(Bytes.concat(asUser("pipe", true, userName),
                Bytes.subscribe(7, "ret/#", 1), Bytes.pingreq()));
        client.expectConnAck(false, 0);
        List<RawPacket> rest = List.of(client.read(), client.read(), client.read());
        Set<String> types = rest.stream().map(p -> p.isPublish() ? "PUBLISH" : String.format("%02X", p.firstByte()))
                .collect(Collectors.toSet());
        assertThat(types).containsExactlyInAnyOrder("90", "PUBLISH", "D0");
        assertThat(rest).filteredOn(p -> p.firstByte() == 0x90).singleElement()
                .satisfies(p -> assertThat(p.hex()).isEqualTo("90 000701"));
        RawPacket retained = rest.stream().filter(RawPacket::isPublish).findFirst().orElseThrow();
        assertThat(retained.retain()).isTrue();
        assertThat(retained.payloadString()).isEqualTo("retained");
    }

    @ParameterizedTest(name = "[MQTT-3.2.0-1] user {0}: resumed session with queued messages, CONNACK first")
    @ValueSource(strings = {"ok", "late-ok"})
    @DisplayName("[MQTT-3.2.0-1] [MQTT-3.2.2-2] queued messages of a resumed session come after CONNACK 20 02 01 00")
    void connAckPrecedesQueuedMessages(String userName) {
        storeSession("queued", "qd/#");
        RawClient pub = broker.rawConnected("pub", true, false);
        pub.send(Bytes.publish("qd/1", 1, 1, "first"), Bytes.publish("qd/2", 1, 2, "second"));
        assertThat(pub.read().hex()).isEqualTo("40 0001");
        assertThat(pub.read().hex()).isEqualTo("40 0002");

        RawClient back = broker.raw().send(asUser("queued", false, userName), Bytes.pingreq());
        back.expectConnAck(true, 0);
        assertThat(back.expectPublish().payloadString()).isEqualTo("first");
        assertThat(back.expectPublish().payloadString()).isEqualTo("second");
        assertThat(back.read().hex()).isEqualTo("D0 ");
    }

    @Test
    @DisplayName("[MQTT-3.2.2-1] clean session 1 for an id with a stored session: CONNACK 20 02 00 00")
    void cleanSessionAcceptedWithSessionPresentZero() {
        storeSession("both", "b/t");
        broker.raw().send(Bytes.connect("both", true, 0)).expectConnAck(false, 0);
    }

    @ParameterizedTest(name = "[MQTT-3.2.2-2] user {0}: clean session 0 with stored state: CONNACK 20 02 01 00")
    @ValueSource(strings = {"ok", "late-ok"})
    @DisplayName("[MQTT-3.2.2-2] clean session 0 resuming stored state: session-present 1, after DISCONNECT, socket "
            + "drop and takeover")
    void resumedSessionHasSessionPresentOne(String userName) {
        storeSession("again", "a/t");
        RawClient afterDisconnect = broker.raw().send(asUser("again", false, userName));
        afterDisconnect.expectConnAck(true, 0);
        RawClient takeover = broker.raw().send(asUser("again", false, userName));
        takeover.expectConnAck(true, 0);
        afterDisconnect.expectClosed();
        takeover.close();
        RawClient afterDrop = broker.raw().send(asUser("again", false, userName));
        afterDrop.expectConnAck(true, 0);
    }

    @Test
    @DisplayName("[MQTT-3.2.2-3] clean session 0 without stored state: CONNACK 20 02 00 00, also after a clean "
            + "session of that id ended")
    void freshPersistentSessionHasSessionPresentZero() {
        broker.raw().send(Bytes.connect("fresh", false, 0)).expectConnAck(false, 0);
        RawClient clean = broker.raw().send(Bytes.connect("was-clean", true, 0));
        clean.expectConnAck(false, 0);
        clean.send(Bytes.disconnect());
        clean.expectClosed();
        broker.raw().send(Bytes.connect("was-clean", false, 0)).expectConnAck(false, 0);
    }
}
