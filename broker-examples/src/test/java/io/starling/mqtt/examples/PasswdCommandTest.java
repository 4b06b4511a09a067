package io.starling.mqtt.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.api.AuthenticationResult;
import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.api.Credentials;
import io.starling.mqtt.auth.PasswordFile;
import io.starling.mqtt.auth.PasswordFileAuthenticator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The {@code passwd} launcher command: options, prompts and every refusal, run in-process. */
@Timeout(30)
class PasswdCommandTest {
    private static final String WARNING = "starling passwd: warning: a password given with -b is visible";

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
        /** Asserts that none of {@code secrets} was printed. */
        Result printedNone(String... secrets) {
            for (String secret : secrets) {
                assertThat(out + err).as("output must not show a password").doesNotContain(secret);
            }
            return this;
        }
    }

    private static Result passwd(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = PasswdCommand.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static boolean accepts(Path file, String user, String password) throws Exception {
        PasswordFileAuthenticator auth = PasswordFileAuthenticator.load(file);
        return auth.authenticate(new Credentials(new ClientInfo("c", user, "x"),
                        password.getBytes(StandardCharsets.UTF_8)))
                .toCompletableFuture().get(5, TimeUnit.SECONDS) == AuthenticationResult.ACCEPTED;
    }

    private Path fileWith(String... users) throws IOException {
        PasswordFile content = PasswordFile.empty();
        for (String user : users) {
            content = content.withUser(user, ("pw-" + user).toCharArray(), new SecureRandom());
        }
        Path file = dir.resolve("pw");
        content.write(file);
        return file;
    }

    @Test
    @DisplayName("-c -b creates the file with the user, rw-------, warns that the password is visible, prints nothing else")
    void createBatch() throws Exception {
        Path file = dir.resolve("pw");
        Result r = passwd("", "-c", "-b", file.toString(), "alice", "s3cret").printedNone("s3cret");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith(WARNING).contains("process list").hasLineCount(1);
        assertThat(accepts(file, "alice", "s3cret")).isTrue();
        assertThat(accepts(file, "alice", "S3cret")).isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    @DisplayName("-c replaces an existing file: the users it had are gone")
    void createReplaces() throws Exception {
        Path file = fileWith("old");
        assertThat(passwd("", "-c", "-b", file.toString(), "new", "n").code()).isZero();
        assertThat(PasswordFile.read(file).users()).containsExactly("new");
    }

    @Test
    @DisplayName("-b on an existing file adds the user last and keeps the other lines byte for byte")
    void batchAddsKeepingOthers() throws Exception {
        Path file = fileWith("alice", "bob");
        Files.writeString(file, "# team\n" + Files.readString(file));
        List<String> before = Files.readAllLines(file);

        assertThat(passwd("", "-b", file.toString(), "carol", "c4rol").printedNone("c4rol").code()).isZero();

        List<String> after = Files.readAllLines(file);
        assertThat(after.subList(0, before.size())).isEqualTo(before);
        assertThat(after).hasSize(before.size() + 1);
        assertThat(after.get(before.size())).startsWith("carol:$7$101$");
        assertThat(accepts(file, "carol", "c4rol")).isTrue();
        assertThat(accepts(file, "alice", "pw-alice")).isTrue();
    }

    @Test
    @DisplayName("-b for an existing user changes that user's password in place")
    void batchChangesPassword() throws Exception {
        Path file = fileWith("alice", "bob");
        assertThat(passwd("", "-b", file.toString(), "alice", "n3w").code()).isZero();
        assertThat(PasswordFile.read(file).users()).containsExactly("alice", "bob");
        assertThat(accepts(file, "alice", "n3w")).isTrue();
        assertThat(accepts(file, "alice", "pw-alice")).isFalse();
        assertThat(accepts(file, "bob", "pw-bob")).isTrue();
    }

    @Test
    @DisplayName("without -b the password is read twice from standard input (LF or CRLF, UTF-8), silently")
    void promptFromStdin() throws Exception {
        Path file = fileWith("alice");
        Result r = passwd("pässwört\r\npässwört\r\n", file.toString(), "bob").printedNone("pässwört");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEmpty();
        assertThat(accepts(file, "bob", "pässwört")).isTrue();

        assertThat(passwd("last\nlast", file.toString(), "carol").code()).as("no newline at the end").isZero();
        assertThat(accepts(file, "carol", "last")).isTrue();
    }

    @Test
    @DisplayName("-c without -b asks for the password too")
    void createWithPrompt() throws Exception {
        Path file = dir.resolve("new");
        assertThat(passwd("pw\npw\n", "-c", file.toString(), "alice").code()).isZero();
        assertThat(accepts(file, "alice", "pw")).isTrue();
    }

    @Test
    @DisplayName("passwords that do not match, a missing second line, or an empty password: exit 1, file unchanged")
    void promptRefusals() throws Exception {
        Path file = fileWith("alice");
        String before = Files.readString(file);

        Result mismatch = passwd("one\ntwo\n", file.toString(), "alice").printedNone("one", "two");
        assertThat(mismatch.code()).isEqualTo(1);
        assertThat(mismatch.err()).isEqualTo("starling passwd: passwords do not match\n");

        Result once = passwd("once\n", file.toString(), "alice").printedNone("once");
        assertThat(once.code()).isEqualTo(1);
        assertThat(once.err()).startsWith("starling passwd: no password given");
        assertThat(passwd("", file.toString(), "alice").code()).isEqualTo(1);

        Result empty = passwd("\n\n", file.toString(), "alice");
        assertThat(empty.code()).isEqualTo(1);
        assertThat(empty.err()).startsWith("starling passwd: empty password refused");

        assertThat(Files.readString(file)).isEqualTo(before);
    }

    @Test
    @DisplayName("-b with an empty PASSWORD sets an empty password, as mosquitto_passwd allows")
    void batchEmptyPassword() throws Exception {
        Path file = fileWith("alice");
        assertThat(passwd("", "-b", file.toString(), "guest", "").code()).isZero();
        assertThat(accepts(file, "guest", "")).isTrue();
    }

    @Test
    @DisplayName("without -c a missing file is an error that suggests -c, and no file appears")
    void missingFile() {
        Path file = dir.resolve("absent");
        Result r = passwd("pw\npw\n", "-b", file.toString(), "alice", "pw");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).endsWith("starling passwd: " + file + " does not exist; -c creates it\n");
        assertThat(file).doesNotExist();
    }

    @Test
    @DisplayName("-D deletes the user and keeps the others; an unknown user is an error and changes nothing")
    void delete() throws Exception {
        Path file = fileWith("alice", "bob", "carol");
        Result r = passwd("", "-D", file.toString(), "bob");
        assertThat(r.code()).isZero();
        assertThat(r.out() + r.err()).isEmpty();
        assertThat(PasswordFile.read(file).users()).containsExactly("alice", "carol");
        assertThat(accepts(file, "carol", "pw-carol")).isTrue();

        String before = Files.readString(file);
        Result unknown = passwd("", "-D", file.toString(), "bob");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("starling passwd: user 'bob' not found in " + file + "\n");
        assertThat(Files.readString(file)).isEqualTo(before);

        Result missing = passwd("", "-D", dir.resolve("absent").toString(), "bob");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("does not exist");
    }

    @Test
    @DisplayName("a user name with ':', a control character or surrounding blanks is refused before any password is read")
    void badUserNames() throws Exception {
        Path file = fileWith("alice");
        String before = Files.readString(file);
        assertThat(passwd("", "-b", file.toString(), "a:b", "pw").err())
                .endsWith("starling passwd: user name must not contain ':'\n");
        assertThat(passwd("", "-b", file.toString(), "a\tb", "pw").err())
                .endsWith("starling passwd: user name must not contain control characters or invalid UTF-16\n");
        Result blank = passwd("pw\npw\n", file.toString(), " alice");
        assertThat(blank.code()).isEqualTo(1);
        assertThat(blank.err()).isEqualTo("starling passwd: user name must not start or end with white space\n");
        assertThat(Files.readString(file)).isEqualTo(before);
    }

    @Test
    @DisplayName("option misuse exits 1 with the reason and the usage line: -c with -D, -b with -D, wrong operand counts, unknown option")
    void usageErrors() {
        String usage = "\n" + PasswdCommand.USAGE + "\n";
        assertThat(passwd("").err()).isEqualTo("starling passwd: expected FILE and USER" + usage);
        assertThat(passwd("", "-c", "-D", "f", "u").err())
                .isEqualTo("starling passwd: -c and -D cannot be used together" + usage);
        assertThat(passwd("", "-b", "-D", "f", "u").err())
                .isEqualTo("starling passwd: -b and -D cannot be used together" + usage);
        assertThat(passwd("", "-b", "f", "u").err()).isEqualTo("starling passwd: -b needs FILE, USER and PASSWORD" + usage);
        assertThat(passwd("", "f", "u", "pw").printedNone("pw").err())
                .isEqualTo("starling passwd: a PASSWORD on the command line needs -b" + usage);
        assertThat(passwd("", "f").err()).isEqualTo("starling passwd: expected FILE and USER" + usage);
        assertThat(passwd("", "-x", "f", "u").err()).isEqualTo("starling passwd: unknown option '-x'" + usage);
        for (String[] args : List.of(new String[0], new String[] {"-c", "-D", "f", "u"}, new String[] {"-x", "f", "u"})) {
            assertThat(passwd("", args).code()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("-- ends the options, so a user name may start with '-'")
    void doubleDash() throws Exception {
        Path file = fileWith("alice");
        assertThat(passwd("", "-b", "--", file.toString(), "-dash", "pw").code()).isZero();
        assertThat(accepts(file, "-dash", "pw")).isTrue();
    }

    @Test
    @DisplayName("--help prints the usage and the options on stdout and exits 0")
    void help() {
        Result r = passwd("", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith(PasswdCommand.USAGE + "\n").contains("  -c ", "  -b ", "  -D ");
        assertThat(r.err()).isEmpty();
        assertThat(PasswdCommand.USAGE)
                .isEqualTo("usage: java -jar starling-broker.jar passwd [-c] [-b] [-D] FILE USER [PASSWORD]");
    }

    @Test
    @DisplayName("a malformed existing file is reported with its line number and left alone")
    void malformedFile() throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), "alice:plaintext\n");
        Result r = passwd("", "-b", file.toString(), "bob", "pw");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).endsWith("starling passwd: " + file + " line 1: unsupported password hash "
                + "(expected $7$ or $6$ as mosquitto_passwd writes)\n");
        assertThat(file).hasContent("alice:plaintext");
    }

    @Test
    @DisplayName("a FILE that cannot be written (its directory is missing) is an error naming the file")
    void unwritable() {
        Path file = dir.resolve("no-such-dir").resolve("pw");
        Result r = passwd("", "-c", "-b", file.toString(), "alice", "pw");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("starling passwd: cannot write " + file.toAbsolutePath() + ": ");
    }
}
