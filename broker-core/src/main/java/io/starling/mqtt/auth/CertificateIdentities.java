package io.starling.mqtt.auth;

import io.starling.mqtt.api.TlsSettings.CertificateIdentity;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** Reads the user name a verified client certificate stands for: its subject CN, or its first subject alt name. */
public final class CertificateIdentities {
    // RFC 5280 GeneralName tags, in the order they are preferred.
    private static final int DNS = 2;
    private static final int EMAIL = 1;
    private static final int URI = 6;

    private CertificateIdentities() {}

    /** The identity of {@code chain}'s first (the client's) certificate, or null when it has none of that kind. */
    public static String of(List<X509Certificate> chain, CertificateIdentity kind) {
        if (chain.isEmpty()) {
            return null;
        }
        X509Certificate client = chain.get(0);
        return switch (kind) {
            case NONE -> null;
            case COMMON_NAME -> commonName(client);
            case SUBJECT_ALT_NAME -> subjectAltName(client);
        };
    }

    static String commonName(X509Certificate certificate) {
        try {
            List<Rdn> rdns = new LdapName(certificate.getSubjectX500Principal().getName()).getRdns();
            // The most specific CN is the last one in the RDN sequence (LdapName lists them in reverse order).
            for (int i = rdns.size() - 1; i >= 0; i--) {
                Rdn rdn = rdns.get(i);
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return nonBlank(rdn.getValue().toString());
                }
            }
            return null;
        } catch (InvalidNameException e) {
            return null;
        }
    }

    static String subjectAltName(X509Certificate certificate) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return null;
        }
        if (names == null) {
            return null;
        }
        for (int wanted : new int[] {DNS, EMAIL, URI}) {
            for (List<?> name : names) {
                if (name.size() >= 2 && name.get(0) instanceof Integer tag && tag == wanted
                        && name.get(1) instanceof String value) {
                    return nonBlank(value);
                }
            }
        }
        return null;
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
