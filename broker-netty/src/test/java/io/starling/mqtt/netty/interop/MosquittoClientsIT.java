package io.starling.mqtt.netty.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Paho;
import io.starling.mqtt.netty.support.Paho.Received;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interop with Debian's {@code mosquitto_pub} and {@code mosquitto_sub} (package mosquitto-clients, libmosquitto
 * 2.0, MQTT 3.1.1 by default) against a broker on port 0. Skipped when the binaries are not installed.
 *
 * <p>mosquitto_sub prints with {@code -F "%q %r %t %p"}: delivered QoS, RETAIN flag, topic, payload. Every
 * mosquitto_sub has a {@code -W} timeout so that a lost message ends the client instead of hanging the build.
 */
@Timeout(60)
class MosquittoClientsIT {
    private static final Path MOSQUITTO_SUB = Path.of("/usr/bin/mosquitto_sub");
    private static final Path MOSQUITTO_PUB = Path.of("/usr/bin/mosquitto_pub");
    private static final String HOST = "127.0.0.1";
    private static final String FORMAT = "%q %r %t %p";
    private static final Duration EXIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.started(c -> c.host(HOST));

    @BeforeAll
    static void requireMosquittoClients() {
        Assumptions.assumeTrue(Files.isExecutable(MOSQUITTO_SUB),
                "mosquitto_sub not installed: apt-get install mosquitto-clients");
        Assumptions.assumeTrue(Files.isExecutable(MOSQUITTO_PUB),
                "mosquitto_pub not installed: apt-get install mosquitto-clients");
    }

    // ---- helpers ----

    private List<String> command(Path binary, String... args) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-h", HOST, "-p", String.valueOf(broker.port())));
        command.addAll(List.of(args));
        return command;
    }

    /** Starts mosquitto_sub with the broker's address, the output format and a 20 s -W bound, plus {@code args}. */
    private ChildProcess mosquittoSub(String... args) {
        List<String> command = command(MOSQUITTO_SUB, "-W", "20", "-F", FORMAT);
        command.addAll(List.of(args));
        return start("mosquitto_sub", command, null);
    }

    private ChildProcess start(String name, List<String> command, Path stdin) {
        return broker.track(ChildProcess.start(dir, name, command, stdin));
    }

    /** Runs mosquitto_pub to completion and asserts it exited 0. */
    private void mosquittoPub(String... args) throws InterruptedException {
        ChildProcess pub = start("mosquitto_pub", command(MOSQUITTO_PUB, args), null);
        int code = pub.awaitExit(EXIT);
        assertThat(code).as("mosquitto_pub exit code\n%s", pub.describe()).isZero();
    }

    /** Waits until mosquitto_sub with {@code clientId} has connected and its subscription matches {@code topic}. */
    private void awaitSubscribed(ChildProcess process, String clientId, String topic) {
        broker.awaitSubscribed(clientId, topic, Duration.ofSeconds(10), process.process(),
                "mosquitto client ended early");
    }

    private List<String> awaitOutput(ChildProcess sub) throws InterruptedException {
        int code = sub.awaitExit(EXIT);
        assertThat(code).as("mosquitto_sub exit code (27 = -W timeout)\n%s", sub.describe()).isZero();
        return sub.stdoutLines();
    }

    // ---- tests ----

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {0, 1, 2})
    @DisplayName("mosquitto_pub at QoS 0/1/2 -> mosquitto_sub -q 2 -C 1 receives it at the published QoS")
    void mosquittoPubToMosquittoSub(int qos) throws Exception {
        ChildProcess sub = mosquittoSub("-i", "msub", "-q", "2", "-t", "interop/qos", "-C", "1");
        awaitSubscribed(sub, "msub", "interop/qos");

        mosquittoPub("-i", "mpub", "-q", String.valueOf(qos), "-t", "interop/qos", "-m", "hello at " + qos);

        assertThat(awaitOutput(sub)).containsExactly(qos + " 0 interop/qos hello at " + qos);
    }

    @Test
    @DisplayName("three mosquitto_pub runs at QoS 0, 1, 2 -> mosquitto_sub -C 3 gets them in order, QoS capped at the granted 1")
    void mosquittoSubReceivesSeveralInOrderWithGrantedQosCap() throws Exception {
        ChildProcess sub = mosquittoSub("-i", "msub", "-q", "1", "-t", "interop/+/seq", "-C", "3");
        awaitSubscribed(sub, "msub", "interop/a/seq");

        mosquittoPub("-q", "0", "-t", "interop/a/seq", "-m", "first");
        mosquittoPub("-q", "1", "-t", "interop/b/seq", "-m", "second");
        mosquittoPub("-q", "2", "-t", "interop/c/seq", "-m", "third");

        assertThat(awaitOutput(sub)).containsExactly(
                "0 0 interop/a/seq first",
                "1 0 interop/b/seq second",
                "1 0 interop/c/seq third");
    }

    @Test
    @DisplayName("Paho Java (QoS 1, 2) and in-process publish (QoS 1) -> mosquitto_sub -q 2 -C 3")
    void pahoAndInProcessPublishToMosquittoSub() throws Exception {
        ChildProcess sub = mosquittoSub("-i", "msub", "-q", "2", "-t", "interop/java/#", "-C", "3");
        awaitSubscribed(sub, "msub", "interop/java/x");

        Paho.Client pub = broker.paho("java-pub", true);
        pub.publish("interop/java/paho1", "from paho qos1", 1, false);
        pub.publish("interop/java/paho2", "from paho qos2", 2, false);
        broker.publish(Message.of("interop/java/app", "from the application".getBytes(StandardCharsets.UTF_8),
                QoS.AT_LEAST_ONCE, false));

        // Three topics from two publishers: MQTT orders per topic only, and libmosquitto hands a QoS 2 message to
        // the application when PUBREL arrives, so the QoS 1 message published after it may be printed first.
        assertThat(awaitOutput(sub)).containsExactlyInAnyOrder(
                "1 0 interop/java/paho1 from paho qos1",
                "2 0 interop/java/paho2 from paho qos2",
                "1 0 interop/java/app from the application");
    }

    @Test
    @DisplayName("mosquitto_pub -l -q 2 (one message per stdin line) -> Paho Java subscriber gets every line at QoS 2, in order")
    void mosquittoPubLinesToPaho() throws Exception {
        Paho.Client sub = broker.paho("java-sub", true);
        sub.subscribe("interop/lines", 2);
        Path input = dir.resolve("lines.txt");
        Files.writeString(input, "line one\nline two\nline three\n", StandardCharsets.UTF_8);

        ChildProcess pub = start("mosquitto_pub", command(MOSQUITTO_PUB, "-i", "mpub", "-q", "2", "-t", "interop/lines", "-l"), input);
        assertThat(pub.awaitExit(EXIT)).as(pub.describe()).isZero();

        for (String expected : List.of("line one", "line two", "line three")) {
            Received r = sub.next();
            assertThat(r.topic()).isEqualTo("interop/lines");
            assertThat(r.text()).isEqualTo(expected);
            assertThat(r.message().getQos()).isEqualTo(2);
            assertThat(r.message().isRetained()).isFalse();
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.1-6] [MQTT-3.3.1-8] mosquitto_pub -r retained message is sent to a later mosquitto_sub with RETAIN 1; -r -n clears it")
    void retainedMessageReachesLaterMosquittoSub() throws Exception {
        mosquittoPub("-q", "1", "-r", "-t", "interop/retained", "-m", "kept");
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.engine().retained().size() == 1);

        ChildProcess sub = mosquittoSub("-i", "late", "-q", "1", "-t", "interop/retained", "-C", "1");
        assertThat(awaitOutput(sub)).containsExactly("1 1 interop/retained kept");

        mosquittoPub("-q", "1", "-r", "-n", "-t", "interop/retained");
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.engine().retained().size() == 0);
        // A later retained message on another topic is the first and only thing a new wildcard subscriber gets.
        mosquittoPub("-q", "0", "-r", "-t", "interop/retained2", "-m", "other");
        ChildProcess again = mosquittoSub("-i", "later", "-q", "1", "-t", "interop/#", "-C", "1");
        assertThat(awaitOutput(again)).containsExactly("0 1 interop/retained2 other");
    }

    @Test
    @DisplayName("[MQTT-3.1.2-4] [MQTT-3.1.2-5] mosquitto_sub -c -i durable -q 1 gets the QoS 1/2 messages queued while it was away (not QoS 0)")
    void persistentMosquittoSubGetsQueuedMessages() throws Exception {
        // -E: subscribe, then DISCONNECT once SUBACK arrives; the session stays.
        ChildProcess first = mosquittoSub("-c", "-i", "durable", "-q", "1", "-t", "interop/durable", "-E");
        assertThat(first.awaitExit(EXIT)).as(first.describe()).isZero();
        broker.awaitOffline("durable");

        mosquittoPub("-q", "0", "-t", "interop/durable", "-m", "qos0 not queued");
        mosquittoPub("-q", "1", "-t", "interop/durable", "-m", "queued qos1");
        mosquittoPub("-q", "2", "-t", "interop/durable", "-m", "queued qos2");
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                .until(() -> broker.engine().sessions().get("durable").queuedCount() == 2);

        ChildProcess back = mosquittoSub("-c", "-i", "durable", "-q", "1", "-t", "interop/durable", "-C", "2");
        assertThat(awaitOutput(back)).containsExactly(
                "1 0 interop/durable queued qos1",
                "1 0 interop/durable queued qos2");
    }

    @Test
    @DisplayName("[MQTT-3.1.2-8] [MQTT-3.14.4-3] mosquitto_sub --will-topic: no will after its DISCONNECT, will published when it is killed")
    void willOfKilledMosquittoSub() throws Exception {
        Paho.Client javaWatcher = broker.paho("java-watcher", true);
        javaWatcher.subscribe("interop/will/#", 2);
        ChildProcess watcher = mosquittoSub("-i", "watcher", "-q", "1", "-t", "interop/will/#", "-C", "1");
        awaitSubscribed(watcher, "watcher", "interop/will/x");

        // Ends with DISCONNECT: its will must be discarded.
        ChildProcess polite = mosquittoSub("-i", "polite", "-t", "interop/polite", "-E",
                "--will-topic", "interop/will/polite", "--will-payload", "must not be sent", "--will-qos", "1");
        assertThat(polite.awaitExit(EXIT)).as(polite.describe()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.engine().sessions().get("polite") == null);

        ChildProcess dying = mosquittoSub("-i", "dying", "-t", "interop/dying",
                "--will-topic", "interop/will/dying", "--will-payload", "gone", "--will-qos", "1");
        awaitSubscribed(dying, "dying", "interop/dying");
        dying.kill();

        // Had the polite will been sent, it would be the first message of both watchers.
        assertThat(awaitOutput(watcher)).containsExactly("1 0 interop/will/dying gone");
        Received will = javaWatcher.next();
        assertThat(will.topic()).isEqualTo("interop/will/dying");
        assertThat(will.text()).isEqualTo("gone");
        assertThat(will.message().getQos()).isEqualTo(1);
        assertThat(will.message().isRetained()).isFalse();
    }
}
