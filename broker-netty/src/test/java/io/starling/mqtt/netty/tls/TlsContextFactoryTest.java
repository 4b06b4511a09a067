package io.starling.mqtt.netty.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.starling.mqtt.api.Listener;
import io.starling.mqtt.api.TlsSettings;
import io.starling.mqtt.api.TlsSettings.Provider;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Building a listener's server context from files: each supported form works, and each broken one fails with a
 * message that names the listener and the file and never shows a password.
 */
@Timeout(60)
class TlsContextFactoryTest {
    @TempDir
    static Path dir;
    static TestPki pki;

    @BeforeAll
    static void makeCertificates() {
        pki = new TestPki(dir);
        pki.server();
        pki.alice();
    }

    private static Listener listener(TlsSettings tls) {
        return Listener.tls("secure", "127.0.0.1", 0, tls);
    }

    private static TlsSettings.Builder pem() {
        return TlsSettings.pem(pki.server().chain(), pki.server().privateKey());
    }

    /**
     * The protocols of the engine a connection would get. Netty's OpenSSL engine also lists the pseudo-protocol
     * SSLv2Hello (a ClientHello format, not a protocol version; BoringSSL accepts no SSLv2 hello anyway).
     */
    private static List<String> enabledProtocols(SslContext context) {
        SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT);
        try {
            return java.util.Arrays.stream(engine.getEnabledProtocols()).filter(p -> !p.equals("SSLv2Hello")).toList();
        } finally {
            ReferenceCountUtil.release(engine);
        }
    }

    @Test
    @DisplayName("PEM chain and PKCS#8 key give a server context with exactly the configured protocols")
    void pemFiles() {
        SslContext context = TlsContextFactory.create(listener(pem().provider(Provider.JDK).build()));
        assertThat(context.isServer()).isTrue();
        assertThat(enabledProtocols(context)).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");

        SslContext only13 = TlsContextFactory.create(listener(pem().provider(Provider.JDK)
                .protocols(List.of("TLSv1.3")).build()));
        assertThat(enabledProtocols(only13)).containsExactly("TLSv1.3");
    }

    @Test
    @DisplayName("a PKCS#12 key store and a JKS key store both work; the type is taken from the file")
    void keyStores() throws Exception {
        assertThat(TlsContextFactory.create(listener(TlsSettings.keyStore(pki.server().keyStore(), TestPki.PASSWORD)
                .provider(Provider.JDK).build())).isServer()).isTrue();

        KeyStore p12 = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(pki.server().keyStore())) {
            p12.load(in, TestPki.PASSWORD.toCharArray());
        }
        KeyStore jks = KeyStore.getInstance("JKS");
        jks.load(null, null);
        jks.setKeyEntry("server", p12.getKey("server", TestPki.PASSWORD.toCharArray()), TestPki.PASSWORD.toCharArray(),
                p12.getCertificateChain("server"));
        Path jksFile = dir.resolve("server.keystore");
        try (OutputStream out = Files.newOutputStream(jksFile)) {
            jks.store(out, TestPki.PASSWORD.toCharArray());
        }
        assertThat(TlsContextFactory.create(listener(TlsSettings.keyStore(jksFile, TestPki.PASSWORD)
                .provider(Provider.JDK).build())).isServer()).isTrue();
    }

    @Test
    @DisplayName("an encrypted PKCS#8 key opens with its password; a wrong one fails naming the file, not the password")
    void encryptedPemKey() {
        Path encrypted = pki.encryptedPrivateKey(pki.server(), "key-secret-1");
        TlsSettings.Builder settings = TlsSettings.pem(pki.server().chain(), encrypted).provider(Provider.JDK);
        assertThat(TlsContextFactory.create(listener(settings.privateKeyPassword("key-secret-1").build())).isServer())
                .isTrue();

        assertThatThrownBy(() -> TlsContextFactory.create(listener(settings.privateKeyPassword("not-it-42").build())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TLS listener 'secure'")
                .hasMessageContaining(encrypted.toString())
                .hasMessageContaining("wrong private key password")
                .hasMessageNotContaining("not-it-42")
                .hasMessageNotContaining("key-secret-1");
        assertThatThrownBy(() -> TlsContextFactory.create(listener(settings.privateKeyPassword(null).build())))
                .hasMessageContaining("is encrypted; set the private key password");
    }

    @Test
    @DisplayName("a wrong key store password fails naming listener and file, without the password")
    void wrongKeyStorePassword() {
        Path store = pki.server().keyStore();
        assertThatThrownBy(() -> TlsContextFactory.create(listener(TlsSettings.keyStore(store, "guess-123").build())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("TLS listener 'secure': key store " + store + ": wrong password (or a damaged file)")
                .hasMessageNotContaining("guess-123");
    }

    @Test
    @DisplayName("missing files fail naming the listener and the missing file")
    void missingFiles() {
        Path nowhere = dir.resolve("nowhere.pem");
        assertThatThrownBy(() -> TlsContextFactory.create(listener(TlsSettings.pem(nowhere, pki.server().privateKey())
                .build())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("TLS listener 'secure': certificate chain " + nowhere + ": does not exist");
        assertThatThrownBy(() -> TlsContextFactory.create(listener(TlsSettings.pem(pki.server().chain(), nowhere)
                .build())))
                .hasMessage("TLS listener 'secure': private key " + nowhere + ": does not exist");
        assertThatThrownBy(() -> TlsContextFactory.create(listener(pem().trustCertificates(nowhere).build())))
                .hasMessage("TLS listener 'secure': CA certificates " + nowhere + ": does not exist");
        assertThatThrownBy(() -> TlsContextFactory.create(listener(TlsSettings.keyStore(nowhere, "x").build())))
                .hasMessage("TLS listener 'secure': key store " + nowhere + ": does not exist");
    }

    @Test
    @DisplayName("a private key that belongs to another certificate is refused at start, not at the first handshake")
    void keyNotMatchingCertificate() {
        Path chain = pki.server().chain();
        Path aliceKey = pki.alice().privateKey();
        assertThatThrownBy(() -> TlsContextFactory.create(listener(TlsSettings.pem(chain, aliceKey)
                .provider(Provider.JDK).build())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("TLS listener 'secure': private key " + aliceKey
                        + " does not belong to the first certificate of " + chain);
    }

    @Test
    @DisplayName("a key store with certificates but no private key entry is refused clearly")
    void keyStoreWithoutKey() {
        Path trust = pki.trustStore();
        assertThatThrownBy(() -> TlsContextFactory.create(listener(TlsSettings.keyStore(trust, TestPki.PASSWORD)
                .build())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("TLS listener 'secure': key store " + trust + ": holds no private key entry (only certificates)");
    }

    @Test
    @DisplayName("a traditional OpenSSL (PKCS#1) key is refused with the command that converts it")
    void pkcs1KeyExplained() throws Exception {
        Path rsa = dir.resolve("rsa-traditional.pem");
        Files.writeString(rsa, TestPki.pem("RSA PRIVATE KEY", new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}));
        assertThatThrownBy(() -> TlsContextFactory.create(listener(TlsSettings.pem(pki.server().chain(), rsa).build())))
                .hasMessageContaining(rsa.toString())
                .hasMessageContaining("openssl pkcs8 -topk8");
    }

    @Test
    @DisplayName("a certificate file that is not PEM, or a key file without a key, fails naming the file")
    void garbageFiles() throws Exception {
        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "this is not a certificate\n");
        assertThatThrownBy(() -> TlsContextFactory.create(listener(TlsSettings.pem(garbage, pki.server().privateKey())
                .build())))
                .hasMessageStartingWith("TLS listener 'secure': certificate chain " + garbage + ":");
        assertThatThrownBy(() -> TlsContextFactory.create(listener(TlsSettings.pem(pki.server().chain(), garbage)
                .build())))
                .hasMessage("TLS listener 'secure': private key " + garbage
                        + ": holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    @Test
    @DisplayName("an unknown cipher suite fails at start with the listener named")
    void unknownCipherSuite() {
        assertThatThrownBy(() -> TlsContextFactory.create(listener(pem().provider(Provider.JDK)
                .cipherSuites(List.of("TLS_NO_SUCH_SUITE")).build())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("TLS listener 'secure':")
                .hasMessageContaining("TLS_NO_SUCH_SUITE");
    }

    @Test
    @DisplayName("client trust from a PEM CA file or from a trust store")
    void trustSources() {
        assertThat(TlsContextFactory.create(listener(pem().trustCertificates(pki.ca().certificate())
                .clientAuth(TlsSettings.ClientAuth.REQUIRE).provider(Provider.JDK).build())).isServer()).isTrue();
        assertThat(TlsContextFactory.create(listener(pem().trustStore(pki.trustStore(), TestPki.PASSWORD)
                .clientAuth(TlsSettings.ClientAuth.OPTIONAL).provider(Provider.JDK).build())).isServer()).isTrue();
        Path store = pki.trustStore();
        assertThatThrownBy(() -> TlsContextFactory.create(listener(pem().trustStore(store, "bad-pass-9")
                .clientAuth(TlsSettings.ClientAuth.REQUIRE).build())))
                .hasMessage("TLS listener 'secure': trust store " + store + ": wrong password (or a damaged file)");
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    @DisplayName("JDK gives a JDK context; OPENSSL an OpenSSL one; AUTO OpenSSL when netty-tcnative loads, else JDK")
    void providers(Provider provider) {
        if (provider == Provider.OPENSSL) {
            assumeThat(OpenSsl.isAvailable()).as("netty-tcnative not loadable here: %s", OpenSsl.unavailabilityCause())
                    .isTrue();
        }
        SslContext context = TlsContextFactory.create(listener(pem().provider(provider).build()));
        boolean openSsl = context instanceof ReferenceCountedOpenSslContext;
        assertThat(openSsl).isEqualTo(provider == Provider.OPENSSL || provider == Provider.AUTO && OpenSsl.isAvailable());
        assertThat(enabledProtocols(context)).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
    }
}
