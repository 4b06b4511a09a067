package io.starling.mqtt.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starling.mqtt.api.AuthenticationResult;
import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.api.Credentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Password files as Mosquitto's mosquitto_passwd writes them. */
@Timeout(30)
class PasswordFileAuthenticatorTest {
    // Written by Debian's mosquitto_passwd 2.0.11: `mosquitto_passwd -c -b pw alice s3cret`.
    private static final String ALICE =
            "alice:$7$101$jZfgmcG4grImqBTp$WGurbea703oHH69CUCam22iLiN2jLWpKxJmO9Tgn3vfYeA9DXjFv+t8PJpaJ4Nfu7WOIcBhXPJCs+vjMDyONhw==";

    @TempDir
    Path dir;

    private static AuthenticationResult check(PasswordFileAuthenticator auth, String user, String password)
            throws Exception {
        byte[] bytes = password == null ? null : password.getBytes(StandardCharsets.UTF_8);
        return auth.authenticate(new Credentials(new ClientInfo("c", user, "x"), bytes)).toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("a $7$ (PBKDF2-SHA512) line written by mosquitto_passwd accepts its password and nothing else")
    void storedMosquittoLine() throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), "# users\n\n" + ALICE + "\n");
        PasswordFileAuthenticator auth = PasswordFileAuthenticator.load(file);
        assertThat(auth.userCount()).isEqualTo(1);
        assertThat(check(auth, "alice", "s3cret")).isEqualTo(AuthenticationResult.ACCEPTED);
        assertThat(check(auth, "alice", "s3cret ")).isEqualTo(AuthenticationResult.BAD_USERNAME_OR_PASSWORD);
        assertThat(check(auth, "alice", null)).isEqualTo(AuthenticationResult.BAD_USERNAME_OR_PASSWORD);
        assertThat(check(auth, "mallory", "s3cret")).isEqualTo(AuthenticationResult.BAD_USERNAME_OR_PASSWORD);
        assertThat(check(auth, null, null)).as("anonymous: 0x05, as Mosquitto").isEqualTo(AuthenticationResult.NOT_AUTHORIZED);
    }

    @Test
    @DisplayName("a user name taken from a verified client certificate needs no password")
    void certificateIdentity() throws Exception {
        PasswordFileAuthenticator auth = PasswordFileAuthenticator.load(Files.writeString(dir.resolve("pw"), ALICE + "\n"));
        Credentials byCertificate = new Credentials(new ClientInfo("c", "device-9", "x"), null, List.of(), "device-9");
        assertThat(auth.authenticate(byCertificate).toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isEqualTo(AuthenticationResult.ACCEPTED);
        assertThat(check(auth, "device-9", null)).as("the same name without a certificate")
                .isEqualTo(AuthenticationResult.BAD_USERNAME_OR_PASSWORD);
    }

    @Test
    @DisplayName("files made now by Debian's mosquitto_passwd, both hash formats, non-ASCII and empty passwords")
    void filesFromMosquittoPasswd() throws Exception {
        Path tool = Path.of("/usr/bin/mosquitto_passwd");
        Assumptions.assumeTrue(Files.isExecutable(tool),
                "mosquitto_passwd not installed (apt-get install mosquitto); .ci/run installs it");
        Path file = dir.resolve("pw");
        run(tool.toString(), "-c", "-b", file.toString(), "alice", "s3cret");
        run(tool.toString(), "-b", file.toString(), "bob", "pässwörd");
        run(tool.toString(), "-b", file.toString(), "carol", "");
        run(tool.toString(), "-H", "sha512", "-b", file.toString(), "dave", "old-style");
        PasswordFileAuthenticator auth = PasswordFileAuthenticator.load(file);
        assertThat(auth.userCount()).isEqualTo(4);
        assertThat(check(auth, "alice", "s3cret")).isEqualTo(AuthenticationResult.ACCEPTED);
        assertThat(check(auth, "bob", "pässwörd")).isEqualTo(AuthenticationResult.ACCEPTED);
        assertThat(check(auth, "bob", "passwort")).isEqualTo(AuthenticationResult.BAD_USERNAME_OR_PASSWORD);
        assertThat(check(auth, "carol", "")).isEqualTo(AuthenticationResult.ACCEPTED);
        assertThat(check(auth, "dave", "old-style")).isEqualTo(AuthenticationResult.ACCEPTED);
        assertThat(check(auth, "dave", "new-style")).isEqualTo(AuthenticationResult.BAD_USERNAME_OR_PASSWORD);
    }

    @Test
    @DisplayName("a malformed line fails loading with the file and line number")
    void malformedLines() throws IOException {
        Path noColon = Files.writeString(dir.resolve("a"), ALICE + "\nbroken line\n");
        assertThatThrownBy(() -> PasswordFileAuthenticator.load(noColon))
                .hasMessage(noColon + " line 2: expected 'user:hash'");
        Path plain = Files.writeString(dir.resolve("b"), "bob:plaintext\n");
        assertThatThrownBy(() -> PasswordFileAuthenticator.load(plain))
                .hasMessageStartingWith(plain + " line 1: unsupported password hash");
    }

    @Test
    @DisplayName("reload switches to the file's new users: added, changed and removed users take effect; file() is the path")
    void reloadPicksUpChanges() throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), ALICE + "\n");
        PasswordFileAuthenticator auth = PasswordFileAuthenticator.load(file);
        assertThat(auth.file()).isEqualTo(file);
        PasswordFile.read(file).withUser("bob", "b0b".toCharArray(), new SecureRandom()).write(file);
        assertThat(check(auth, "bob", "b0b")).as("not before reload").isEqualTo(AuthenticationResult.BAD_USERNAME_OR_PASSWORD);

        auth.reload();
        assertThat(auth.userCount()).isEqualTo(2);
        assertThat(check(auth, "bob", "b0b")).isEqualTo(AuthenticationResult.ACCEPTED);

        PasswordFile.read(file).withoutUser("bob").withUser("alice", "n3w".toCharArray(), new SecureRandom()).write(file);
        auth.reload();
        assertThat(auth.userCount()).isEqualTo(1);
        assertThat(check(auth, "bob", "b0b")).isEqualTo(AuthenticationResult.BAD_USERNAME_OR_PASSWORD);
        assertThat(check(auth, "alice", "s3cret")).isEqualTo(AuthenticationResult.BAD_USERNAME_OR_PASSWORD);
        assertThat(check(auth, "alice", "n3w")).isEqualTo(AuthenticationResult.ACCEPTED);
    }

    @Test
    @DisplayName("a reload that fails (malformed line, file gone) throws and keeps the users loaded before")
    void failedReloadKeepsOldUsers() throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), ALICE + "\n");
        PasswordFileAuthenticator auth = PasswordFileAuthenticator.load(file);

        Files.writeString(file, "bob:plaintext\n");
        assertThatThrownBy(auth::reload).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + " line 1: unsupported password hash");
        assertThat(check(auth, "alice", "s3cret")).isEqualTo(AuthenticationResult.ACCEPTED);

        Files.delete(file);
        assertThatThrownBy(auth::reload).isInstanceOf(NoSuchFileException.class);
        assertThat(auth.userCount()).isEqualTo(1);
        assertThat(check(auth, "alice", "s3cret")).isEqualTo(AuthenticationResult.ACCEPTED);
    }

    @Test
    @DisplayName("reloading over and over while another thread authenticates: a user in every version is never refused")
    void reloadWhileAuthenticating() throws Exception {
        // Two versions of the file; "steady" has the same password in both, the other user differs.
        SecureRandom random = new SecureRandom();
        PasswordFile first = PasswordFile.empty().withUser("steady", "pw".toCharArray(), random)
                .withUser("one", "1".toCharArray(), random);
        PasswordFile second = PasswordFile.empty().withUser("two", "2".toCharArray(), random)
                .withUser("steady", "pw".toCharArray(), random);
        Path file = dir.resolve("pw");
        first.write(file);
        PasswordFileAuthenticator auth = PasswordFileAuthenticator.load(file);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger checks = new AtomicInteger();
        List<Object> wrong = new CopyOnWriteArrayList<>();
        Thread checker = new Thread(() -> {
            while (!stop.get()) {
                try {
                    AuthenticationResult result = check(auth, "steady", "pw");
                    if (result != AuthenticationResult.ACCEPTED) {
                        wrong.add(result);
                    }
                } catch (Exception e) {
                    wrong.add(e);
                }
                checks.incrementAndGet();
            }
        }, "checker");
        checker.start();
        int reloads = 0;
        try {
            // Until the checker has overlapped plenty of reloads; bounded by the class timeout.
            while (checks.get() < 300 || reloads < 300) {
                (reloads % 2 == 0 ? second : first).write(file);
                auth.reload();
                reloads++;
            }
        } finally {
            stop.set(true);
            checker.join(10_000);
        }
        assertThat(checker.isAlive()).isFalse();
        assertThat(wrong).as("refusals or errors for a user present in every version").isEmpty();
        // The last write was `second` when reloads is odd.
        String present = reloads % 2 == 1 ? "two" : "one";
        String absent = reloads % 2 == 1 ? "one" : "two";
        assertThat(check(auth, present, present.equals("two") ? "2" : "1")).isEqualTo(AuthenticationResult.ACCEPTED);
        assertThat(check(auth, absent, absent.equals("two") ? "2" : "1"))
                .isEqualTo(AuthenticationResult.BAD_USERNAME_OR_PASSWORD);
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    }
}
