package io.starling.mqtt.netty.ws;

import static io.starling.mqtt.netty.support.Bytes.utf8;
import static io.starling.mqtt.netty.support.RawWebSocketClient.BINARY;
import static io.starling.mqtt.netty.support.RawWebSocketClient.PING;
import static io.starling.mqtt.netty.support.RawWebSocketClient.PONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.AuthenticationResult;
import io.starling.mqtt.api.Authorizer;
import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.api.Credentials;
import io.starling.mqtt.api.Listener;
import io.starling.mqtt.api.WebSocketSettings;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.Paho;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawWebSocketClient;
import io.starling.mqtt.topic.TopicFilter;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The WebSocket listener as an operator configures it: path, origin checks, clients behind a proxy, and the limits,
 * authentication and authorization every listener has; Paho's own WebSocket transport against it.
 */
@Timeout(60)
class WebSocketListenerIT {
    private static final String WS = "ws";

    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    private int start(WebSocketSettings settings) {
        broker.start(c -> c.listener(Listener.webSocket(WS, "127.0.0.1", 0, settings)));
        return broker.broker().port(WS);
    }

    private RawWebSocketClient open(RawWebSocketClient.Upgrade upgrade) {
        return broker.track(upgrade.open());
    }

    private static void connectAndPing(RawWebSocketClient client, String clientId) {
        client.sendBinary(Bytes.connect(clientId, true, 0));
        assertThat(client.readPacket().hex()).as("CONNACK").isEqualTo("20 0000");
        client.sendBinary(Bytes.pingreq());
        assertThat(client.readPacket().hex()).as("PINGRESP").isEqualTo("D0 ");
    }

    // ---- path ----

    @Test
    @DisplayName("uri() is ws://host:port/path; the path may carry a query string; any other path gets 404 and a close")
    void path() {
        int port = start(WebSocketSettings.defaults().withPath("/broker/mqtt"));
        assertThat(broker.broker().uri(WS)).isEqualTo("ws://127.0.0.1:" + port + "/broker/mqtt");
        connectAndPing(open(RawWebSocketClient.upgrade(port).path("/broker/mqtt?token=abc")), "ws-query");
        for (String wrong : List.of("/mqtt", "/broker/mqtt/", "/broker/mqttx", "/")) {
            RawWebSocketClient refused = open(RawWebSocketClient.upgrade(port).path(wrong));
            assertThat(refused.response().status()).as("status for " + wrong).isEqualTo(404);
            assertThat(refused.response().body()).contains("is not the MQTT path /broker/mqtt");
            refused.expectHttpClose();
        }
    }

    @Test
    @DisplayName("requests that are not WebSocket upgrades (plain GET, POST, no key) get 400 and a close")
    void notAnUpgrade() {
        int port = start(WebSocketSettings.defaults());
        List<RawWebSocketClient.Upgrade> requests = List.of(
                RawWebSocketClient.upgrade(port).header("Upgrade", null).header("Connection", null),
                RawWebSocketClient.upgrade(port).method("POST"),
                RawWebSocketClient.upgrade(port).header("Sec-WebSocket-Key", null));
        for (RawWebSocketClient.Upgrade request : requests) {
            RawWebSocketClient refused = open(request);
            assertThat(refused.response().status()).isEqualTo(400);
            assertThat(refused.response().body()).contains("not a WebSocket upgrade request");
            refused.expectHttpClose();
        }
    }

    @Test
    @DisplayName("an MQTT client on the WebSocket port gets an HTTP 400 and a close; the broker keeps serving")
    void mqttBytesOnTheWebSocketPort() throws IOException {
        int port = start(WebSocketSettings.defaults());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(Bytes.connect("wrong-port", true, 0));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 400 Bad Request");
        }
        connectAndPing(open(RawWebSocketClient.upgrade(port)), "after-garbage");
    }

    // ---- origins ----

    @Test
    @DisplayName("allowed origins: a listed origin (any case) is upgraded, another gets 403, a request without Origin (not a browser) is upgraded")
    void origins() {
        int port = start(WebSocketSettings.defaults().withAllowedOrigins(List.of("https://app.example.com/")));
        connectAndPing(open(RawWebSocketClient.upgrade(port).origin("https://app.example.com")), "ws-origin-ok");
        connectAndPing(open(RawWebSocketClient.upgrade(port).origin("HTTPS://APP.EXAMPLE.COM")), "ws-origin-case");
        connectAndPing(open(RawWebSocketClient.upgrade(port)), "ws-no-origin");
        for (String origin : List.of("https://evil.example.com", "http://app.example.com", "null")) {
            RawWebSocketClient refused = open(RawWebSocketClient.upgrade(port).origin(origin));
            assertThat(refused.response().status()).as("status for origin " + origin).isEqualTo(403);
            assertThat(refused.response().body()).contains("origin " + origin + " is not allowed");
            refused.expectHttpClose();
        }
    }

    @Test
    @DisplayName("no allowed origins configured: every origin is upgraded")
    void anyOriginByDefault() {
        int port = start(WebSocketSettings.defaults());
        connectAndPing(open(RawWebSocketClient.upgrade(port).origin("https://anywhere.example")), "ws-any-origin");
    }

    // ---- client address ----

    @Test
    @DisplayName("X-Forwarded-For from a trusted proxy names the client; the same header from anyone else is ignored")
    void forwardedFor() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        broker.start(c -> c
                .listener(Listener.webSocket("proxied", "127.0.0.1", 0,
                        WebSocketSettings.defaults().withTrustedProxies(List.of("127.0.0.1"))))
                .listener(Listener.webSocket("direct", "127.0.0.1", 0))
                .authenticator(credentials -> {
                    seen.add(credentials.client().remoteAddress());
                    return CompletableFuture.completedFuture(AuthenticationResult.ACCEPTED);
                }));
        int proxied = broker.broker().port("proxied");
        // The rightmost address that is not a trusted proxy: what the proxy itself saw. The left entry is whatever
        // the client claimed and must not win.
        connectAndPing(open(RawWebSocketClient.upgrade(proxied)
                .header("X-Forwarded-For", "10.9.9.9, 203.0.113.7, 127.0.0.1")), "ws-fwd");
        assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo("203.0.113.7:0");
        connectAndPing(open(RawWebSocketClient.upgrade(proxied).header("X-Forwarded-For", "[2001:db8::5]:4711")),
                "ws-fwd-v6");
        assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo("2001:db8:0:0:0:0:0:5:0");
        connectAndPing(open(RawWebSocketClient.upgrade(proxied).header("X-Forwarded-For", "unknown")), "ws-fwd-junk");
        assertThat(seen.poll(5, TimeUnit.SECONDS)).as("no usable address: the TCP peer").startsWith("127.0.0.1:")
                .isNotEqualTo("127.0.0.1:0");
        connectAndPing(open(RawWebSocketClient.upgrade(broker.broker().port("direct"))
                .header("X-Forwarded-For", "203.0.113.7")), "ws-direct");
        assertThat(seen.poll(5, TimeUnit.SECONDS)).as("untrusted peer: the header is ignored")
                .startsWith("127.0.0.1:").isNotEqualTo("127.0.0.1:0");
    }

    // ---- the limits, authentication and authorization of every listener ----

    @Test
    @DisplayName("maxPacketSize applies across frames; a frame over the limit is refused with close 1009")
    void packetAndFrameLimits() {
        broker.start(c -> c.maxPacketSize(1024).listener(Listener.webSocket(WS, "127.0.0.1", 0)));
        int port = broker.broker().port(WS);
        RawWebSocketClient split = open(RawWebSocketClient.upgrade(port));
        split.sendBinary(Bytes.connect("ws-big-split", true, 0));
        assertThat(split.readPacket().hex()).isEqualTo("20 0000");
        byte[] big = Bytes.publish("ws/big", 0, false, false, 0, new byte[2000]);
        // Each frame is small; the packet they carry is over the limit.
        split.sendFrame(true, BINARY, java.util.Arrays.copyOfRange(big, 0, 600));
        split.sendFrame(true, BINARY, java.util.Arrays.copyOfRange(big, 600, big.length));
        split.expectClosed();

        RawWebSocketClient oneFrame = open(RawWebSocketClient.upgrade(port));
        oneFrame.sendFrame(true, BINARY, new byte[1024 + 5 + 1]);
        assertThat(oneFrame.expectClosed()).as("close status: message too big").isEqualTo(1009);
        connectAndPing(open(RawWebSocketClient.upgrade(port)), "ws-after-limits");
    }

    @Test
    @DisplayName("the CONNECT timeout covers the HTTP upgrade: a half-sent request, or an upgrade without CONNECT, is closed")
    void connectTimeoutCoversUpgrade() throws IOException {
        broker.start(c -> c.connectTimeout(Duration.ofMillis(400)).listener(Listener.webSocket(WS, "127.0.0.1", 0)));
        int port = broker.broker().port(WS);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET /mqtt HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertThat(in.read()).as("closed without an answer").isEqualTo(-1);
        }
        RawWebSocketClient silent = open(RawWebSocketClient.upgrade(port));
        assertThat(silent.response().status()).isEqualTo(101);
        silent.expectClosed();
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.stats().connectTimeouts() == 2);
    }

    @Test
    @DisplayName("maxConnections counts WebSocket connections too")
    void maxConnections() {
        broker.start(c -> c.maxConnections(1).listener(Listener.webSocket(WS, "127.0.0.1", 0)));
        int port = broker.broker().port(WS);
        RawWebSocketClient first = open(RawWebSocketClient.upgrade(port));
        first.sendBinary(Bytes.connect("ws-first", true, 0));
        assertThat(first.readPacket().hex()).isEqualTo("20 0000");
        RawWebSocketClient second = open(RawWebSocketClient.upgrade(port));
        assertThat(second.response().status()).as("closed before any HTTP answer").isZero();
        assertThat(broker.stats().connectionsOverLimit()).isEqualTo(1);
    }

    @Test
    @DisplayName("authentication and authorization apply as on TCP: anonymous refused (0x05), wrong password 0x04, ACL denies a subscription (0x80)")
    void authenticationAndAuthorization() {
        broker.start(c -> c.allowAnonymous(false)
                .listener(Listener.webSocket(WS, "127.0.0.1", 0))
                .authenticator((Credentials credentials) -> CompletableFuture.completedFuture(
                        "alice".equals(credentials.client().username()) && credentials.password() != null
                                && "secret".equals(new String(credentials.password(), StandardCharsets.UTF_8))
                                ? AuthenticationResult.ACCEPTED : AuthenticationResult.BAD_USERNAME_OR_PASSWORD))
                .authorizer(new Authorizer() {
                    @Override
                    public boolean canSubscribe(ClientInfo client, TopicFilter filter) {
                        return !filter.value().startsWith("secret/");
                    }
                }));
        int port = broker.broker().port(WS);
        RawWebSocketClient anonymous = open(RawWebSocketClient.upgrade(port));
        anonymous.sendBinary(Bytes.connect("ws-anon", true, 0));
        assertThat(anonymous.readPacket().hex()).isEqualTo("20 0005");
        anonymous.expectClosed();

        RawWebSocketClient wrong = open(RawWebSocketClient.upgrade(port));
        wrong.sendBinary(Bytes.connect(0xC2, 0, Bytes.of().str("ws-wrong").str("alice").str("nope").build()));
        assertThat(wrong.readPacket().hex()).isEqualTo("20 0004");
        wrong.expectClosed();

        RawWebSocketClient alice = open(RawWebSocketClient.upgrade(port));
        alice.sendBinary(Bytes.connect(0xC2, 0, Bytes.of().str("ws-alice").str("alice").str("secret").build()));
        assertThat(alice.readPacket().hex()).isEqualTo("20 0000");
        alice.sendBinary(Bytes.subscribe(1, "secret/plans", 0));
        assertThat(alice.readPacket().hex()).isEqualTo("90 000180");
        alice.sendBinary(Bytes.subscribe(2, "public/news", 0));
        assertThat(alice.readPacket().hex()).isEqualTo("90 000200");
    }

    @Test
    @DisplayName("a listener other hosts can reach (0.0.0.0) refuses anonymous WebSocket clients by default")
    void safeDefaultOnPublicAddress() {
        broker.start(c -> c.listener(Listener.webSocket(WS, "0.0.0.0", 0)));
        RawWebSocketClient anonymous = open(RawWebSocketClient.upgrade(broker.broker().port(WS)));
        anonymous.sendBinary(Bytes.connect("ws-public-anon", true, 0));
        assertThat(anonymous.readPacket().hex()).isEqualTo("20 0005");
    }

    // ---- WebSocket control frames ----

    @Test
    @DisplayName("a ping frame gets a pong with the same payload; a client close frame is answered and the will published")
    void controlFrames() {
        int port = start(WebSocketSettings.defaults());
        RawClient watcher = broker.rawSubscriber("ws-watch", true, "ws/will", 0);
        RawWebSocketClient client = open(RawWebSocketClient.upgrade(port));
        client.sendBinary(Bytes.connectWithWill("ws-ctl", true, 0, "ws/will", utf8("bye"), 0, false));
        assertThat(client.readPacket().hex()).isEqualTo("20 0000");
        client.sendFrame(true, PING, utf8("are you there"));
        RawWebSocketClient.Frame pong = client.readFrame();
        assertThat(pong.opcode()).isEqualTo(PONG);
        assertThat(new String(pong.payload(), StandardCharsets.UTF_8)).isEqualTo("are you there");
        client.sendFrame(true, RawWebSocketClient.CLOSE, new byte[] {0x03, (byte) 0xE8});
        assertThat(client.expectClosed()).as("the close echoed").isEqualTo(1000);
        assertThat(watcher.expectPublish().payloadString()).as("no DISCONNECT: the will goes out").isEqualTo("bye");
    }

    @Test
    @DisplayName("an unmasked client frame is a WebSocket protocol error: close 1002; the broker keeps serving")
    void unmaskedFrame() {
        int port = start(WebSocketSettings.defaults());
        RawWebSocketClient client = open(RawWebSocketClient.upgrade(port));
        client.sendRaw(Bytes.concat(new byte[] {(byte) 0x82, 0x02}, Bytes.pingreq()));
        assertThat(client.expectClosed()).isEqualTo(1002);
        connectAndPing(open(RawWebSocketClient.upgrade(port)), "ws-after-unmasked");
    }

    // ---- a real client's WebSocket transport ----

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(ints = {MqttConnectOptions.MQTT_VERSION_3_1_1, MqttConnectOptions.MQTT_VERSION_3_1})
    @DisplayName("Paho over ws:// exchanges QoS 0, 1 and 2 messages with a Paho client over TCP, both ways")
    void pahoOverWebSocket(int version) throws Exception {
        int port = start(WebSocketSettings.defaults());
        String wsUri = "ws://127.0.0.1:" + port + "/mqtt";
        try (Paho.Client web = Paho.connect(wsUri, "paho-ws", true, 60, o -> o.setMqttVersion(version));
             Paho.Client tcp = Paho.connect(broker.uri(), "paho-tcp", true)) {
            web.subscribe("to/web", 2);
            tcp.subscribe("to/tcp", 2);
            for (int qos = 0; qos <= 2; qos++) {
                tcp.publish("to/web", "tcp says " + qos, qos, false);
                web.publish("to/tcp", "web says " + qos, qos, false);
                Paho.Received atWeb = web.next();
                Paho.Received atTcp = tcp.next();
                assertThat(atWeb.text()).isEqualTo("tcp says " + qos);
                assertThat(atWeb.message().getQos()).isEqualTo(qos);
                assertThat(atTcp.text()).isEqualTo("web says " + qos);
                assertThat(atTcp.message().getQos()).isEqualTo(qos);
            }
            web.disconnect();
        }
    }
}
