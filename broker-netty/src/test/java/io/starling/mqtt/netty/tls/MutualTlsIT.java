package io.starling.mqtt.netty.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.ssl.OpenSsl;
import io.starling.mqtt.api.AuthenticationResult;
import io.starling.mqtt.api.Credentials;
import io.starling.mqtt.api.Listener;
import io.starling.mqtt.api.TlsSettings;
import io.starling.mqtt.api.TlsSettings.CertificateIdentity;
import io.starling.mqtt.api.TlsSettings.ClientAuth;
import io.starling.mqtt.api.TlsSettings.Provider;
import io.starling.mqtt.netty.StarlingBroker;
import io.starling.mqtt.netty.support.Paho;
import java.io.IOException;
import org.eclipse.paho.client.mqttv3.MqttException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Client certificates on real sockets: REQUIRE refuses clients without a certificate or with one from another CA
 * in the handshake, before any MQTT; an accepted client's verified chain reaches core (seen here through the
 * credentials an authenticator receives, which ConnectHandler fills from {@code ClientChannel.peerCertificates()}).
 */
@Timeout(60)
class MutualTlsIT {
    private static final String SECURE = "mtls";

    @TempDir
    static Path dir;
    static TestPki pki;
    private final BlockingQueue<Credentials> seen = new LinkedBlockingQueue<>();

    @BeforeAll
    static void makeCertificates() {
        pki = new TestPki(dir);
        pki.server();
        pki.alice();
        pki.mallory();
    }

    @BeforeEach
    void clear() {
        seen.clear();
    }

    private static void assumeAvailable(Provider provider) {
        if (provider == Provider.OPENSSL) {
            assumeThat(OpenSsl.isAvailable()).as("netty-tcnative not loadable here: %s", OpenSsl.unavailabilityCause())
                    .isTrue();
        }
    }

    private static TlsSettings.Builder settings(Provider provider, ClientAuth clientAuth) {
        return TlsSettings.pem(pki.server().chain(), pki.server().privateKey()).provider(provider)
                .trustCertificates(pki.ca().certificate()).clientAuth(clientAuth);
    }

    /** A broker whose authenticator records what it is shown and accepts everyone. */
    private StarlingBroker broker(TlsSettings tls) {
        return StarlingBroker.builder().port(0).configure(c -> c
                .listener(Listener.tls(SECURE, "127.0.0.1", 0, tls))
                .authenticator(credentials -> {
                    seen.add(credentials);
                    return CompletableFuture.completedFuture(AuthenticationResult.ACCEPTED);
                })).start();
    }

    private Credentials nextCredentials() throws InterruptedException {
        Credentials c = seen.poll(5, TimeUnit.SECONDS);
        assertThat(c).as("credentials seen by the authenticator").isNotNull();
        return c;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Provider.class, names = {"JDK", "OPENSSL"})
    @DisplayName("REQUIRE: no certificate, or CN=alice from another CA, fails the handshake; no CONNECT reaches core")
    void requireRefusesMissingAndForeignCertificates(Provider provider) throws Exception {
        assumeAvailable(provider);
        try (StarlingBroker broker = broker(settings(provider, ClientAuth.REQUIRE).build())) {
            int port = broker.port(SECURE);
            // With TLS 1.3 the client's side of the handshake completes before the server checks its certificate;
            // the refusal then arrives as an alert on the first read, before any CONNACK.
            assertThatThrownBy(() -> TlsClient.connected(pki.clientContext(null), port, "anonymous").close())
                    .isInstanceOf(IOException.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> broker.tlsHandshakeFailures() == 1);
            // The client presents mallory's chain although the server asks for certificates of its own CA.
            assertThatThrownBy(() -> TlsClient.connected(pki.clientContext(pki.mallory()), port, "impostor").close())
                    .isInstanceOf(IOException.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> broker.tlsHandshakeFailures() == 2);
            assertThatThrownBy(() -> Paho.connect(broker.uri(SECURE), "paho-anonymous", true, 60,
                    o -> o.setSocketFactory(pki.clientContext(null).getSocketFactory())))
                    .as("Paho without a certificate").isInstanceOf(MqttException.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> broker.tlsHandshakeFailures() >= 3);
            assertThat(seen).as("no CONNECT got as far as authentication").isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Provider.class, names = {"JDK", "OPENSSL"})
    @DisplayName("REQUIRE: alice's certificate is accepted and core receives her verified chain, client certificate first")
    void requireAcceptsTrustedCertificate(Provider provider) throws Exception {
        assumeAvailable(provider);
        try (StarlingBroker broker = broker(settings(provider, ClientAuth.REQUIRE).build())) {
            try (TlsClient alice = TlsClient.connected(pki.clientContext(pki.alice()), broker.port(SECURE), "alice-raw")) {
                alice.ping();
            }
            List<X509Certificate> chain = nextCredentials().certificates();
            assertThat(chain).isNotEmpty();
            assertThat(chain.get(0)).isEqualTo(pki.alice().x509());
            assertThat(chain.get(0).getSubjectX500Principal().getName()).startsWith("CN=alice");

            try (Paho.Client paho = Paho.connect(broker.uri(SECURE), "alice-paho", true, 60,
                    o -> o.setSocketFactory(pki.clientContext(pki.alice()).getSocketFactory()))) {
                paho.subscribe("a/b", 1);
            }
            assertThat(nextCredentials().certificates().get(0)).isEqualTo(pki.alice().x509());
            assertThat(broker.tlsHandshakeFailures()).isZero();
        }
    }

    @Test
    @DisplayName("OPTIONAL: a client without a certificate connects with an empty chain; one with a certificate shows it")
    void optionalClientCertificate() throws Exception {
        try (StarlingBroker broker = broker(settings(Provider.JDK, ClientAuth.OPTIONAL).build())) {
            try (TlsClient anonymous = TlsClient.connected(pki.clientContext(null), broker.port(SECURE), "anon")) {
                anonymous.ping();
            }
            assertThat(nextCredentials().certificates()).isEmpty();

            try (TlsClient bob = TlsClient.connected(pki.clientContext(pki.bob()), broker.port(SECURE), "bob")) {
                bob.ping();
            }
            X509Certificate bobs = nextCredentials().certificates().get(0);
            assertThat(bobs).isEqualTo(pki.bob().x509());
            assertThat(bobs.getSubjectAlternativeNames().stream().map(name -> String.valueOf(name.get(1))))
                    .containsExactlyInAnyOrder("bob@example.com", "bob.example.com");
        }
    }

    @Test
    @DisplayName("NONE and plain listeners: the chain core sees is empty")
    void noClientAuthMeansNoChain() throws Exception {
        try (StarlingBroker broker = broker(TlsSettings.pem(pki.server().chain(), pki.server().privateKey())
                .provider(Provider.JDK).build())) {
            try (TlsClient tls = TlsClient.connected(pki.clientContext(pki.alice()), broker.port(SECURE), "tls")) {
                tls.ping();
            }
            assertThat(nextCredentials().certificates()).as("a certificate the server never asked for").isEmpty();
            try (Paho.Client plain = Paho.connect(broker.uri(), "plain", true)) {
                assertThat(plain.mqtt.isConnected()).isTrue();
            }
            assertThat(nextCredentials().certificates()).isEmpty();
        }
    }

    @Test
    @DisplayName("a trust store works like a CA file: alice gets in, the impostor from another CA does not")
    void trustStore() throws Exception {
        TlsSettings tls = TlsSettings.pem(pki.server().chain(), pki.server().privateKey()).provider(Provider.JDK)
                .trustStore(pki.trustStore(), TestPki.PASSWORD).clientAuth(ClientAuth.REQUIRE).build();
        try (StarlingBroker broker = broker(tls)) {
            try (TlsClient alice = TlsClient.connected(pki.clientContext(pki.alice()), broker.port(SECURE), "alice")) {
                alice.ping();
            }
            assertThat(nextCredentials().certificates().get(0)).isEqualTo(pki.alice().x509());
            assertThatThrownBy(() -> TlsClient.connected(pki.clientContext(pki.mallory()), broker.port(SECURE), "m")
                    .close()).isInstanceOf(IOException.class);
        }
    }

    @Test
    @DisplayName("identity COMMON_NAME: the verified CN becomes the user name core authenticates")
    void commonNameIdentity() throws Exception {
        try (StarlingBroker broker = broker(settings(Provider.JDK, ClientAuth.REQUIRE)
                .identity(CertificateIdentity.COMMON_NAME).build())) {
            try (TlsClient alice = TlsClient.connected(pki.clientContext(pki.alice()), broker.port(SECURE), "cn")) {
                alice.ping();
            }
            Credentials credentials = nextCredentials();
            assertThat(credentials.certificateIdentity()).isEqualTo("alice");
            assertThat(credentials.client().username()).isEqualTo("alice");
        }
    }
}
