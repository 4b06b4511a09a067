package io.starling.mqtt.netty.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.starling.mqtt.api.Listener;
import io.starling.mqtt.api.TlsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a listener's server {@link SslContext} from its {@link TlsSettings}, reading every file anew. The files are
 * parsed here rather than by Netty so that every problem (missing file, wrong password, a key that does not belong
 * to the certificate, a key store without a key) fails start-up or reload with a message naming the listener and
 * the file, instead of surfacing at the first handshake. Messages never contain a password.
 */
public final class TlsContextFactory {
    private static final Logger LOG = LoggerFactory.getLogger(TlsContextFactory.class);
    private static final Pattern PEM_BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
    /** Key algorithms a PKCS#8 key may use, tried in turn: PKCS#8 names the algorithm only as an OID. */
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "RSASSA-PSS", "DSA");

    private TlsContextFactory() {}

    /** The server context for a TLS listener; fails with a message naming the listener and the file at fault. */
    public static SslContext create(Listener listener) {
        TlsSettings tls = listener.tls();
        if (tls == null) {
            throw new IllegalArgumentException("listener '" + listener.name() + "' is not a TLS listener");
        }
        Problem problem = new Problem(listener.name());
        KeyMaterial key = tls.keyStore() != null
                ? fromKeyStore(problem, tls.keyStore(), tls.keyStorePassword())
                : fromPem(problem, tls.certificateChain(), tls.privateKey(), tls.privateKeyPassword());
        warnIfExpired(listener.name(), key.chain()[0]);

        SslContextBuilder builder = SslContextBuilder.forServer(key.key(), key.chain())
                .sslProvider(provider(listener))
                .protocols(tls.protocols())
                .clientAuth(switch (tls.clientAuth()) {
                    case NONE -> ClientAuth.NONE;
                    case OPTIONAL -> ClientAuth.OPTIONAL;
                    case REQUIRE -> ClientAuth.REQUIRE;
                });
        if (!tls.cipherSuites().isEmpty()) {
            builder.ciphers(tls.cipherSuites());
        }
        if (tls.trustCertificates() != null) {
            builder.trustManager(certificates(problem, "CA certificates", tls.trustCertificates()));
        } else if (tls.trustStore() != null) {
            builder.trustManager(trustManagers(problem, tls.trustStore(), tls.trustStorePassword()));
        }
        SslContext context;
        try {
            context = builder.build();
        } catch (Exception e) {
            throw new IllegalStateException("TLS listener '" + listener.name() + "': cannot set up TLS with "
                    + describe(tls) + ": " + reason(e), e);
        }
        checkEngine(listener, context);
        return context;
    }

    /** The Netty provider a listener's setting stands for; OPENSSL without netty-tcnative fails here. */
    public static SslProvider provider(Listener listener) {
        return switch (listener.tls().provider()) {
            case JDK -> SslProvider.JDK;
            case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    Throwable cause = OpenSsl.unavailabilityCause();
                    throw new IllegalStateException("TLS listener '" + listener.name() + "': provider OPENSSL needs "
                            + "io.netty:netty-tcnative-boringssl-static on the class path, loadable on this platform ("
                            + (cause == null ? "not available" : reason(cause)) + "); use provider JDK or AUTO instead",
                            cause);
                }
                yield SslProvider.OPENSSL;
            }
        };
    }

    /**
     * Creates one engine and drops it: protocols and cipher suites are applied to each engine, so a name the
     * provider does not support would otherwise only fail the first handshake.
     */
    private static void checkEngine(Listener listener, SslContext context) {
        SSLEngine engine = null;
        try {
            engine = context.newEngine(ByteBufAllocator.DEFAULT);
            if (engine.getEnabledCipherSuites().length == 0) {
                throw new IllegalStateException("no cipher suite of " + listener.tls().cipherSuites()
                        + " is supported with " + listener.tls().protocols());
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException("TLS listener '" + listener.name() + "': protocols "
                    + listener.tls().protocols() + " or cipher suites " + listener.tls().cipherSuites()
                    + " are not usable with provider " + listener.tls().provider() + ": " + reason(e), e);
        } finally {
            ReferenceCountUtil.release(engine);
        }
    }

    // ---- key material ----

    private record KeyMaterial(PrivateKey key, X509Certificate[] chain) {}

    private static KeyMaterial fromPem(Problem problem, Path chainFile, Path keyFile, String password) {
        X509Certificate[] chain = certificates(problem, "certificate chain", chainFile);
        PrivateKey key = privateKey(problem, keyFile, password);
        checkPair(problem, key, chain[0], "private key " + keyFile + " does not belong to the first certificate of "
                + chainFile);
        return new KeyMaterial(key, chain);
    }

    private static KeyMaterial fromKeyStore(Problem problem, Path file, String password) {
        KeyStore store = loadStore(problem, "key store", file, password);
        char[] secret = password == null ? new char[0] : password.toCharArray();
        try {
            List<String> keyAliases = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    keyAliases.add(alias);
                }
            }
            if (keyAliases.isEmpty()) {
                throw problem.of("key store", file, "holds no private key entry (only certificates)", null);
            }
            if (keyAliases.size() > 1) {
                throw problem.of("key store", file, "holds " + keyAliases.size() + " private key entries "
                        + keyAliases + "; a listener's key store must hold exactly one", null);
            }
            String alias = keyAliases.get(0);
            Key key;
            try {
                key = store.getKey(alias, secret);
            } catch (UnrecoverableKeyException e) {
                throw problem.of("key store", file, "the key of entry '" + alias
                        + "' cannot be read with the key store password (a separate key password is not supported)", e);
            }
            if (!(key instanceof PrivateKey privateKey)) {
                throw problem.of("key store", file, "entry '" + alias + "' is not a private key", null);
            }
            Certificate[] chain = store.getCertificateChain(alias);
            if (chain == null || chain.length == 0) {
                throw problem.of("key store", file, "entry '" + alias + "' has no certificate chain", null);
            }
            X509Certificate[] x509 = new X509Certificate[chain.length];
            for (int i = 0; i < chain.length; i++) {
                if (!(chain[i] instanceof X509Certificate c)) {
                    throw problem.of("key store", file, "entry '" + alias + "' holds a non-X.509 certificate", null);
                }
                x509[i] = c;
            }
            checkPair(problem, privateKey, x509[0], "key store " + file + ": the key of entry '" + alias
                    + "' does not belong to its certificate");
            return new KeyMaterial(privateKey, x509);
        } catch (GeneralSecurityException e) {
            throw problem.of("key store", file, reason(e), e);
        } finally {
            java.util.Arrays.fill(secret, '\0');
        }
    }

    private static TrustManagerFactory trustManagers(Problem problem, Path file, String password) {
        KeyStore store = loadStore(problem, "trust store", file, password);
        try {
            boolean anyCertificate = false;
            for (String alias : Collections.list(store.aliases())) {
                anyCertificate |= store.isCertificateEntry(alias) || store.getCertificate(alias) != null;
            }
            if (!anyCertificate) {
                throw problem.of("trust store", file, "holds no certificate", null);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory;
        } catch (GeneralSecurityException e) {
            throw problem.of("trust store", file, reason(e), e);
        }
    }

    /** Loads a PKCS#12 or JKS store, whichever the file is: the JDK probes the format. */
    private static KeyStore loadStore(Problem problem, String what, Path file, String password) {
        requireReadable(problem, what, file);
        char[] secret = password == null ? null : password.toCharArray();
        try {
            return KeyStore.getInstance(file.toFile(), secret);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw problem.of(what, file, "wrong password (or a damaged file)", e);
            }
            throw problem.of(what, file, "cannot be read as a PKCS#12 or JKS store: " + reason(e), e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw problem.of(what, file, "cannot be read as a PKCS#12 or JKS store: " + reason(e), e);
        } finally {
            if (secret != null) {
                java.util.Arrays.fill(secret, '\0');
            }
        }
    }

    private static X509Certificate[] certificates(Problem problem, String what, Path file) {
        requireReadable(problem, what, file);
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) c);
            }
            if (certificates.isEmpty()) {
                throw problem.of(what, file, "holds no PEM certificate", null);
            }
            return certificates.toArray(X509Certificate[]::new);
        } catch (IOException | GeneralSecurityException e) {
            throw problem.of(what, file, "is not a PEM file of X.509 certificates: " + reason(e), e);
        }
    }

    /** A PKCS#8 PEM key, encrypted ({@code ENCRYPTED PRIVATE KEY}) or not ({@code PRIVATE KEY}). */
    private static PrivateKey privateKey(Problem problem, Path file, String password) {
        String what = "private key";
        requireReadable(problem, what, file);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw problem.of(what, file, reason(e), e);
        }
        Matcher pem = PEM_BLOCK.matcher(text);
        while (pem.find()) {
            String type = pem.group(1);
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(pem.group(2).strip());
            } catch (IllegalArgumentException e) {
                throw problem.of(what, file, "the " + type + " block is not valid base64", e);
            }
            switch (type) {
                case "PRIVATE KEY":
                    return pkcs8(problem, file, new PKCS8EncodedKeySpec(der));
                case "ENCRYPTED PRIVATE KEY":
                    if (password == null) {
                        throw problem.of(what, file, "is encrypted; set the private key password", null);
                    }
                    return pkcs8(problem, file, decrypt(problem, file, der, password));
                case "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY":
                    throw problem.of(what, file, "is in the traditional OpenSSL format (" + type + "); convert it to "
                            + "PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8.pem", null);
                default:
                    // A certificate or parameters next to the key: skip it.
            }
        }
        throw problem.of(what, file, "holds no PEM private key (-----BEGIN PRIVATE KEY-----)", null);
    }

    private static PKCS8EncodedKeySpec decrypt(Problem problem, Path file, byte[] der, String password) {
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            AlgorithmParameters parameters = info.getAlgParameters();
            String algorithm = info.getAlgName();
            if (parameters != null && (algorithm.equals("PBES2") || algorithm.equals("1.2.840.113549.1.5.13"))) {
                // What openssl pkcs8 -topk8 writes. The JDK names the cipher only through the parameters, as
                // "PBEWith<prf>And<cipher>" (Netty and Tomcat rely on the same).
                algorithm = parameters.toString();
            }
            char[] secret = password.toCharArray();
            try {
                var key = SecretKeyFactory.getInstance(algorithm).generateSecret(new PBEKeySpec(secret));
                Cipher cipher = Cipher.getInstance(algorithm);
                cipher.init(Cipher.DECRYPT_MODE, key, parameters);
                return info.getKeySpec(cipher);
            } finally {
                java.util.Arrays.fill(secret, '\0');
            }
        } catch (InvalidKeySpecException e) {
            throw problem.of("private key", file, "wrong private key password", e);
        } catch (IOException | GeneralSecurityException e) {
            // E.g. PBES2 with 3DES, which openssl req writes and the JDK cannot read.
            throw problem.of("private key", file, "cannot decrypt: " + reason(e) + "; re-encrypt it with: openssl "
                    + "pkcs8 -topk8 -v2 aes-256-cbc -in KEY -out KEY.aes.pem (or store it unencrypted, readable only "
                    + "by the broker)", e);
        }
    }

    private static PrivateKey pkcs8(Problem problem, Path file, PKCS8EncodedKeySpec spec) {
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // Not this algorithm; try the next.
            }
        }
        throw problem.of("private key", file, "is not a PKCS#8 " + KEY_ALGORITHMS + " key (or its password is wrong)",
                null);
    }

    /**
     * Signs a probe with the key and verifies it with the certificate: the JDK provider would otherwise accept a
     * mismatched pair and fail every handshake.
     */
    private static void checkPair(Problem problem, PrivateKey key, X509Certificate certificate, String mismatch) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> null; // RSASSA-PSS needs parameters; the handshake will tell.
        };
        if (algorithm == null) {
            return;
        }
        byte[] probe = "starling key check".getBytes(StandardCharsets.US_ASCII);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new IllegalStateException("TLS listener '" + problem.listener + "': " + mismatch + " ("
                    + certificate.getSubjectX500Principal().getName() + ")");
        }
    }

    private static void warnIfExpired(String listener, X509Certificate certificate) {
        Date now = new Date();
        if (now.after(certificate.getNotAfter()) || now.before(certificate.getNotBefore())) {
            LOG.warn("TLS listener '{}': the server certificate {} is valid only from {} to {}; clients will refuse it",
                    listener, certificate.getSubjectX500Principal().getName(), certificate.getNotBefore().toInstant(),
                    certificate.getNotAfter().toInstant());
        }
    }

    private static void requireReadable(Problem problem, String what, Path file) {
        if (!Files.isRegularFile(file)) {
            throw problem.of(what, file, Files.exists(file) ? "is not a regular file" : "does not exist", null);
        }
        if (!Files.isReadable(file)) {
            throw problem.of(what, file, "is not readable by this process", null);
        }
    }

    private static String describe(TlsSettings tls) {
        return tls.keyStore() != null ? "key store " + tls.keyStore()
                : "certificate chain " + tls.certificateChain() + " and private key " + tls.privateKey();
    }

    /** The message of an exception and its causes, short: what the user needs, not a stack trace. */
    static String reason(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null && text.length() < 300; t = t.getCause() == t ? null : t.getCause()) {
            if (text.length() > 0) {
                text.append(": ");
            }
            text.append(t instanceof NoSuchFileException ? "no such file" : t.getMessage() != null
                    ? t.getMessage() : t.getClass().getSimpleName());
        }
        return text.toString();
    }

    /** Builds the exceptions for one listener. */
    private record Problem(String listener) {
        IllegalStateException of(String what, Path file, String reason, Throwable cause) {
            return new IllegalStateException("TLS listener '" + listener + "': " + what + " " + file + ": " + reason,
                    cause);
        }
    }
}
