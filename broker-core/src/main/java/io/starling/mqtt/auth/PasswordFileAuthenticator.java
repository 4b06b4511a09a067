package io.starling.mqtt.auth;

import io.starling.mqtt.api.AuthenticationResult;
import io.starling.mqtt.api.Authenticator;
import io.starling.mqtt.api.Credentials;
import io.starling.mqtt.auth.PasswordFile.PasswordHash;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Checks user names and passwords against a file in the format Mosquitto's {@code mosquitto_passwd} writes, so an
 * existing file works unchanged: one {@code user:hash} per line, where the hash is {@code $7$ITERATIONS$SALT$HASH}
 * (PBKDF2-HMAC-SHA512, Mosquitto 2's default) or {@code $6$SALT$HASH} (salted SHA-512, Mosquitto 1.x), salt and hash
 * in Base64. {@link PasswordFile} reads and edits such files.
 *
 * <p>The hash is computed off the event loop (on the common pool); comparisons take the same time whether the user
 * exists or not, so timing does not reveal user names.
 *
 * <p>{@link #reload()} re-reads the file and replaces all users in one step: a check in progress uses either the old
 * users or the new ones, never a mix.
 */
public final class PasswordFileAuthenticator implements Authenticator {
    private static final PasswordHash UNKNOWN_USER = PasswordHash.parse(
            "$7$101$AAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==");

    private final Path file;
    private volatile Map<String, PasswordHash> users;

    private PasswordFileAuthenticator(Path file, Map<String, PasswordHash> users) {
        this.file = file;
        this.users = Map.copyOf(users);
    }

    /** Reads a password file; a malformed line fails with the file, the line number and the reason. */
    public static PasswordFileAuthenticator load(Path file) throws IOException {
        return new PasswordFileAuthenticator(file, PasswordFile.read(file).hashes());
    }

    /**
     * Reads the file again and switches to its users at once (for example after {@code passwd} changed it). On any
     * failure the users loaded before stay in force.
     *
     * @throws IOException if the file cannot be read (for example it no longer exists)
     * @throws IllegalArgumentException for a malformed line, with the file, the line number and the reason
     */
    public synchronized void reload() throws IOException {
        // Synchronized so that of two concurrent reloads the one that read later also publishes later.
        users = Map.copyOf(PasswordFile.read(file).hashes());
    }

    /** The file this authenticator reads, as given to {@link #load}. */
    public Path file() {
        return file;
    }

    public int userCount() {
        return users.size();
    }

    @Override
    public CompletionStage<AuthenticationResult> authenticate(Credentials credentials) {
        if (credentials.authenticatedByCertificate()) {
            // The TLS handshake verified the client certificate the user name comes from, as Mosquitto does with
            // use_identity_as_username: no password to check.
            return CompletableFuture.completedFuture(AuthenticationResult.ACCEPTED);
        }
        String username = credentials.client().username();
        if (username == null) {
            // No user name: an anonymous client, which only an explicit allowAnonymous(true) lets in (the broker
            // then does not ask this authenticator). 0x05, as Mosquitto answers anonymous clients it refuses.
            return CompletableFuture.completedFuture(AuthenticationResult.NOT_AUTHORIZED);
        }
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
}
