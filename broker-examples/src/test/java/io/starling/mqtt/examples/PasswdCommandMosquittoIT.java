package io.starling.mqtt.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.AuthenticationResult;
import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.api.Credentials;
import io.starling.mqtt.auth.PasswordFileAuthenticator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code passwd} command against Debian's Mosquitto 2: a file it writes is accepted by a real {@code mosquitto}
 * broker (checked with {@code mosquitto_pub -u/-P}) and by {@link PasswordFileAuthenticator}; a file from
 * {@code mosquitto_passwd} that it updates stays valid for both, and for {@code mosquitto_passwd} itself. Skipped when
 * the Mosquitto binaries are not installed.
 */
@Timeout(60)
class PasswdCommandMosquittoIT {
    private static final List<Path> BROKER_CANDIDATES =
            List.of(Path.of("/usr/sbin/mosquitto"), Path.of("/usr/bin/mosquitto"), Path.of("/usr/local/sbin/mosquitto"));
    private static final Path MOSQUITTO_PASSWD = Path.of("/usr/bin/mosquitto_passwd");
    private static final Path MOSQUITTO_PUB = Path.of("/usr/bin/mosquitto_pub");
    private static final Duration EXIT = Duration.ofSeconds(15);

    private static Path mosquitto;

    @TempDir
    Path dir;

    private Process broker;
    private final AtomicInteger runs = new AtomicInteger();

    @BeforeAll
    static void requireMosquitto() {
        Optional<Path> found = BROKER_CANDIDATES.stream().filter(Files::isExecutable).findFirst();
        Assumptions.assumeTrue(found.isPresent(), "mosquitto broker not installed (apt-get install mosquitto)");
        Assumptions.assumeTrue(Files.isExecutable(MOSQUITTO_PASSWD),
                "mosquitto_passwd not installed (apt-get install mosquitto)");
        Assumptions.assumeTrue(Files.isExecutable(MOSQUITTO_PUB),
                "mosquitto_pub not installed (apt-get install mosquitto-clients)");
        mosquitto = found.get();
    }

    @AfterEach
    void stopBroker() throws InterruptedException {
        if (broker != null && broker.isAlive()) {
            broker.destroyForcibly();
            assertThat(broker.waitFor(5, TimeUnit.SECONDS)).as("mosquitto ended after SIGKILL").isTrue();
        }
    }

    @Test
    @DisplayName("a file written by passwd (-c -b, then a prompted user) is accepted by Starling and by the mosquitto broker, "
            + "right passwords only")
    void ourFileWorksInMosquitto() throws Exception {
        Path file = dir.resolve("passwords");
        assertThat(passwd("", "-c", "-b", file.toString(), "alice", "s3cret")).isZero();
        assertThat(passwd("b0b-pw\nb0b-pw\n", file.toString(), "bob")).isZero();

        assertThat(starlingAccepts(file, "alice", "s3cret")).isTrue();
        assertThat(starlingAccepts(file, "bob", "b0b-pw")).isTrue();
        assertThat(starlingAccepts(file, "alice", "wrong")).isFalse();

        int port = startMosquitto(file);
        assertPublishAccepted(port, "alice", "s3cret");
        assertPublishAccepted(port, "bob", "b0b-pw");
        assertPublishRefused(port, "alice", "wrong");
        assertPublishRefused(port, "bob", "s3cret");
        assertPublishRefused(port, "mallory", "s3cret");
    }

    @Test
    @DisplayName("a non-ASCII password set by passwd is hashed over the same UTF-8 bytes mosquitto checks")
    void nonAsciiPassword() throws Exception {
        Assumptions.assumeTrue(Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8")).equals(StandardCharsets.UTF_8),
                "command-line arguments to child processes are not UTF-8 here (set LANG=C.UTF-8)");
        Path file = dir.resolve("passwords");
        assertThat(passwd("", "-c", "-b", file.toString(), "jürgen", "pässwörd")).isZero();
        assertThat(starlingAccepts(file, "jürgen", "pässwörd")).isTrue();

        int port = startMosquitto(file);
        assertPublishAccepted(port, "jürgen", "pässwörd");
        assertPublishRefused(port, "jürgen", "passwort");
    }

    @Test
    @DisplayName("a mosquitto_passwd file updated by passwd keeps its first user valid and adds the second, for Starling, "
            + "the mosquitto broker and mosquitto_passwd")
    void mosquittoFileUpdatedByUs() throws Exception {
        Path file = dir.resolve("passwords");
        run(MOSQUITTO_PASSWD.toString(), "-c", "-b", file.toString(), "carol", "c4rol");
        run(MOSQUITTO_PASSWD.toString(), "-H", "sha512", "-b", file.toString(), "dave", "d4ve");
        List<String> before = Files.readAllLines(file);

        assertThat(passwd("", "-b", file.toString(), "erin", "3rin")).isZero();

        List<String> after = Files.readAllLines(file);
        assertThat(after.subList(0, 2)).as("mosquitto_passwd's lines unchanged").isEqualTo(before);
        assertThat(after).hasSize(3);
        assertThat(after.get(2)).startsWith("erin:$7$101$");
        for (String[] user : new String[][] {{"carol", "c4rol"}, {"dave", "d4ve"}, {"erin", "3rin"}}) {
            assertThat(starlingAccepts(file, user[0], user[1])).as(user[0]).isTrue();
        }

        int port = startMosquitto(file);
        assertPublishAccepted(port, "carol", "c4rol");
        assertPublishAccepted(port, "dave", "d4ve");
        assertPublishAccepted(port, "erin", "3rin");
        assertPublishRefused(port, "erin", "c4rol");

        // mosquitto_passwd reads our line too: it can delete that user and add another beside it.
        run(MOSQUITTO_PASSWD.toString(), "-D", file.toString(), "erin");
        run(MOSQUITTO_PASSWD.toString(), "-b", file.toString(), "frank", "fr4nk");
        assertThat(starlingAccepts(file, "erin", "3rin")).isFalse();
        assertThat(starlingAccepts(file, "frank", "fr4nk")).isTrue();
        assertThat(starlingAccepts(file, "carol", "c4rol")).isTrue();
    }

    // ---- helpers ----

    private static int passwd(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = PasswdCommand.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        if (code != 0) {
            System.err.println(err.toString(StandardCharsets.UTF_8));
        }
        return code;
    }

    private static boolean starlingAccepts(Path file, String user, String password) throws Exception {
        return PasswordFileAuthenticator.load(file)
                .authenticate(new Credentials(new ClientInfo("c", user, "x"), password.getBytes(StandardCharsets.UTF_8)))
                .toCompletableFuture().get(5, TimeUnit.SECONDS) == AuthenticationResult.ACCEPTED;
    }

    /** Starts mosquitto on a free 127.0.0.1 port with only {@code passwords} for authentication; returns the port. */
    private int startMosquitto(Path passwords) throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("mosquitto.conf"), String.join("\n",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous false",
                "password_file " + passwords,
                "persistence false",
                "log_dest stderr",
                // As root, mosquitto would switch to the 'mosquitto' user, which cannot read our rw------- file.
                "user " + System.getProperty("user.name"),
                ""));
        Path log = dir.resolve("mosquitto.log");
        broker = new ProcessBuilder(mosquitto.toString(), "-c", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        await("mosquitto listening on 127.0.0.1:" + port)
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!broker.isAlive()) {
                        throw new AssertionError("mosquitto exited with " + broker.exitValue() + ":\n"
                                + Files.readString(log));
                    }
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
        return port;
    }

    private void assertPublishAccepted(int port, String user, String password) throws Exception {
        Run pub = mosquittoPub(port, user, password);
        assertThat(pub.code()).as("mosquitto_pub as %s\n%s", user, pub.output()).isZero();
    }

    private void assertPublishRefused(int port, String user, String password) throws Exception {
        Run pub = mosquittoPub(port, user, password);
        assertThat(pub.code()).as("mosquitto_pub as %s\n%s", user, pub.output()).isNotZero();
        assertThat(pub.output()).contains("not authorised");
    }

    private Run mosquittoPub(int port, String user, String password) throws Exception {
        return execute(MOSQUITTO_PUB.toString(), "-h", "127.0.0.1", "-p", String.valueOf(port), "-i", "passwd-it-" + user,
                "-u", user, "-P", password, "-q", "1", "-t", "passwd/it", "-m", "hello");
    }

    private void run(String... command) throws Exception {
        Run result = execute(command);
        assertThat(result.code()).as(result.output()).isZero();
    }

    private record Run(int code, String output) {}

    /** Runs a command to its end within {@link #EXIT}, output in a file so that it can never block on a full pipe. */
    private Run execute(String... command) throws Exception {
        Path output = dir.resolve("run-" + runs.incrementAndGet() + ".out");
        Process process = new ProcessBuilder(new ArrayList<>(List.of(command)))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!process.waitFor(EXIT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("still running after " + EXIT + ": " + String.join(" ", command));
        }
        return new Run(process.exitValue(), String.join(" ", command) + "\n" + Files.readString(output));
    }
}
