package io.starling.mqtt.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.netty.StarlingBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shaded launcher as a user runs it: {@code java -jar starling-broker.jar ...} in a child JVM. Needs the jar,
 * which {@code package} builds before failsafe runs in {@code verify}: {@code <starling.target>/starling-broker.jar}
 * when that property is set, else {@code target/starling-broker.jar} of this module.
 */
@Timeout(60)
class StandaloneBrokerIT {
    private static final Pattern LISTENING = Pattern.compile("Starling MQTT broker listening on (?:127\\.0\\.0\\.1|0\\.0\\.0\\.0):(\\d+)");
    private static final Duration STARTUP = Duration.ofSeconds(20);
    private static final Path JAR = jar();

    @TempDir
    Path dir;

    private final List<Launched> launched = new ArrayList<>();

    private static Path jar() {
        String target = System.getProperty("starling.target");
        Path folder = target != null && !target.isBlank()
                ? Path.of(target)
                : Path.of(System.getProperty("user.dir"), "target");
        return folder.resolve("starling-broker.jar").toAbsolutePath();
    }

    @BeforeAll
    static void jarIsBuilt() {
        assertThat(JAR).as("the shaded jar; build it with mvn package (failsafe runs after package in verify)")
                .isRegularFile();
    }

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (Launched l : launched) {
            l.process.destroyForcibly();
            l.process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** A launcher JVM with stdout and stderr in files. */
    private final class Launched {
        final Process process;
        final Path out;
        final Path err;

        Launched(String... args) throws IOException {
            String java = ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            List<String> command = new ArrayList<>(List.of(java, "-jar", JAR.toString()));
            int n = launched.size() + 1;
            List<String> given = List.of(args);
            if (!given.contains("--in-memory") && !given.contains("--data-dir")
                    && (given.isEmpty() || !given.get(0).equals("passwd"))) {
                // Each launch its own data directory: the default ./data would be shared and locked.
                command.addAll(List.of("--data-dir", dir.resolve("data-" + n).toString()));
            }
            command.addAll(given);
            out = dir.resolve("launcher-" + n + ".out");
            err = dir.resolve("launcher-" + n + ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            // The JVM would report these on stderr ("Picked up ..."), which is not the launcher's output.
            builder.environment().keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS"));
            process = builder.start();
            launched.add(this);
        }

        String stdout() {
            return read(out);
        }

        String stderr() {
            return read(err);
        }

        String describe() {
            return "--- stdout ---\n" + stdout() + "--- stderr ---\n" + stderr();
        }

        /** Waits for the listening line and returns the port it names. */
        int awaitListening() {
            await().atMost(STARTUP)
                    .failFast("launcher exited early", () -> !process.isAlive())
                    .until(() -> LISTENING.matcher(stdout()).find());
            Matcher m = LISTENING.matcher(stdout());
            assertThat(m.find()).isTrue();
            return Integer.parseInt(m.group(1));
        }

        int awaitExit(Duration timeout) throws InterruptedException {
            boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(ended).as("launcher ended within %s\n%s", timeout, describe()).isTrue();
            return process.exitValue();
        }

        private String read(Path file) {
            try {
                return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Connects a Paho client, sends one QoS 1 message to itself and checks it comes back. */
    private static void exchangeMessage(int port) throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + port, "standalone-it", new MemoryPersistence());
        client.setTimeToWait(5000);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8) + " qos" + message.getQos());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setConnectionTimeout(5);
        options.setAutomaticReconnect(false);
        try {
            client.connect(options);
            client.subscribe("standalone/echo", 1);
            client.publish("standalone/echo", "ping".getBytes(StandardCharsets.UTF_8), 1, false);
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("standalone/echo ping qos1");
            client.disconnect(1000);
        } finally {
            client.close(true);
        }
    }

    /** Connects with Paho as {@code user} (null: anonymous); returns 0 or the CONNACK refusal code. */
    private static int connectCode(int port, String user, String password) throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + port, "sec-" + System.nanoTime(), new MemoryPersistence());
        client.setTimeToWait(5000);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setConnectionTimeout(5);
        if (user != null) {
            options.setUserName(user);
            options.setPassword(password.toCharArray());
        }
        try {
            client.connect(options);
            client.disconnect(1000);
            return 0;
        } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
            return e.getReasonCode();
        } finally {
            client.close(true);
        }
    }

    /** Runs {@code java -jar starling-broker.jar passwd ...} and returns its exit code. */
    private int passwd(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("passwd"));
        all.addAll(List.of(args));
        Launched run = new Launched(all.toArray(String[]::new));
        return run.awaitExit(Duration.ofSeconds(20));
    }

    private Path file(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    // ---- tests ----

    @Test
    @DisplayName("sessions, queued messages and retained messages survive a restart in the data directory; a second broker on it is refused")
    void durableAcrossRestart() throws Exception {
        Path data = dir.resolve("durable");
        Launched first = new Launched("--host", "127.0.0.1", "--port", "0", "--data-dir", data.toString());
        int port = first.awaitListening();
        MqttConnectOptions persistent = new MqttConnectOptions();
        persistent.setCleanSession(false);
        persistent.setConnectionTimeout(5);
        MqttClient sub = new MqttClient("tcp://127.0.0.1:" + port, "durable-sub", new MemoryPersistence());
        sub.connect(persistent);
        sub.subscribe("durable/#", 1);
        sub.disconnect();
        sub.close();
        MqttClient pub = new MqttClient("tcp://127.0.0.1:" + port, "durable-pub", new MemoryPersistence());
        pub.connect();
        pub.publish("durable/queued", "kept".getBytes(StandardCharsets.UTF_8), 1, false);
        pub.publish("status/retained", "still here".getBytes(StandardCharsets.UTF_8), 1, true);
        pub.disconnect();
        pub.close();

        Launched locked = new Launched("--host", "127.0.0.1", "--port", "0", "--data-dir", data.toString());
        assertThat(locked.awaitExit(Duration.ofSeconds(20))).as(locked.describe()).isEqualTo(2);
        assertThat(locked.stderr()).startsWith("starling: cannot open the data directory");

        first.process.destroy();
        assertThat(first.awaitExit(Duration.ofSeconds(10))).isIn(0, 143);
        Launched second = new Launched("--host", "127.0.0.1", "--port", "0", "--data-dir", data.toString());
        int port2 = second.awaitListening();
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        MqttClient back = new MqttClient("tcp://127.0.0.1:" + port2, "durable-sub", new MemoryPersistence());
        back.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        back.connect(persistent);
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("durable/queued kept");
        back.subscribe("status/#", 1);
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("status/retained still here");
        back.disconnect();
        back.close();
    }

    @Test
    @DisplayName("passwd sub-command writes users; SIGHUP reloads the password and ACL files without a restart")
    void passwordAndAclReloadOnSighup() throws Exception {
        Path passwords = dir.resolve("passwd");
        assertThat(passwd("-c", "-b", passwords.toString(), "alice", "wonderland")).isZero();
        Path acl = file("acl", "user alice\ntopic readwrite alice/#\n");
        // Paho opens two connections per refused CONNECT: the login slowing would stretch this test past Paho's
        // timeout, so it starts later here (it has tests of its own).
        Path config = file("secure.conf", "host = 127.0.0.1\nport = 0\nallow_anonymous = false\npassword_file = "
                + passwords + "\nacl_file = " + acl + "\nauth_failure_threshold = 100\n");
        Launched broker = new Launched("--config", config.toString());
        int port = broker.awaitListening();
        assertThat(connectCode(port, "alice", "wonderland")).isZero();
        assertThat(connectCode(port, "alice", "wrong")).isEqualTo(4);
        assertThat(connectCode(port, null, null)).as("anonymous access is off").isEqualTo(5);
        assertThat(connectCode(port, "bob", "builder")).isEqualTo(4);

        assertThat(passwd("-b", passwords.toString(), "bob", "builder")).isZero();
        assertThat(connectCode(port, "bob", "builder")).as("not yet reloaded").isEqualTo(4);
        new ProcessBuilder("kill", "-HUP", String.valueOf(broker.process.pid())).start().waitFor();
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.stdout().contains("password file")
                || broker.stderr().contains("password file"));
        assertThat(connectCode(port, "bob", "builder")).isZero();
        assertThat(connectCode(port, "alice", "wonderland")).as("alice kept").isZero();
        assertThat(broker.stdout() + broker.stderr()).contains("ACL file " + acl + " reloaded")
                .doesNotContain("wonderland").doesNotContain("builder");

        Files.writeString(acl, "user alice\ntopic sometimes alice/#\n");
        new ProcessBuilder("kill", "-HUP", String.valueOf(broker.process.pid())).start().waitFor();
        await().atMost(Duration.ofSeconds(10)).until(() -> (broker.stdout() + broker.stderr())
                .contains("NOT reloaded, previous rules kept"));
        assertThat(broker.process.isAlive()).as("a bad ACL file on reload does not stop the broker").isTrue();
        assertThat(connectCode(port, "alice", "wonderland")).isZero();
    }

    @Test
    @DisplayName("--host 0.0.0.0 without authentication: safe default refuses every client with 0x05 and warns")
    void exposedWithoutAuthenticationRefusesEveryone() throws Exception {
        Launched broker = new Launched("--host", "0.0.0.0", "--port", "0");
        int port = broker.awaitListening();
        assertThat(connectCode(port, null, null)).isEqualTo(5);
        assertThat(connectCode(port, "anyone", "anything")).isEqualTo(5);
        assertThat(broker.stdout() + broker.stderr()).contains("no authenticator is configured");

        Path config = file("open.conf", "host = 0.0.0.0\nport = 0\nallow_anonymous = true\n");
        Launched open = new Launched("--config", config.toString());
        exchangeMessage(open.awaitListening());
    }


    @Test
    @DisplayName("java -jar starling-broker.jar --port 0 --host 127.0.0.1: prints the address, serves MQTT, stops on SIGTERM within 5 s")
    void startsServesAndStopsOnSigterm() throws Exception {
        Launched broker = new Launched("--port", "0", "--host", "127.0.0.1");
        int port = broker.awaitListening();
        assertThat(port).isPositive();
        assertThat(broker.stdout().lines().toList())
                .as("stdout holds the address line only (logs go to stderr)")
                .containsExactly("Starling MQTT broker listening on 127.0.0.1:" + port);

        exchangeMessage(port);

        broker.process.destroy(); // SIGTERM on Linux
        int code = broker.awaitExit(Duration.ofSeconds(5));
        assertThat(code).as("exit code after SIGTERM (143 = 128 + SIGTERM, after the shutdown hook)\n%s", broker.describe())
                .isIn(0, 143);
        assertThat(broker.stderr()).as(broker.describe())
                .contains("Starling MQTT broker on 127.0.0.1:" + port + " stopped");
    }

    @Test
    @DisplayName("--ws-port 0: a second stdout line names ws://127.0.0.1:PORT/mqtt, where Paho's WebSocket transport is served")
    void webSocketPort() throws Exception {
        Launched broker = new Launched("--port", "0", "--ws-port", "0", "--in-memory");
        int port = broker.awaitListening();
        await().atMost(STARTUP).until(() -> broker.stdout().lines().count() == 2);
        List<String> lines = broker.stdout().lines().toList();
        assertThat(lines.get(0)).isEqualTo("Starling MQTT broker listening on 127.0.0.1:" + port);
        Matcher ws = Pattern.compile("MQTT over WebSocket on ws://127\\.0\\.0\\.1:(\\d+)/mqtt").matcher(lines.get(1));
        assertThat(ws.matches()).as(broker.describe()).isTrue();
        try (MqttClient web = new MqttClient("ws://127.0.0.1:" + ws.group(1) + "/mqtt", "launcher-ws",
                new MemoryPersistence())) {
            MqttConnectOptions options = new MqttConnectOptions();
            options.setConnectionTimeout(5);
            web.connect(options);
            assertThat(web.isConnected()).isTrue();
            web.disconnect();
        }
    }

    @Test
    @DisplayName("a valid config file (port = 0, max_inflight_messages = 10, comments, blank lines) starts the broker")
    void validConfigFileStarts() throws Exception {
        Path config = file("ok.conf", """
                # a comment

                host = 127.0.0.1
                port = 0
                max_inflight_messages = 10
                queue_overflow_policy = drop_oldest
                """);
        Launched broker = new Launched("--config", config.toString());
        int port = broker.awaitListening();
        exchangeMessage(port);
        broker.process.destroy();
        assertThat(broker.awaitExit(Duration.ofSeconds(5))).isIn(0, 143);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            --bogus              |                | unknown option '--bogus'; usage: java -jar starling-broker.jar [--host ADDR] [--port N] [--ws-port N] [--config FILE]
            --port               |                | --port needs a value; usage:
            --ws-port            | web            | --ws-port needs a number, got 'web'
            --ws-port            | 70000          | listener ws: port must be 0..65535, was 70000
            --port               | abc            | --port needs a number, got 'abc'
            --port               | 70000          | port must be 0..65535, was 70000
            """)
    @DisplayName("bad command line: one line on stderr, exit code 2, nothing on stdout")
    void badCommandLine(String option, String value, String message) throws Exception {
        Launched broker = value == null ? new Launched(option) : new Launched(option, value);
        assertThat(broker.awaitExit(Duration.ofSeconds(20))).as(broker.describe()).isEqualTo(2);
        assertThat(broker.stdout()).isEmpty();
        assertThat(broker.stderr().lines().toList()).as(broker.describe())
                .singleElement().asString().startsWith("starling: " + message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            unknown key        | \"port = 0\\nfoo = 1\"                        | 2 | unknown key 'foo' (known: acl_file, allow_anonymous, allow_zero_length_client_id,
            not a number       | \"max_inflight_messages = many\"              | 1 | bad value for 'max_inflight_messages': 'many' is not a whole number
            not a boolean      | \"# c\\n\\nwildcard_subscriptions = yes\"     | 3 | bad value for 'wildcard_subscriptions': 'yes' is not true or false
            not an enum value  | \"queue_overflow_policy = sometimes\"         | 1 | bad value for 'queue_overflow_policy': 'sometimes' is not one of [DISCARD_SESSION, DROP_OLDEST, DROP_NEWEST]
            key set twice      | \"port = 0\\nport = 1\"                       | 2 | 'port' is set twice
            no equals sign     | \"port 0\"                                    | 1 | expected 'key = value', found 'port 0'
            out of range       | \"port = 0\\nmax_inflight_messages = 0\"      | 2 | bad value for 'max_inflight_messages'
            """)
    @DisplayName("bad config file: one line on stderr naming the file and the line, exit code 2")
    void badConfigFile(String name, String content, int line, String message) throws Exception {
        Path config = file("bad.conf", content.replace("\\n", "\n"));
        Launched broker = new Launched("--config", config.toString(), "--port", "0");
        assertThat(broker.awaitExit(Duration.ofSeconds(20))).as(broker.describe()).isEqualTo(2);
        assertThat(broker.stdout()).isEmpty();
        assertThat(broker.stderr().lines().toList()).as(broker.describe())
                .singleElement().asString().startsWith("starling: " + config + " line " + line + ": " + message);
    }

    @Test
    @DisplayName("missing config file: one line on stderr naming the file, exit code 2")
    void missingConfigFile() throws Exception {
        Path missing = dir.resolve("missing.conf");
        Launched broker = new Launched("--config", missing.toString());
        assertThat(broker.awaitExit(Duration.ofSeconds(20))).as(broker.describe()).isEqualTo(2);
        assertThat(broker.stdout()).isEmpty();
        assertThat(broker.stderr().lines().toList()).as(broker.describe())
                .singleElement().asString().startsWith("starling: cannot read config file " + missing + ": ");
    }

    @Test
    @DisplayName("port already in use: one line on stderr naming the address, exit code 2")
    void portInUse() throws Exception {
        try (StarlingBroker occupant = StarlingBroker.builder().host("127.0.0.1").port(0).start()) {
            Launched broker = new Launched("--host", "127.0.0.1", "--port", String.valueOf(occupant.port()));
            assertThat(broker.awaitExit(Duration.ofSeconds(20))).as(broker.describe()).isEqualTo(2);
            assertThat(broker.stdout()).isEmpty();
            assertThat(broker.stderr().lines().toList()).as(broker.describe())
                    .singleElement().asString().startsWith("starling: cannot bind 127.0.0.1:" + occupant.port() + " for listener default: ");
        }
    }
}
