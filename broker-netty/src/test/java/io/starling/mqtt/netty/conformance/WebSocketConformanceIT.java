package io.starling.mqtt.netty.conformance;

import static io.starling.mqtt.netty.support.Bytes.utf8;
import static io.starling.mqtt.netty.support.RawWebSocketClient.BINARY;
import static io.starling.mqtt.netty.support.RawWebSocketClient.CONTINUATION;
import static io.starling.mqtt.netty.support.RawWebSocketClient.TEXT;
import static io.starling.mqtt.netty.support.RawWebSocketClient.frame;
import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.api.Listener;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import io.starling.mqtt.netty.support.RawWebSocketClient;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Section 6, MQTT over WebSocket, at the byte level: a hand-written WebSocket client sends frames cut exactly as each
 * test says and reads the server's frames one by one.
 */
@Timeout(60)
class WebSocketConformanceIT {
    private static final String WS = "ws";

    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.started(c -> c.listener(Listener.webSocket(WS, "127.0.0.1", 0)));

    private RawWebSocketClient ws() {
        return broker.track(RawWebSocketClient.connected(broker.broker().port(WS)));
    }

    private RawWebSocketClient wsConnected(String clientId) {
        RawWebSocketClient client = ws();
        client.sendBinary(Bytes.connect(clientId, true, 0));
        assertThat(client.readPacket().hex()).as("CONNACK").isEqualTo("20 0000");
        return client;
    }

    // ---- binary frames only ----

    @Test
    @DisplayName("[MQTT-6.0.0-1] every frame the server sends is binary (opcode 0x2): CONNACK, SUBACK, PUBLISH, PUBACK, PINGRESP")
    void serverSendsBinaryFramesOnly() {
        RawWebSocketClient client = wsConnected("ws-binary");
        client.sendBinary(Bytes.subscribe(1, "ws/binary", 1));
        assertThat(client.readPacket().hex()).isEqualTo("90 000101");
        client.sendBinary(Bytes.publish("ws/binary", 1, 7, "hello"));
        List<RawPacket> answers = List.of(client.readPacket(), client.readPacket());
        assertThat(answers).extracting(RawPacket::firstByte).containsExactlyInAnyOrder(0x40, 0x32);
        RawPacket publish = answers.stream().filter(RawPacket::isPublish).findFirst().orElseThrow();
        assertThat(publish.payloadString()).isEqualTo("hello");
        client.sendBinary(Bytes.puback(publish.publishId()), Bytes.pingreq());
        assertThat(client.readPacket().hex()).isEqualTo("D0 ");
        assertThat(client.serverOpcodes()).as("opcodes of the server's frames").isNotEmpty().containsOnly(BINARY);
    }

    @Test
    @DisplayName("[MQTT-6.0.0-1] a text frame after CONNECT closes the connection (close 1003, no PINGRESP); the will is published")
    void textFrameAfterConnectCloses() {
        RawClient watcher = broker.rawSubscriber("ws-will-watcher", true, "ws/will", 0);
        RawWebSocketClient client = ws();
        client.sendBinary(Bytes.connectWithWill("ws-text", true, 0, "ws/will", utf8("gone"), 0, false));
        assertThat(client.readPacket().hex()).isEqualTo("20 0000");
        // A well-formed PINGREQ, but in a text frame: the server must not answer it.
        client.sendFrame(true, TEXT, Bytes.pingreq());
        assertThat(client.expectClosed()).as("close status: unsupported data").isEqualTo(1003);
        assertThat(watcher.expectPublish().payloadString()).as("will of a connection closed for a violation")
                .isEqualTo("gone");
    }

    @Test
    @DisplayName("[MQTT-6.0.0-1] a text frame holding a CONNECT gets no CONNACK, only the close")
    void textFrameBeforeConnectCloses() {
        RawWebSocketClient client = ws();
        client.sendFrame(true, TEXT, Bytes.connect("ws-text-connect", true, 0));
        assertThat(client.expectClosed()).isEqualTo(1003);
        assertThat(client.serverOpcodes()).as("nothing but the close frame").containsExactly(RawWebSocketClient.CLOSE);
        broker.rawConnected("after-text", true).assertNothingDelivered();
    }

    // ---- frame boundaries carry no meaning ----

    @ParameterizedTest(name = "as {0}")
    @ValueSource(strings = {"three messages", "one fragmented message"})
    @DisplayName("[MQTT-6.0.0-2] a CONNECT split over three frames gets its CONNACK")
    void connectSplitOverThreeFrames(String how) {
        byte[] connect = Bytes.connect("ws-split-connect", true, 0);
        // Cut inside the fixed header's length byte's neighbourhood and inside the protocol name.
        byte[] a = Arrays.copyOfRange(connect, 0, 1);
        byte[] b = Arrays.copyOfRange(connect, 1, 5);
        byte[] c = Arrays.copyOfRange(connect, 5, connect.length);
        RawWebSocketClient client = ws();
        if (how.equals("three messages")) {
            client.sendFrame(true, BINARY, a).sendFrame(true, BINARY, b).sendFrame(true, BINARY, c);
        } else {
            client.sendFrame(false, BINARY, a).sendFrame(false, CONTINUATION, b).sendFrame(true, CONTINUATION, c);
        }
        assertThat(client.readPacket().hex()).as("CONNACK").isEqualTo("20 0000");
        client.sendBinary(Bytes.pingreq());
        assertThat(client.readPacket().hex()).isEqualTo("D0 ");
    }

    @Test
    @DisplayName("[MQTT-6.0.0-2] one frame holding CONNECT + SUBSCRIBE + PUBLISH + PINGREQ: every packet is answered")
    void severalPacketsInOneFrame() {
        RawWebSocketClient client = ws();
        client.sendRaw(frame(true, BINARY, Bytes.concat(
                Bytes.connect("ws-coalesced", true, 0),
                Bytes.subscribe(1, "ws/coalesced", 1),
                Bytes.publish("ws/coalesced", 1, 2, "one frame"),
                Bytes.pingreq())));
        assertThat(client.readPacket().hex()).as("CONNACK").isEqualTo("20 0000");
        assertThat(client.readPacket().hex()).as("SUBACK").isEqualTo("90 000101");
        List<RawPacket> rest = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            rest.add(client.readPacket());
        }
        assertThat(rest).extracting(RawPacket::firstByte).as("PUBACK, the delivery and PINGRESP")
                .containsExactlyInAnyOrder(0x40, 0x32, 0xD0);
        assertThat(rest.stream().filter(p -> p.firstByte() == 0x40).findFirst().orElseThrow().hex())
                .isEqualTo("40 0002");
        assertThat(rest.stream().filter(RawPacket::isPublish).findFirst().orElseThrow().payloadString())
                .isEqualTo("one frame");
        assertThat(rest.get(2).hex()).as("PINGRESP answers last, after the packets before it").isEqualTo("D0 ");
    }

    @Test
    @DisplayName("[MQTT-6.0.0-2] packets cut at random points across frames, each frame ending inside the next packet, arrive whole and in order")
    void packetsCutAtRandomPoints() {
        RawWebSocketClient subscriber = wsConnected("ws-cut-sub");
        subscriber.sendBinary(Bytes.subscribe(1, "ws/cut/#", 0));
        assertThat(subscriber.readPacket().hex()).isEqualTo("90 000100");

        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(Bytes.connect("ws-cut-pub", true, 0));
        List<String> payloads = new ArrayList<>();
        Random random = new Random(42);
        for (int i = 0; i < 40; i++) {
            // Sizes around the 127/128 boundary of the remaining length's first byte, and bigger.
            byte[] payload = new byte[random.nextInt(400)];
            Arrays.fill(payload, (byte) ('a' + i % 26));
            payloads.add(new String(payload, java.nio.charset.StandardCharsets.US_ASCII));
            stream.writeBytes(Bytes.publish("ws/cut/" + i, 0, false, false, 0, payload));
        }
        byte[] all = stream.toByteArray();
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        int at = 0;
        while (at < all.length) {
            int size = Math.min(all.length - at, 1 + random.nextInt(97));
            frames.writeBytes(frame(true, BINARY, Arrays.copyOfRange(all, at, at + size)));
            at += size;
        }
        RawWebSocketClient publisher = ws();
        publisher.sendRaw(frames.toByteArray());
        assertThat(publisher.readPacket().hex()).as("CONNACK").isEqualTo("20 0000");
        for (int i = 0; i < payloads.size(); i++) {
            RawPacket p = subscriber.readPacket();
            assertThat(p.topic()).isEqualTo("ws/cut/" + i);
            assertThat(p.payloadString()).isEqualTo(payloads.get(i));
        }
    }

    @Test
    @DisplayName("[MQTT-6.0.0-2] a PUBLISH larger than one server frame reaches a WebSocket subscriber whole")
    void largePublishReachesWebSocketSubscriber() {
        RawWebSocketClient subscriber = wsConnected("ws-large-sub");
        subscriber.sendBinary(Bytes.subscribe(1, "ws/large", 1));
        assertThat(subscriber.readPacket().hex()).isEqualTo("90 000101");
        byte[] payload = new byte[200_000];
        new Random(7).nextBytes(payload);
        RawClient publisher = broker.rawConnected("ws-large-pub", true);
        publisher.send(Bytes.publish("ws/large", 1, false, false, 3, payload));
        publisher.expectAck(0x40, 3);
        RawPacket delivered = subscriber.readPacket();
        assertThat(delivered.topic()).isEqualTo("ws/large");
        assertThat(delivered.payload()).isEqualTo(payload);
        assertThat(subscriber.serverOpcodes()).containsOnly(BINARY);
    }

    // ---- the mqtt subprotocol ----

    @ParameterizedTest(name = "offered: {0}")
    @ValueSource(strings = {"mqtt", "chat, mqtt", "mqtt, mqttv3.1"})
    @DisplayName("[MQTT-6.0.0-4] the handshake selects and returns the subprotocol mqtt")
    void selectsMqttSubprotocol(String offered) {
        RawWebSocketClient client = broker.track(RawWebSocketClient.upgrade(broker.broker().port(WS))
                .subprotocol(offered).open());
        assertThat(client.response().status()).isEqualTo(101);
        assertThat(client.response().header("Sec-WebSocket-Protocol")).isEqualTo("mqtt");
        client.sendBinary(Bytes.connect("ws-subprotocol", true, 0));
        assertThat(client.readPacket().hex()).isEqualTo("20 0000");
    }

    @Test
    @DisplayName("[MQTT-6.0.0-4] an MQTT 3.1 client offering mqttv3.1 gets mqttv3.1")
    void selectsMqttV31ForOldClients() {
        RawWebSocketClient client = broker.track(RawWebSocketClient.upgrade(broker.broker().port(WS))
                .subprotocol("mqttv3.1").open());
        assertThat(client.response().status()).isEqualTo(101);
        assertThat(client.response().header("Sec-WebSocket-Protocol")).isEqualTo("mqttv3.1");
    }

    @ParameterizedTest(name = "offered: {0}")
    @ValueSource(strings = {"(none)", "chat", "MQTT"})
    @DisplayName("[MQTT-6.0.0-4] CHOICE: a client that does not offer mqtt is refused with 400 before any MQTT byte")
    void refusesClientsNotOfferingMqtt(String offered) {
        RawWebSocketClient client = broker.track(RawWebSocketClient.upgrade(broker.broker().port(WS))
                .subprotocol(offered.equals("(none)") ? null : offered).open());
        assertThat(client.response().status()).isEqualTo(400);
        assertThat(client.response().body()).contains("no MQTT subprotocol offered");
        assertThat(client.response().header("Sec-WebSocket-Protocol")).as("the subprotocols that would work")
                .isEqualTo("mqtt,mqttv3.1");
        client.expectHttpClose();
    }

    @Test
    @DisplayName("[MQTT-7.1.1-1] WebSocket too carries an ordered, lossless stream: 500 QoS 0 messages arrive in order")
    void orderedOverWebSocket() {
        RawWebSocketClient subscriber = wsConnected("ws-order-sub");
        subscriber.sendBinary(Bytes.subscribe(1, "ws/order", 0));
        assertThat(subscriber.readPacket().hex()).isEqualTo("90 000100");
        RawWebSocketClient publisher = wsConnected("ws-order-pub");
        for (int i = 0; i < 500; i++) {
            publisher.sendBinary(Bytes.publish("ws/order", 0, false, false, 0, utf8(Integer.toString(i))));
        }
        for (int i = 0; i < 500; i++) {
            assertThat(subscriber.readPacket().payloadString()).isEqualTo(Integer.toString(i));
        }
    }
}
