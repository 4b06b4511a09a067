package io.starling.mqtt.api;

import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a CONNECT presents for authentication; {@code toString} never shows the password.
 *
 * @param client              who connects; its user name is the certificate identity when there is one
 * @param password            the CONNECT password, or null
 * @param certificates        the client's verified certificate chain (client certificate first); empty without TLS
 *                            client authentication
 * @param certificateIdentity the user name taken from the verified client certificate on a listener configured
 *                            with a {@link TlsSettings.CertificateIdentity}, or null: when set, the TLS handshake
 *                            has already proven who the client is
 */
public record Credentials(ClientInfo client, byte[] password, List<X509Certificate> certificates,
                          String certificateIdentity) {
    public Credentials {
        Objects.requireNonNull(client, "client");
        certificates = List.copyOf(certificates);
    }

    /** Credentials from a CONNECT alone (no client certificate). */
    public Credentials(ClientInfo client, byte[] password) {
        this(client, password, List.of(), null);
    }

    /** Whether the client is identified by a verified certificate rather than by a password. */
    public boolean authenticatedByCertificate() {
        return certificateIdentity != null;
    }

    @Override
    public String toString() {
        return "Credentials[" + client + ", password=" + (password == null ? "absent" : "***")
                + (certificateIdentity == null ? "" : ", certificateIdentity=" + certificateIdentity) + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Credentials c && client.equals(c.client) && Arrays.equals(password, c.password)
                && certificates.equals(c.certificates) && Objects.equals(certificateIdentity, c.certificateIdentity);
    }

    @Override
    public int hashCode() {
        return client.hashCode() * 31 + Arrays.hashCode(password);
    }
}
