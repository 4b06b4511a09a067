package io.starling.mqtt.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starling.mqtt.api.AuthenticationResult;
import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.api.Credentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
        assertThat(check(auth, null, null)).isEqualTo(AuthenticationResult.BAD_USERNAME_OR_PASSWORD);
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

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    }
}
