package io.starling.mqtt.netty.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.netty.handler.ssl.OpenSsl;
import io.starling.mqtt.api.Listener;
import io.starling.mqtt.api.TlsSettings;
import io.starling.mqtt.api.TlsSettings.Provider;
import io.starling.mqtt.netty.StarlingBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Certificate reload without a restart: {@code reloadTls()} re-reads the files; new connections get the new
 * certificate, open ones keep theirs; a reload that cannot read its files changes nothing and says why.
 */
@Timeout(60)
class TlsReloadIT {
    @TempDir
    static Path dir;
    static TestPki pki;
    static SSLContext client;

    @BeforeAll
    static void makeCertificates() {
        pki = new TestPki(dir);
        pki.server();
        pki.serverB();
        client = pki.clientContext(null);
    }

    private static void assumeAvailable(Provider provider) {
        if (provider == Provider.OPENSSL) {
            assumeThat(OpenSsl.isAvailable()).as("netty-tcnative not loadable here: %s", OpenSsl.unavailabilityCause())
                    .isTrue();
        }
    }

    /** The files a listener is configured with, starting as a copy of {@code identity}'s. */
    private record LiveFiles(Path chain, Path key) {
        static LiveFiles of(String name, TestPki.Identity identity) throws IOException {
            LiveFiles files = new LiveFiles(dir.resolve(name + "-live-chain.pem"), dir.resolve(name + "-live-key.pem"));
            files.replaceWith(identity);
            return files;
        }

        void replaceWith(TestPki.Identity identity) throws IOException {
            Files.copy(identity.chain(), chain, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(identity.privateKey(), key, StandardCopyOption.REPLACE_EXISTING);
        }

        TlsSettings settings(Provider provider) {
            return TlsSettings.pem(chain, key).provider(provider).build();
        }
    }

    private static String organisation(TlsClient tls) throws IOException {
        return tls.serverCertificate().getSubjectX500Principal().getName();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Provider.class, names = {"JDK", "OPENSSL"})
    @DisplayName("after the files change and reloadTls(), new connections see certificate B; an open one keeps A and works")
    void reloadSwapsCertificateForNewConnections(Provider provider) throws Exception {
        assumeAvailable(provider);
        LiveFiles files = LiveFiles.of("swap-" + provider, pki.server());
        try (StarlingBroker broker = StarlingBroker.builder().port(0).configure(c -> c.listener(
                Listener.tls("secure", "127.0.0.1", 0, files.settings(provider)))).start();
             TlsClient old = TlsClient.connected(client, broker.port("secure"), "old")) {
            assertThat(organisation(old)).contains("O=Starling A");

            files.replaceWith(pki.serverB());
            try (TlsClient beforeReload = TlsClient.connected(client, broker.port("secure"), "before")) {
                assertThat(organisation(beforeReload)).as("files are read at start and reload only").contains("O=Starling A");
            }
            assertThat(broker.reloadTls()).isEqualTo(1);

            try (TlsClient fresh = TlsClient.connected(client, broker.port("secure"), "fresh")) {
                assertThat(fresh.serverCertificate()).isEqualTo(pki.serverB().x509());
                fresh.ping();
            }
            old.ping();
            assertThat(old.serverCertificate()).isEqualTo(pki.server().x509());
        }
    }

    @Test
    @DisplayName("a reload with a broken key file throws naming listener and file, and the listener keeps certificate A")
    void brokenReloadKeepsCurrentCertificate() throws Exception {
        LiveFiles files = LiveFiles.of("broken", pki.server());
        try (StarlingBroker broker = StarlingBroker.builder().port(0).configure(c -> c.listener(
                Listener.tls("secure", "127.0.0.1", 0, files.settings(Provider.JDK)))).start()) {
            Files.writeString(files.key(), "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
            assertThatThrownBy(broker::reloadTls).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("TLS listener 'secure': private key " + files.key());

            // The new chain with the old key: a pair that does not belong together is refused too.
            Files.copy(pki.serverB().chain(), files.chain(), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(pki.server().privateKey(), files.key(), StandardCopyOption.REPLACE_EXISTING);
            assertThatThrownBy(broker::reloadTls).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("does not belong to the first certificate of " + files.chain());

            try (TlsClient tls = TlsClient.connected(client, broker.port("secure"), "still-a")) {
                assertThat(tls.serverCertificate()).isEqualTo(pki.server().x509());
            }
        }
    }

    @Test
    @DisplayName("reload is all or nothing: one listener's bad files leave every listener on its current certificate")
    void reloadIsAllOrNothing() throws Exception {
        LiveFiles good = LiveFiles.of("good", pki.server());
        LiveFiles bad = LiveFiles.of("bad", pki.server());
        try (StarlingBroker broker = StarlingBroker.builder().port(0).configure(c -> c
                .listener(Listener.tls("first", "127.0.0.1", 0, good.settings(Provider.JDK)))
                .listener(Listener.tls("second", "127.0.0.1", 0, bad.settings(Provider.JDK)))).start()) {
            good.replaceWith(pki.serverB());
            Files.delete(bad.chain());
            assertThatThrownBy(broker::reloadTls)
                    .hasMessage("TLS listener 'second': certificate chain " + bad.chain() + ": does not exist");
            try (TlsClient first = TlsClient.connected(client, broker.port("first"), "first")) {
                assertThat(first.serverCertificate()).as("the good listener was not switched either")
                        .isEqualTo(pki.server().x509());
            }

            bad.replaceWith(pki.serverB());
            assertThat(broker.reloadTls()).isEqualTo(2);
            for (String name : new String[] {"first", "second"}) {
                try (TlsClient tls = TlsClient.connected(client, broker.port(name), name)) {
                    assertThat(tls.serverCertificate()).isEqualTo(pki.serverB().x509());
                }
            }
        }
    }

    @Test
    @DisplayName("reloadTls() before start fails clearly; with no TLS listener it reloads nothing")
    void reloadOutsideLifecycle() {
        StarlingBroker broker = StarlingBroker.builder().port(0).build();
        assertThatThrownBy(broker::reloadTls).isInstanceOf(IllegalStateException.class)
                .hasMessage("broker is not started");
        try (broker) {
            broker.start();
            assertThat(broker.reloadTls()).isZero();
        }
    }
}
