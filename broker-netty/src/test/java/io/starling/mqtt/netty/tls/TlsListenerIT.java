package io.starling.mqtt.netty.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.ssl.OpenSsl;
import io.starling.mqtt.api.Listener;
import io.starling.mqtt.api.TlsSettings;
import io.starling.mqtt.api.TlsSettings.Provider;
import io.starling.mqtt.netty.StarlingBroker;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.Paho;
import io.starling.mqtt.netty.support.RawClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TLS listeners on real sockets: PEM and key store set-ups, protocol versions, what a non-TLS or stalling peer
 * gets, several listeners side by side, and start-up failures. The wire tests run with both TLS providers; the
 * OpenSSL runs are skipped (with the reason) where netty-tcnative does not load.
 */
@Timeout(60)
class TlsListenerIT {
    private static final String SECURE = "secure";

    @TempDir
    static Path dir;
    static TestPki pki;
    static SSLContext client;

    @BeforeAll
    static void makeCertificates() {
        pki = new TestPki(dir);
        pki.server();
        client = pki.clientContext(null);
    }

    private static void assumeAvailable(Provider provider) {
        if (provider == Provider.OPENSSL) {
            assumeThat(OpenSsl.isAvailable()).as("netty-tcnative not loadable here: %s", OpenSsl.unavailabilityCause())
                    .isTrue();
        }
    }

    private static TlsSettings.Builder pem(Provider provider) {
        return TlsSettings.pem(pki.server().chain(), pki.server().privateKey()).provider(provider);
    }

    /** The default plain listener on a free port plus a TLS listener "secure". */
    private static StarlingBroker broker(TlsSettings tls, Consumer<io.starling.mqtt.api.BrokerConfig.Builder> more) {
        return StarlingBroker.builder().port(0).configure(c -> {
            c.listener(Listener.tls(SECURE, "127.0.0.1", 0, tls));
            more.accept(c);
        }).start();
    }

    private static StarlingBroker broker(TlsSettings tls) {
        return broker(tls, c -> {});
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Provider.class, names = {"JDK", "OPENSSL"})
    @DisplayName("PEM listener: Paho connects over ssl:// and exchanges messages with a client on the plain listener")
    void pahoOverSsl(Provider provider) throws Exception {
        assumeAvailable(provider);
        try (StarlingBroker broker = broker(pem(provider).build())) {
            assertThat(broker.uri(SECURE)).isEqualTo("ssl://127.0.0.1:" + broker.port(SECURE));
            assertThat(broker.port(SECURE)).isNotEqualTo(broker.port());
            assertThat(broker.uri()).isEqualTo("tcp://127.0.0.1:" + broker.port());

            Paho.Client plain = Paho.connect(broker.uri(), "plain-sub", true);
            Paho.Client secure = Paho.connect(broker.uri(SECURE), "tls-sub", true, 60,
                    o -> o.setSocketFactory(client.getSocketFactory()));
            try (plain; secure) {
                plain.subscribe("t/#", 1);
                secure.subscribe("t/#", 1);
                secure.publish("t/from-tls", "over TLS", 1, false);
                plain.publish("t/from-plain", "in the clear", 1, false);
                // Both see both: one engine behind the two listeners.
                assertThat(List.of(plain.next().text(), plain.next().text()))
                        .containsExactlyInAnyOrder("over TLS", "in the clear");
                assertThat(List.of(secure.next().text(), secure.next().text()))
                        .containsExactlyInAnyOrder("over TLS", "in the clear");
            }
            assertThat(broker.tlsHandshakeFailures()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Provider.class, names = {"JDK", "OPENSSL"})
    @DisplayName("a PKCS#12 key store serves MQTT over TLS; the client sees the server certificate from the store")
    void keyStoreListener(Provider provider) throws Exception {
        assumeAvailable(provider);
        try (StarlingBroker broker = broker(TlsSettings.keyStore(pki.server().keyStore(), TestPki.PASSWORD)
                .provider(provider).build());
             TlsClient tls = TlsClient.connected(client, broker.port(SECURE), "from-store")) {
            assertThat(tls.serverCertificate()).isEqualTo(pki.server().x509());
            tls.ping();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Provider.class, names = {"JDK", "OPENSSL"})
    @DisplayName("TLS 1.3 and TLS 1.2 both negotiate and carry MQTT")
    void tls13And12(Provider provider) throws Exception {
        assumeAvailable(provider);
        try (StarlingBroker broker = broker(pem(provider).build())) {
            for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
                try (TlsClient tls = TlsClient.handshake(client, broker.port(SECURE), protocol)) {
                    assertThat(tls.session().getProtocol()).isEqualTo(protocol);
                    tls.send(Bytes.connect("v-" + protocol, true, 0)).expectConnAck(0);
                    tls.ping();
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Provider.class, names = {"JDK", "OPENSSL"})
    @DisplayName("a listener set to TLS 1.3 only refuses a TLS 1.2 client")
    void protocolsAsConfigured(Provider provider) throws Exception {
        assumeAvailable(provider);
        try (StarlingBroker broker = broker(pem(provider).protocols(List.of("TLSv1.3")).build())) {
            assertThatThrownBy(() -> TlsClient.handshake(client, broker.port(SECURE), "TLSv1.2").close())
                    .isInstanceOf(IOException.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> broker.tlsHandshakeFailures() == 1);
            try (TlsClient ok = TlsClient.handshake(client, broker.port(SECURE), "TLSv1.3")) {
                assertThat(ok.session().getProtocol()).isEqualTo("TLSv1.3");
            }
        }
    }

    /**
     * A TLS 1.0 or 1.1 ClientHello written byte by byte: the JDK client refuses to offer those versions at all
     * (jdk.tls.disabledAlgorithms), so an SSLSocket would fail on its own side and prove nothing about the server.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Provider.class, names = {"JDK", "OPENSSL"})
    @DisplayName("TLS 1.1 and TLS 1.0 ClientHellos are answered with a protocol_version alert and the connection closes")
    void oldProtocolsRefused(Provider provider) throws Exception {
        assumeAvailable(provider);
        try (StarlingBroker broker = broker(pem(provider).build())) {
            int failures = 0;
            for (int minor : new int[] {2, 1}) {
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), broker.port(SECURE))) {
                    socket.setSoTimeout(5000);
                    socket.getOutputStream().write(clientHello(minor));
                    byte[] alert = socket.getInputStream().readNBytes(7);
                    assertThat(alert).as("TLS 1.%d ClientHello answer", minor - 1).hasSize(7);
                    assertThat(alert[0]).as("record type alert").isEqualTo((byte) 0x15);
                    assertThat(alert[5]).as("level fatal").isEqualTo((byte) 2);
                    assertThat(alert[6]).as("protocol_version (70)").isEqualTo((byte) 70);
                    assertThat(socket.getInputStream().read()).as("then end of stream").isEqualTo(-1);
                }
                int expected = ++failures;
                await().atMost(Duration.ofSeconds(5)).until(() -> broker.tlsHandshakeFailures() == expected);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Provider.class, names = {"JDK", "OPENSSL"})
    @DisplayName("plain MQTT sent to the TLS port is closed without an answer, counted, and TLS clients are unaffected")
    void plainMqttOnTlsPort(Provider provider) throws Exception {
        assumeAvailable(provider);
        try (StarlingBroker broker = broker(pem(provider).build())) {
            try (TlsClient healthy = TlsClient.connected(client, broker.port(SECURE), "healthy");
                 RawClient plain = new RawClient(broker.port(SECURE))) {
                plain.send(Bytes.connect("plain-on-tls", true, 0));
                plain.expectClosed();
                await().atMost(Duration.ofSeconds(5)).until(() -> broker.tlsHandshakeFailures() == 1);
                healthy.ping();
                try (TlsClient another = TlsClient.connected(client, broker.port(SECURE), "another")) {
                    another.ping();
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Provider.class, names = {"JDK", "OPENSSL"})
    @DisplayName("a peer that never completes the handshake is closed at the CONNECT timeout (TLS slowloris)")
    void stalledHandshakeClosedAtConnectTimeout(Provider provider) throws Exception {
        assumeAvailable(provider);
        Duration connectTimeout = Duration.ofMillis(600);
        try (StarlingBroker broker = broker(pem(provider).build(), c -> c.connectTimeout(connectTimeout))) {
            // Silent, and then trickling: the first bytes of a record header that promises more than is ever sent.
            for (byte[] sent : List.of(new byte[0], new byte[] {0x16, 0x03, 0x01, 0x02})) {
                long before = broker.tlsHandshakeFailures();
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), broker.port(SECURE))) {
                    socket.setSoTimeout(10_000);
                    long started = System.nanoTime();
                    OutputStream out = socket.getOutputStream();
                    out.write(sent);
                    out.flush();
                    InputStream in = socket.getInputStream();
                    // Whatever arrives (at most an alert), the stream must end.
                    while (in.read() >= 0) {
                        // drain
                    }
                    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
                    assertThat(elapsedMillis).as("closed after the CONNECT timeout, not before, not much later")
                            .isBetween(connectTimeout.toMillis() - 100, connectTimeout.toMillis() + 4000);
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> broker.tlsHandshakeFailures() == before + 1);
            }
        }
    }

    /**
     * Ten rounds because the failure this guards against was intermittent: before close() closed connections
     * itself, about one round in five left a just-connected client's socket open after the event loops had ended.
     */
    @Test
    @DisplayName("close() ends every open connection, plain and TLS, at once, and leaves no thread (10 rounds)")
    void closeEndsPlainAndTlsConnections() throws Exception {
        for (int round = 0; round < 10; round++) {
            StarlingBroker broker = broker(pem(Provider.JDK).build());
            try (TlsClient tls = TlsClient.connected(client, broker.port(SECURE), "tls-" + round);
                 RawClient plain = RawClient.connected(broker.port(), "plain-" + round, true)) {
                long started = System.nanoTime();
                broker.close();
                assertThat((System.nanoTime() - started) / 1_000_000).as("close() millis").isLessThan(1000);
                assertThat(tls.closedWithin(Duration.ofSeconds(2))).as("TLS client closed, round %d", round).isTrue();
                plain.expectClosed(Duration.ofSeconds(2));
            }
        }
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(starlingThreads()).isEmpty());
    }

    @Test
    @DisplayName("listeners are looked up by name; an unknown name fails clearly; the plain one can be switched off")
    void listenersByName() throws Exception {
        try (StarlingBroker broker = broker(pem(Provider.JDK).build())) {
            assertThat(broker.boundAddress(SECURE)).isEqualTo("127.0.0.1:" + broker.port(SECURE));
            assertThat(broker.port("default")).isEqualTo(broker.port());
            assertThat(broker.uri("default")).isEqualTo(broker.uri());
            assertThatThrownBy(() -> broker.port("nope")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("no listener named 'nope'; listeners: [default, secure]");
            try (RawClient plain = RawClient.connected(broker.port(), "plain", true)) {
                plain.pingAndExpectPingResp("plain listener still served");
            }
        }
        try (StarlingBroker tlsOnly = StarlingBroker.builder().configure(c -> c.tcpListener(false)
                .listener(Listener.tls(SECURE, "127.0.0.1", 0, pem(Provider.JDK).build()))).start()) {
            assertThat(tlsOnly.uri()).isEqualTo("ssl://127.0.0.1:" + tlsOnly.port());
            assertThat(tlsOnly.port()).isEqualTo(tlsOnly.port(SECURE));
            try (TlsClient tls = TlsClient.connected(client, tlsOnly.port(), "only-tls")) {
                tls.ping();
            }
        }
        assertThatThrownBy(() -> StarlingBroker.builder().port(0).build().port(SECURE))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not started");
    }

    @Test
    @DisplayName("a port in use on the second listener fails start, closes the first listener and leaves no thread")
    void bindFailureClosesOtherListeners() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            StarlingBroker broker = StarlingBroker.builder().port(0).configure(c -> c.listener(
                    Listener.tls(SECURE, "127.0.0.1", taken.getLocalPort(), pem(Provider.JDK).build()))).build();
            assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot bind 127.0.0.1:" + taken.getLocalPort() + " for listener secure");
            broker.close();
        }
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(starlingThreads()).isEmpty());
    }

    @Test
    @DisplayName("a wrong key store password fails start() naming listener and file, never the password, no thread left")
    void wrongPasswordFailsStart() {
        Path store = pki.server().keyStore();
        StarlingBroker broker = StarlingBroker.builder().port(0).configure(c -> c.listener(
                Listener.tls(SECURE, "127.0.0.1", 0, TlsSettings.keyStore(store, "wrong-pass-77").build()))).build();
        assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class)
                .hasMessage("TLS listener 'secure': key store " + store + ": wrong password (or a damaged file)")
                .hasMessageNotContaining("wrong-pass-77");
        broker.close();
        assertThat(starlingThreads()).isEmpty();
    }

    private static Set<String> starlingThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("starling-")).collect(Collectors.toSet());
    }

    /** A minimal ClientHello offering only TLS 1.{@code minor - 1} and three classic cipher suites. */
    private static byte[] clientHello(int minor) {
        byte[] random = new byte[32];
        new java.util.Random(minor).nextBytes(random);
        byte[] extensions = Bytes.hex("000a 0004 0002 0017" // supported_groups: secp256r1
                + "000b 0002 0100"); // ec_point_formats: uncompressed
        byte[] body = Bytes.concat(new byte[] {3, (byte) minor}, random,
                Bytes.hex("00" // no session id
                        + "0006 c009 c013 002f" // ECDHE-ECDSA/ECDHE-RSA/RSA with AES-128-CBC-SHA
                        + "01 00"), // no compression
                new byte[] {0, (byte) extensions.length}, extensions);
        byte[] handshake = Bytes.concat(new byte[] {1, 0, (byte) (body.length >> 8), (byte) body.length}, body);
        return Bytes.concat(new byte[] {0x16, 3, 1, (byte) (handshake.length >> 8), (byte) handshake.length}, handshake);
    }
}
