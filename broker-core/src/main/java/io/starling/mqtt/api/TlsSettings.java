package io.starling.mqtt.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How a TLS listener proves who it is and checks who connects: plain data, read by the transport when the listener
 * starts and again on every certificate reload. Key material comes either from PEM files ({@link #certificateChain}
 * and {@link #privateKey}) or from a key store; clients are checked against PEM CA certificates or a trust store.
 * Only TLS 1.2 and 1.3 are ever enabled.
 *
 * @param certificateChain PEM file with the server certificate first, then its intermediates; null with a key store
 * @param privateKey       PEM file with the server's PKCS#8 private key; null with a key store
 * @param privateKeyPassword password of an encrypted PEM key, or null
 * @param keyStore         PKCS#12 or JKS key store holding one private key entry; null with PEM files
 * @param keyStorePassword password of the key store (and its key), or null
 * @param trustCertificates PEM file of CA certificates client certificates must chain to, or null
 * @param trustStore       PKCS#12 or JKS trust store, instead of {@code trustCertificates}, or null
 * @param trustStorePassword password of the trust store, or null
 * @param clientAuth       whether a client certificate is asked for
 * @param identity         which part of a verified client certificate becomes the user name
 * @param protocols        enabled protocol versions, a non-empty subset of TLSv1.3 and TLSv1.2
 * @param cipherSuites     enabled cipher suites; empty means the provider's defaults for those protocols
 * @param provider         which TLS implementation to use
 */
public record TlsSettings(
        Path certificateChain,
        Path privateKey,
        String privateKeyPassword,
        Path keyStore,
        String keyStorePassword,
        Path trustCertificates,
        Path trustStore,
        String trustStorePassword,
        ClientAuth clientAuth,
        CertificateIdentity identity,
        List<String> protocols,
        List<String> cipherSuites,
        Provider provider) {

    public static final List<String> SUPPORTED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** Whether the server asks for a client certificate. */
    public enum ClientAuth {
        /** No client certificate is asked for. */
        NONE,
        /** A certificate is asked for; clients without one may still connect (and authenticate otherwise). */
        OPTIONAL,
        /** A client without a certificate that chains to the trust anchors fails the handshake (mutual TLS). */
        REQUIRE
    }

    /** What a verified client certificate contributes to the client's identity. */
    public enum CertificateIdentity {
        /** Nothing: the client authenticates with its CONNECT user name and password. */
        NONE,
        /** The subject's common name (CN) is the user name; the certificate stands in for the password. */
        COMMON_NAME,
        /** The first subject alternative name (DNS, e-mail or URI, in that order) is the user name. */
        SUBJECT_ALT_NAME
    }

    /** Which TLS engine the transport uses. */
    public enum Provider {
        /** OpenSSL (netty-tcnative) when it is on the class path and loads, the JDK otherwise. */
        AUTO,
        /** The JDK's own implementation (JSSE). */
        JDK,
        /** OpenSSL through netty-tcnative; start-up fails if it is not available. */
        OPENSSL
    }

    public TlsSettings {
        Objects.requireNonNull(clientAuth, "clientAuth");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(provider, "provider");
        protocols = List.copyOf(protocols);
        cipherSuites = List.copyOf(cipherSuites);
        if (protocols.isEmpty() || !SUPPORTED_PROTOCOLS.containsAll(protocols)) {
            throw new IllegalArgumentException("TLS protocols must be a non-empty subset of " + SUPPORTED_PROTOCOLS
                    + ", was " + protocols);
        }
        boolean pem = certificateChain != null || privateKey != null;
        if (pem == (keyStore != null)) {
            throw new IllegalArgumentException(
                    "TLS needs either a certificate chain and private key (PEM) or a key store, not both or neither");
        }
        if (pem && (certificateChain == null || privateKey == null)) {
            throw new IllegalArgumentException("TLS with PEM files needs both the certificate chain and the private key");
        }
        if (trustCertificates != null && trustStore != null) {
            throw new IllegalArgumentException("TLS trust comes from PEM CA certificates or a trust store, not both");
        }
        if (clientAuth != ClientAuth.NONE && trustCertificates == null && trustStore == null) {
            throw new IllegalArgumentException("client certificates (" + clientAuth
                    + ") need CA certificates or a trust store to check them against");
        }
        if (identity != CertificateIdentity.NONE && clientAuth != ClientAuth.REQUIRE) {
            throw new IllegalArgumentException("a certificate identity (" + identity
                    + ") needs clientAuth REQUIRE, so that every client on the listener has a verified certificate");
        }
    }

    /** Settings with the server's PEM certificate chain and key; refine with {@link #builder()}'s setters. */
    public static Builder pem(Path certificateChain, Path privateKey) {
        return new Builder().certificateChain(certificateChain).privateKey(privateKey);
    }

    /** Settings with a PKCS#12 or JKS key store (type taken from the file). */
    public static Builder keyStore(Path keyStore, String password) {
        return new Builder().keyStore(keyStore).keyStorePassword(password);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String toString() {
        // Never the passwords.
        return "TlsSettings[" + (keyStore != null ? "keyStore=" + keyStore : "certificateChain=" + certificateChain
                + ", privateKey=" + privateKey) + ", trust=" + (trustStore != null ? trustStore : trustCertificates)
                + ", clientAuth=" + clientAuth + ", identity=" + identity + ", protocols=" + protocols
                + ", provider=" + provider + "]";
    }

    /** Collects TLS settings; defaults: no client certificates, TLS 1.3 and 1.2, AUTO provider. */
    public static final class Builder {
        private Path certificateChain;
        private Path privateKey;
        private String privateKeyPassword;
        private Path keyStore;
        private String keyStorePassword;
        private Path trustCertificates;
        private Path trustStore;
        private String trustStorePassword;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private CertificateIdentity identity = CertificateIdentity.NONE;
        private List<String> protocols = SUPPORTED_PROTOCOLS;
        private List<String> cipherSuites = List.of();
        private Provider provider = Provider.AUTO;

        private Builder() {}

        public Builder certificateChain(Path value) {
            this.certificateChain = value;
            return this;
        }

        public Builder privateKey(Path value) {
            this.privateKey = value;
            return this;
        }

        public Builder privateKeyPassword(String value) {
            this.privateKeyPassword = value;
            return this;
        }

        public Builder keyStore(Path value) {
            this.keyStore = value;
            return this;
        }

        public Builder keyStorePassword(String value) {
            this.keyStorePassword = value;
            return this;
        }

        public Builder trustCertificates(Path value) {
            this.trustCertificates = value;
            return this;
        }

        public Builder trustStore(Path value, String password) {
            this.trustStore = value;
            this.trustStorePassword = password;
            return this;
        }

        public Builder clientAuth(ClientAuth value) {
            this.clientAuth = Objects.requireNonNull(value, "clientAuth");
            return this;
        }

        public Builder identity(CertificateIdentity value) {
            this.identity = Objects.requireNonNull(value, "identity");
            return this;
        }

        public Builder protocols(List<String> value) {
            Objects.requireNonNull(value, "protocols");
            // Checked here as well as in the record, so a configuration error points at this setting.
            if (value.isEmpty() || !SUPPORTED_PROTOCOLS.containsAll(value)) {
                throw new IllegalArgumentException("TLS protocols must be a non-empty subset of " + SUPPORTED_PROTOCOLS
                        + ", was " + value);
            }
            this.protocols = value;
            return this;
        }

        public Builder cipherSuites(List<String> value) {
            this.cipherSuites = Objects.requireNonNull(value, "cipherSuites");
            return this;
        }

        public Builder provider(Provider value) {
            this.provider = Objects.requireNonNull(value, "provider");
            return this;
        }

        public TlsSettings build() {
            return new TlsSettings(certificateChain, privateKey, privateKeyPassword, keyStore, keyStorePassword,
                    trustCertificates, trustStore, trustStorePassword, clientAuth, identity, protocols, cipherSuites,
                    provider);
        }
    }
}
