package io.starling.mqtt.netty.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Certificates for TLS tests, made at test time with the JDK's {@code keytool} (so no private key is committed):
 * a CA, servers for 127.0.0.1/localhost signed by it, client certificates, and a second CA whose certificates the
 * broker must refuse. Identities are made on first use and kept for the lifetime of the object (one per test class,
 * in a temporary directory). Keys are EC P-256: quick to generate, usable by the JDK and by OpenSSL.
 */
public final class TestPki {
    /** Password of every key store made here (never a real secret). */
    public static final String PASSWORD = "test-store-pw";

    private final Path dir;
    private final String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    private final Map<String, Identity> made = new HashMap<>();

    /**
     * One key pair and its certificate.
     *
     * @param keyStore    PKCS#12 file (password {@link #PASSWORD}) with the key and its chain
     * @param certificate PEM of the certificate alone
     * @param chain       PEM of the certificate then its issuer (the CA for a CA: itself)
     * @param privateKey  unencrypted PKCS#8 PEM of the key
     */
    public record Identity(String alias, Path keyStore, Path certificate, Path chain, Path privateKey,
                           X509Certificate x509, PrivateKey key, X509Certificate[] x509Chain) {}

    public TestPki(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The CA the broker trusts. */
    public synchronized Identity ca() {
        return made("ca", a -> authority(a, "CN=Starling Test CA"));
    }

    /** A CA the broker does not trust. */
    public synchronized Identity otherCa() {
        return made("other-ca", a -> authority(a, "CN=Other Test CA"));
    }

    /** Server certificate for 127.0.0.1 and localhost, signed by {@link #ca()}. */
    public synchronized Identity server() {
        return made("server", a -> issue(a, "CN=localhost,O=Starling A", ca(),
                "san=ip:127.0.0.1,dns:localhost", "eku=serverAuth"));
    }

    /** A second server certificate for the same addresses (reload tests tell them apart by subject). */
    public synchronized Identity serverB() {
        return made("server-b", a -> issue(a, "CN=localhost,O=Starling B", ca(),
                "san=ip:127.0.0.1,dns:localhost", "eku=serverAuth"));
    }

    /** Client certificate CN=alice, signed by {@link #ca()}. */
    public synchronized Identity alice() {
        return made("alice", a -> issue(a, "CN=alice,O=Starling Tests", ca(), "eku=clientAuth"));
    }

    /** Client certificate CN=bob with e-mail and DNS subject alternative names, signed by {@link #ca()}. */
    public synchronized Identity bob() {
        return made("bob", a -> issue(a, "CN=bob,O=Starling Tests", ca(),
                "san=email:bob@example.com,dns:bob.example.com", "eku=clientAuth"));
    }

    /** CN=alice too, but signed by {@link #otherCa()}: the name alone must not get in. */
    public synchronized Identity mallory() {
        return made("mallory", a -> issue(a, "CN=alice,O=Impostors", otherCa(), "eku=clientAuth"));
    }

    /** A PKCS#12 trust store holding {@link #ca()}'s certificate. */
    public synchronized Path trustStore() {
        Path file = dir.resolve("trust.p12");
        if (!Files.exists(file)) {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setCertificateEntry("ca", ca().x509());
                try (OutputStream out = Files.newOutputStream(file)) {
                    store.store(out, PASSWORD.toCharArray());
                }
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        return file;
    }

    /** The identity's key as encrypted PKCS#8 PEM (PBES2, AES-256), as {@code openssl pkcs8 -topk8 -v2 aes256}. */
    public Path encryptedPrivateKey(Identity identity, String password) {
        try {
            byte[] salt = new byte[16];
            byte[] iv = new byte[16];
            SecureRandom random = new SecureRandom();
            random.nextBytes(salt);
            random.nextBytes(iv);
            String algorithm = "PBEWithHmacSHA256AndAES_256";
            var secret = SecretKeyFactory.getInstance(algorithm).generateSecret(new PBEKeySpec(password.toCharArray()));
            Cipher cipher = Cipher.getInstance(algorithm);
            cipher.init(Cipher.ENCRYPT_MODE, secret, new PBEParameterSpec(salt, 10_000, new IvParameterSpec(iv)));
            byte[] encrypted = cipher.doFinal(identity.key().getEncoded());
            // EncryptedPrivateKeyInfo(AlgorithmParameters, ...) cannot name PBES2 on JDK 17, so the DER is put
            // together here: SEQUENCE { SEQUENCE { OID pbes2, PBES2-params }, OCTET STRING encrypted }.
            byte[] pbes2 = {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x05, 0x0D};
            byte[] algorithmId = der(0x30, concat(pbes2, cipher.getParameters().getEncoded()));
            byte[] info = der(0x30, concat(algorithmId, der(0x04, encrypted)));
            Path file = dir.resolve(identity.alias() + "-key-encrypted.pem");
            Files.writeString(file, pem("ENCRYPTED PRIVATE KEY", info), StandardCharsets.US_ASCII);
            return file;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A client context trusting {@link #ca()}, presenting {@code client}'s certificate when not null.
     */
    public SSLContext clientContext(Identity client) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca().x509());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (client != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry(client.alias(), client.key(), PASSWORD.toCharArray(), client.x509Chain());
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, PASSWORD.toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : new KeyManager[] {new AlwaysPresent(
                    (X509ExtendedKeyManager) kmf.getKeyManagers()[0], client.alias())},
                    tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Presents the client's certificate whatever the server asks for: the JDK's own key manager sends nothing when
     * the certificate's issuer is not among the CAs the server names, which would hide whether the server checks.
     */
    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager keys;
        private final String alias;

        AlwaysPresent(X509ExtendedKeyManager keys, String alias) {
            this.keys = keys;
            this.alias = alias;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return alias;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return alias;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {alias};
        }

        @Override
        public X509Certificate[] getCertificateChain(String name) {
            return keys.getCertificateChain(name);
        }

        @Override
        public PrivateKey getPrivateKey(String name) {
            return keys.getPrivateKey(name);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }

    // ---- making identities ----

    /** Not computeIfAbsent: making an identity makes its issuer first, which would modify the map re-entrantly. */
    private Identity made(String alias, java.util.function.Function<String, Identity> make) {
        Identity identity = made.get(alias);
        if (identity == null) {
            identity = make.apply(alias);
            made.put(alias, identity);
        }
        return identity;
    }

    private Identity authority(String alias, String dname) {
        Path store = dir.resolve(alias + ".p12");
        keytool("-genkeypair", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
                "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname, "-validity", "3",
                "-ext", "bc:c=ca:true", "-ext", "ku:c=keyCertSign,cRLSign");
        return finish(alias, store, null);
    }

    private Identity issue(String alias, String dname, Identity issuer, String... extensions) {
        Path store = dir.resolve(alias + ".p12");
        Path csr = dir.resolve(alias + ".csr");
        Path signed = dir.resolve(alias + "-signed.pem");
        keytool("-genkeypair", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
                "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname, "-validity", "3");
        keytool("-certreq", "-keystore", store.toString(), "-storepass", PASSWORD, "-alias", alias,
                "-file", csr.toString());
        List<String> gencert = new ArrayList<>(List.of("-gencert", "-keystore", issuer.keyStore().toString(),
                "-storepass", PASSWORD, "-alias", issuer.alias(), "-infile", csr.toString(),
                "-outfile", signed.toString(), "-rfc", "-validity", "2", "-ext", "ku:c=digitalSignature"));
        for (String extension : extensions) {
            gencert.add("-ext");
            gencert.add(extension);
        }
        keytool(gencert.toArray(String[]::new));
        return finish(alias, store, issuer);
    }

    /** Puts the signed chain into the key store (in Java: keytool would need the CA imported first) and writes PEMs. */
    private Identity finish(String alias, Path store, Identity issuer) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keys.load(in, PASSWORD.toCharArray());
            }
            PrivateKey key = (PrivateKey) keys.getKey(alias, PASSWORD.toCharArray());
            X509Certificate[] chain;
            if (issuer == null) {
                chain = new X509Certificate[] {(X509Certificate) keys.getCertificate(alias)};
            } else {
                X509Certificate leaf;
                try (InputStream in = Files.newInputStream(dir.resolve(alias + "-signed.pem"))) {
                    leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
                }
                chain = new X509Certificate[] {leaf, issuer.x509()};
                keys.setKeyEntry(alias, key, PASSWORD.toCharArray(), chain);
                try (OutputStream out = Files.newOutputStream(store)) {
                    keys.store(out, PASSWORD.toCharArray());
                }
            }
            Path certificate = dir.resolve(alias + "-cert.pem");
            Path chainFile = dir.resolve(alias + "-chain.pem");
            Path keyFile = dir.resolve(alias + "-key.pem");
            Files.writeString(certificate, pem("CERTIFICATE", chain[0].getEncoded()), StandardCharsets.US_ASCII);
            StringBuilder chainPem = new StringBuilder();
            for (Certificate c : chain) {
                chainPem.append(pem("CERTIFICATE", c.getEncoded()));
            }
            Files.writeString(chainFile, chainPem, StandardCharsets.US_ASCII);
            Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
            return new Identity(alias, store, certificate, chainFile, keyFile, chain[0], key, chain);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot finish identity " + alias, e);
        }
    }

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] length = n < 0x80 ? new byte[] {(byte) n}
                : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                : new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        return concat(new byte[] {(byte) tag}, length, content);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(keytool);
        command.add("-noprompt");
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool did not finish within 30 s: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed (" + process.exitValue() + "): " + command + "\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + keytool, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
