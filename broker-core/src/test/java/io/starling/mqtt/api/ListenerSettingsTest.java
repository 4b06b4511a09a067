package io.starling.mqtt.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Listener and TLS settings: what fits together, the safe anonymous default, and that secrets stay out of text. */
class ListenerSettingsTest {
    private static final Path CHAIN = Path.of("chain.pem");
    private static final Path KEY = Path.of("key.pem");

    @Test
    @DisplayName("the default listener comes first, then added ones; names must be unique; one listener at least")
    void listeners() {
        TlsSettings tls = TlsSettings.pem(CHAIN, KEY).build();
        BrokerConfig c = BrokerConfig.builder().port(0).listener(Listener.tls("tls", "0.0.0.0", 8883, tls)).build();
        assertThat(c.listeners()).extracting(Listener::name).containsExactly("default", "tls");
        assertThat(c.listeners().get(1).isTls()).isTrue();
        assertThatThrownBy(() -> BrokerConfig.builder().listener(Listener.tcp("default", "127.0.0.1", 0)).build())
                .hasMessageContaining("listener name 'default' is used twice");
        assertThatThrownBy(() -> BrokerConfig.builder().tcpListener(false).build())
                .hasMessageContaining("at least one listener is needed");
        assertThat(BrokerConfig.builder().tcpListener(false).listener(Listener.tls("tls", "127.0.0.1", 0, tls)).build()
                .listeners()).extracting(Listener::name).containsExactly("tls");
    }

    @Test
    @DisplayName("anonymous clients: allowed on loopback, refused elsewhere, unless set explicitly")
    void anonymousDefault() {
        BrokerConfig defaults = BrokerConfig.defaults();
        assertThat(defaults.allowAnonymous()).isEmpty();
        assertThat(defaults.anonymousAllowedOn(Listener.tcp("a", "127.0.0.1", 1883))).isTrue();
        assertThat(defaults.anonymousAllowedOn(Listener.tcp("a", "::1", 1883))).isTrue();
        assertThat(defaults.anonymousAllowedOn(Listener.tcp("a", "localhost", 1883))).isTrue();
        assertThat(defaults.anonymousAllowedOn(Listener.tcp("a", "0.0.0.0", 1883))).isFalse();
        assertThat(defaults.anonymousAllowedOn(Listener.tcp("a", "::", 1883))).isFalse();
        assertThat(defaults.anonymousAllowedOn(Listener.tcp("a", "no-such-host.invalid", 1883))).isFalse();
        BrokerConfig open = BrokerConfig.builder().allowAnonymous(true).build();
        assertThat(open.anonymousAllowedOn(Listener.tcp("a", "0.0.0.0", 1883))).isTrue();
        BrokerConfig closed = BrokerConfig.builder().allowAnonymous(false).build();
        assertThat(closed.anonymousAllowedOn(Listener.tcp("a", "127.0.0.1", 1883))).isFalse();
    }

    @Test
    @DisplayName("TLS: PEM or key store (not both, not neither), only TLS 1.2/1.3, client auth needs trust")
    void tlsValidation() {
        assertThatThrownBy(() -> TlsSettings.builder().build()).hasMessageContaining("either a certificate chain");
        assertThatThrownBy(() -> TlsSettings.pem(CHAIN, KEY).keyStore(Path.of("k.p12")).build())
                .hasMessageContaining("not both or neither");
        assertThatThrownBy(() -> TlsSettings.pem(CHAIN, null).build()).hasMessageContaining("needs both");
        assertThatThrownBy(() -> TlsSettings.pem(CHAIN, KEY).protocols(List.of("TLSv1.1")))
                .hasMessageContaining("subset of [TLSv1.3, TLSv1.2]");
        assertThatThrownBy(() -> TlsSettings.pem(CHAIN, KEY).protocols(List.of())).hasMessageContaining("non-empty");
        assertThatThrownBy(() -> TlsSettings.pem(CHAIN, KEY).clientAuth(TlsSettings.ClientAuth.REQUIRE).build())
                .hasMessageContaining("need CA certificates or a trust store");
        assertThatThrownBy(() -> TlsSettings.pem(CHAIN, KEY).trustCertificates(Path.of("ca.pem"))
                .clientAuth(TlsSettings.ClientAuth.OPTIONAL).identity(TlsSettings.CertificateIdentity.COMMON_NAME)
                .build()).hasMessageContaining("needs clientAuth REQUIRE");
        assertThatThrownBy(() -> TlsSettings.pem(CHAIN, KEY).trustCertificates(Path.of("ca.pem"))
                .trustStore(Path.of("t.p12"), "x").build()).hasMessageContaining("not both");
        TlsSettings ok = TlsSettings.keyStore(Path.of("k.p12"), "s3cret").trustStore(Path.of("t.p12"), "t0p")
                .clientAuth(TlsSettings.ClientAuth.REQUIRE).identity(TlsSettings.CertificateIdentity.SUBJECT_ALT_NAME)
                .build();
        assertThat(ok.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(ok.toString()).doesNotContain("s3cret").doesNotContain("t0p");
    }

    @Test
    @DisplayName("WebSocket listeners: factories, defaults (/mqtt, any origin, no proxy) and what settings refuse")
    void webSocketSettings() {
        TlsSettings tls = TlsSettings.pem(CHAIN, KEY).build();
        Listener ws = Listener.webSocket("ws", "127.0.0.1", 8080);
        assertThat(ws.isWebSocket()).isTrue();
        assertThat(ws.isTls()).isFalse();
        assertThat(ws.webSocket()).isEqualTo(WebSocketSettings.defaults());
        assertThat(ws.webSocket().path()).isEqualTo("/mqtt");
        Listener wss = Listener.secureWebSocket("wss", "0.0.0.0", 8443, tls);
        assertThat(wss.isWebSocket()).isTrue();
        assertThat(wss.isTls()).isTrue();
        assertThat(Listener.tcp("t", "127.0.0.1", 1883).isWebSocket()).isFalse();
        assertThat(new Listener("t", "127.0.0.1", 1883, null)).as("the four-argument constructor still works")
                .isEqualTo(Listener.tcp("t", "127.0.0.1", 1883));

        WebSocketSettings any = WebSocketSettings.defaults();
        assertThat(any.allowsOrigin("https://anything.example")).isTrue();
        WebSocketSettings one = any.withAllowedOrigins(List.of("https://App.Example.com/"));
        assertThat(one.allowedOrigins()).containsExactly("https://app.example.com");
        assertThat(one.allowsOrigin("https://app.example.com")).isTrue();
        assertThat(one.allowsOrigin("https://APP.example.com")).isTrue();
        assertThat(one.allowsOrigin("https://other.example.com")).isFalse();
        assertThat(one.allowsOrigin(null)).as("no Origin header: not a browser").isTrue();

        assertThatThrownBy(() -> any.withPath("mqtt")).hasMessageContaining("must start with '/'");
        assertThatThrownBy(() -> any.withPath("/mqtt?x=1")).hasMessageContaining("no query");
        assertThatThrownBy(() -> any.withAllowedOrigins(List.of("app.example.com")))
                .hasMessageContaining("scheme://host[:port]");
        assertThatThrownBy(() -> any.withAllowedOrigins(List.of("https://app.example.com/page")))
                .hasMessageContaining("scheme://host[:port]");
        assertThat(any.withTrustedProxies(List.of("10.0.0.1", "::1")).trustedProxies()).hasSize(2);
        assertThatThrownBy(() -> any.withTrustedProxies(List.of("proxy.example.com")))
                .hasMessageContaining("IP address literals");
        assertThatThrownBy(() -> Listener.webSocket("ws", "127.0.0.1", 1, null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    @DisplayName("a listener needs a name, a host and a port in range")
    void listenerValidation() {
        assertThatThrownBy(() -> Listener.tcp(" ", "127.0.0.1", 1)).hasMessageContaining("name must not be blank");
        assertThatThrownBy(() -> Listener.tcp("x", "127.0.0.1", 70_000)).hasMessageContaining("port must be 0..65535");
        assertThatThrownBy(() -> Listener.tls("x", "127.0.0.1", 1, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    @DisplayName("limits are range-checked when the configuration is built")
    void limitRanges() {
        assertThatThrownBy(() -> BrokerConfig.builder().maxConnections(0).build()).hasMessageContaining("maxConnections");
        assertThatThrownBy(() -> BrokerConfig.builder().maxTopicLength(65_536).build()).hasMessageContaining("maxTopicLength");
        assertThatThrownBy(() -> BrokerConfig.builder().maxSubscriptionsPerClient(0).build())
                .hasMessageContaining("maxSubscriptionsPerClient");
        assertThatThrownBy(() -> BrokerConfig.builder().maxQueuedBytes(-1).build()).hasMessageContaining("maxQueuedBytes");
        assertThatThrownBy(() -> BrokerConfig.builder().authFailureThreshold(0).build())
                .hasMessageContaining("authFailureThreshold");
    }
}
