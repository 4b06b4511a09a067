package io.starling.mqtt.auth;

import io.starling.mqtt.api.AuthenticationResult;
import io.starling.mqtt.api.Authenticator;
import io.starling.mqtt.api.Credentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Checks user names and passwords against a file in the format Mosquitto's {@code mosquitto_passwd} writes, so an
 * existing file works unchanged: one {@code user:hash} per line, where the hash is {@code $7$ITERATIONS$SALT$HASH}
 * (PBKDF2-HMAC-SHA512, Mosquitto 2's default) or {@code $6$SALT$HASH} (salted SHA-512, Mosquitto 1.x), salt and hash
 * in Base64.
 *
 * <p>The hash is computed off the event loop (on the common pool); comparisons take the same time whether the user
 * exists or not, so timing does not reveal user names.
 */
public final class PasswordFileAuthenticator implements Authenticator {
    private static final PasswordHash UNKNOWN_USER = PasswordHash.parse(
            "$7$101$AAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==");

    private final Map<String, PasswordHash> users;

    private PasswordFileAuthenticator(Map<String, PasswordHash> users) {
        this.users = Map.copyOf(users);
    }

    /** Reads a password file; a malformed line fails with the file, the line number and the reason. */
    public static PasswordFileAuthenticator load(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, PasswordHash> users = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected 'user:hash'");
            }
            try {
                users.put(line.substring(0, colon), PasswordHash.parse(line.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return new PasswordFileAuthenticator(users);
    }

    public int userCount() {
        return users.size();
    }

    @Override
    public CompletionStage<AuthenticationResult> authenticate(Credentials credentials) {
        String username = credentials.client().username();
        byte[] password = credentials.password();
        return CompletableFuture.supplyAsync(() -> check(username, password));
    }

    private AuthenticationResult check(String username, byte[] password) {
        PasswordHash expected = username == null ? null : users.get(username);
        byte[] offered = password == null ? new byte[0] : password;
        // Hash even for an unknown user, so both answers take the same time.
        boolean matches = (expected == null ? UNKNOWN_USER : expected).matches(offered);
        return expected != null && password != null && matches
                ? AuthenticationResult.ACCEPTED : AuthenticationResult.BAD_USERNAME_OR_PASSWORD;
    }

    /** One stored hash. */
    record PasswordHash(int iterations, byte[] salt, byte[] hash) {
        static PasswordHash parse(String text) {
            String[] parts = text.split("\\$", -1);
            try {
                if (parts.length == 5 && parts[0].isEmpty() && parts[1].equals("7")) {
                    int iterations = Integer.parseInt(parts[2]);
                    if (iterations < 1) {
                        throw new IllegalArgumentException("iterations must be positive");
                    }
                    return new PasswordHash(iterations, decode(parts[3]), decode(parts[4]));
                }
                if (parts.length == 4 && parts[0].isEmpty() && parts[1].equals("6")) {
                    return new PasswordHash(0, decode(parts[2]), decode(parts[3]));
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad iteration count in password hash");
            }
            throw new IllegalArgumentException("unsupported password hash (expected $7$ or $6$ as mosquitto_passwd writes)");
        }

        private static byte[] decode(String base64) {
            try {
                return Base64.getDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("password hash is not valid Base64");
            }
        }

        boolean matches(byte[] password) {
            return MessageDigest.isEqual(compute(password), hash);
        }

        private byte[] compute(byte[] password) {
            try {
                if (iterations == 0) {
                    MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
                    sha512.update(password);
                    sha512.update(salt);
                    return sha512.digest();
                }
                // The JDK's PBKDF2 key factory takes chars and encodes them itself; Mosquitto hashes the password's
                // raw bytes. Computing PBKDF2 over the bytes keeps non-ASCII passwords compatible.
                return Pbkdf2.sha512(password, salt, iterations, hash.length);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-512 is not available", e);
            }
        }
    }

    /** PBKDF2-HMAC-SHA512 over raw password bytes (RFC 8018), as OpenSSL's PKCS5_PBKDF2_HMAC computes it. */
    static final class Pbkdf2 {
        private Pbkdf2() {}

        static byte[] sha512(byte[] password, byte[] salt, int iterations, int length) throws GeneralSecurityException {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA512");
            // HMAC pads its key with zero bytes, so one zero byte is the same key as an empty one (which
            // SecretKeySpec refuses).
            mac.init(new javax.crypto.spec.SecretKeySpec(password.length == 0 ? new byte[1] : password, "HmacSHA512"));
            int blocks = (length + 63) / 64;
            byte[] out = new byte[length];
            for (int block = 1; block <= blocks; block++) {
                mac.update(salt);
                mac.update(new byte[] {(byte) (block >>> 24), (byte) (block >>> 16), (byte) (block >>> 8), (byte) block});
                byte[] u = mac.doFinal();
                byte[] t = u.clone();
                for (int i = 1; i < iterations; i++) {
                    u = mac.doFinal(u);
                    for (int j = 0; j < t.length; j++) {
                        t[j] ^= u[j];
                    }
                }
                System.arraycopy(t, 0, out, (block - 1) * 64, Math.min(64, length - (block - 1) * 64));
            }
            return out;
        }
    }
}
