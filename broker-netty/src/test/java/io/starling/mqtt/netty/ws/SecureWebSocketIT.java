package io.starling.mqtt.netty.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.api.AuthenticationResult;
import io.starling.mqtt.api.Credentials;
import io.starling.mqtt.api.Listener;
import io.starling.mqtt.api.TlsSettings;
import io.starling.mqtt.api.TlsSettings.CertificateIdentity;
import io.starling.mqtt.api.TlsSettings.ClientAuth;
import io.starling.mqtt.api.TlsSettings.Provider;
import io.starling.mqtt.netty.StarlingBroker;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.Paho;
import io.starling.mqtt.netty.support.RawWebSocketClient;
import io.starling.mqtt.netty.tls.TestPki;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Secure WebSocket: the TLS listener's handshake, certificates and client identities, with the WebSocket on top. */
@Timeout(60)
class SecureWebSocketIT {
    private static final String WSS = "wss";

    @TempDir
    static Path dir;
    static TestPki pki;

    @BeforeAll
    static void makeCertificates() {
        pki = new TestPki(dir);
        pki.server();
        pki.alice();
    }

    private static TlsSettings.Builder tls() {
        return TlsSettings.pem(pki.server().chain(), pki.server().privateKey()).provider(Provider.JDK);
    }

    @Test
    @DisplayName("wss:// listener: uri() says wss://host:port/mqtt; the upgrade and MQTT run inside TLS; Paho connects over wss")
    void secureWebSocket() throws Exception {
        try (StarlingBroker broker = StarlingBroker.builder().port(0).configure(c -> c
                .listener(Listener.secureWebSocket(WSS, "127.0.0.1", 0, tls().build()))).start();
             RawWebSocketClient raw = RawWebSocketClient.upgrade(pki.clientContext(null).getSocketFactory(),
                     broker.port(WSS)).open()) {
            int port = broker.port(WSS);
            assertThat(broker.uri(WSS)).isEqualTo("wss://127.0.0.1:" + port + "/mqtt");
            assertThat(raw.response().status()).isEqualTo(101);
            assertThat(raw.response().header("Sec-WebSocket-Protocol")).isEqualTo("mqtt");
            raw.sendBinary(Bytes.connect("wss-raw", true, 0), Bytes.pingreq());
            assertThat(raw.readPacket().hex()).isEqualTo("20 0000");
            assertThat(raw.readPacket().hex()).isEqualTo("D0 ");
            assertThat(raw.serverOpcodes()).containsOnly(RawWebSocketClient.BINARY);

            try (Paho.Client web = Paho.connect(broker.uri(WSS), "paho-wss", true, 60,
                    o -> o.setSocketFactory(pki.clientContext(null).getSocketFactory()));
                 Paho.Client tcp = Paho.connect(broker.uri(), "paho-tcp", true)) {
                web.subscribe("secure/#", 1);
                tcp.publish("secure/news", "over tcp to wss", 1, false);
                assertThat(web.next().text()).isEqualTo("over tcp to wss");
            }
        }
    }

    @Test
    @DisplayName("mutual TLS under WebSocket: the verified certificate's CN is the client's identity, as on a TLS listener")
    void certificateIdentityOverWebSocket() throws Exception {
        BlockingQueue<Credentials> seen = new LinkedBlockingQueue<>();
        TlsSettings mutual = tls().trustCertificates(pki.ca().certificate()).clientAuth(ClientAuth.REQUIRE)
                .identity(CertificateIdentity.COMMON_NAME).build();
        try (StarlingBroker broker = StarlingBroker.builder().port(0).configure(c -> c
                .listener(Listener.secureWebSocket(WSS, "127.0.0.1", 0, mutual))
                .authenticator(credentials -> {
                    seen.add(credentials);
                    return CompletableFuture.completedFuture(AuthenticationResult.ACCEPTED);
                })).start();
             RawWebSocketClient alice = RawWebSocketClient.upgrade(pki.clientContext(pki.alice()).getSocketFactory(),
                     broker.port(WSS)).open()) {
            assertThat(alice.response().status()).isEqualTo(101);
            alice.sendBinary(Bytes.connect("wss-alice", true, 0));
            assertThat(alice.readPacket().hex()).isEqualTo("20 0000");
            Credentials credentials = seen.poll(5, TimeUnit.SECONDS);
            assertThat(credentials).isNotNull();
            assertThat(credentials.certificateIdentity()).isEqualTo("alice");
            assertThat(credentials.certificates()).isNotEmpty();
        }
    }
}
