package io.starling.mqtt.netty.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Paho;
import io.starling.mqtt.netty.support.Paho.Received;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The origin example: a Python paho-mqtt client with client id {@code client1} connects with keep-alive 60,
 * subscribes to {@code topic/1}, another client publishes {@code Hello World} there, and the first receives it.
 * Runs {@code broker-examples/python/client1.py} with Debian's {@code /usr/bin/python3} (the python3 first on PATH
 * may be an interpreter without paho). Skipped when that interpreter or its paho-mqtt is missing.
 */
@Timeout(60)
class PythonPahoIT {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path CLIENT1 = Path.of(System.getProperty("user.dir")).toAbsolutePath()
            .resolveSibling("broker-examples").resolve("python/client1.py");
    private static final String HOST = "127.0.0.1";
    private static final Duration EXIT = Duration.ofSeconds(15);

    /** A paho-mqtt publisher (1.x API; 2.x asked for it): argv host port client_id topic qos payload [qos payload...]. */
    private static final String PUBLISHER = """
            import sys, threading
            import paho.mqtt.client as mqtt
            host, port, client_id, topic = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
            pairs = sys.argv[5:]
            if hasattr(mqtt, "CallbackAPIVersion"):
                c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION1, client_id=client_id)
            else:
                c = mqtt.Client(client_id=client_id)
            connected = threading.Event()
            c.on_connect = lambda client, userdata, flags, rc: connected.set() if rc == 0 else None
            c.connect(host, port, 60)
            c.loop_start()
            if not connected.wait(10):
                sys.exit("not connected within 10 s")
            infos = [c.publish(topic, pairs[i + 1], qos=int(pairs[i])) for i in range(0, len(pairs), 2)]
            for info in infos:
                info.wait_for_publish(10)
                if not info.is_published():
                    sys.exit("publish %d not completed within 10 s" % info.mid)
            c.disconnect()
            c.loop_stop()
            """;

    @TempDir
    Path dir;

    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.started(c -> c.host(HOST));

    @BeforeAll
    static void requirePythonPaho() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON),
                "/usr/bin/python3 not installed: apt-get install python3 python3-paho-mqtt");
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import paho.mqtt.client")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        boolean ended = probe.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
        if (!ended) {
            probe.destroyForcibly();
        }
        Assumptions.assumeTrue(ended && probe.exitValue() == 0,
                "paho-mqtt not importable by /usr/bin/python3: apt-get install python3-paho-mqtt");
        assertThat(CLIENT1).as("the example script").isRegularFile();
    }

    // ---- helpers ----

    private ChildProcess python(String name, String... args) {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-u"));
        command.addAll(List.of(args));
        return broker.track(ChildProcess.start(dir, name, command));
    }

    private ChildProcess client1(String... extra) {
        List<String> args = new ArrayList<>(List.of(CLIENT1.toString(), HOST, String.valueOf(broker.port())));
        args.addAll(List.of(extra));
        return python("client1", args.toArray(String[]::new));
    }

    /** Runs the Python publisher to completion: {@code qosAndPayloads} alternate QoS and payload. */
    private void pythonPublish(String clientId, String topic, String... qosAndPayloads) throws InterruptedException {
        List<String> args = new ArrayList<>(List.of("-c", PUBLISHER, HOST, String.valueOf(broker.port()), clientId, topic));
        args.addAll(List.of(qosAndPayloads));
        ChildProcess pub = python("publisher", args.toArray(String[]::new));
        assertThat(pub.awaitExit(EXIT)).as("python publisher exit code\n%s", pub.describe()).isZero();
    }

    private void awaitSubscribed(ChildProcess process, String clientId, String topic) {
        broker.awaitSubscribed(clientId, topic, Duration.ofSeconds(15), process.process(),
                "python client ended early");
    }

    // ---- tests ----

    @Test
    @DisplayName("client1.py (client1, keep-alive 60, topic/1) receives Hello World published by a Paho Java client and exits 0")
    void client1ReceivesHelloWorldFromPahoJava() throws Exception {
        ChildProcess client1 = client1();
        awaitSubscribed(client1, "client1", "topic/1");

        broker.paho("publisher", true).publish("topic/1", "Hello World", 0, false);

        assertThat(client1.awaitExit(EXIT)).as("client1.py exit code\n%s", client1.describe()).isZero();
        assertThat(client1.stdoutLines()).containsExactly("topic/1 Hello World");
        assertThat(broker.engine().sessions().get("client1")).as("client1's clean session ends with it").isNull();
    }

    @Test
    @DisplayName("client1.py receives Hello World published by a second Python paho client and exits 0")
    void client1ReceivesHelloWorldFromPythonPublisher() throws Exception {
        ChildProcess client1 = client1();
        awaitSubscribed(client1, "client1", "topic/1");

        pythonPublish("client2", "topic/1", "0", "Hello World");

        assertThat(client1.awaitExit(EXIT)).as("client1.py exit code\n%s", client1.describe()).isZero();
        assertThat(client1.stdoutLines()).containsExactly("topic/1 Hello World");
    }

    @Test
    @DisplayName("client1.py --count 3 --qos 2 prints QoS 0, 1 and 2 messages in order, then exits 0")
    void client1CountsMessages() throws Exception {
        ChildProcess client1 = client1("--count", "3", "--qos", "2");
        awaitSubscribed(client1, "client1", "topic/1");

        pythonPublish("client2", "topic/1", "0", "zero", "1", "one", "2", "two");

        assertThat(client1.awaitExit(EXIT)).as("client1.py exit code\n%s", client1.describe()).isZero();
        assertThat(client1.stdoutLines()).containsExactly("topic/1 zero", "topic/1 one", "topic/1 two");
    }

    @Test
    @DisplayName("Python paho publishes at QoS 1 and 2; a Paho Java subscriber (QoS 2) gets both at those QoS, in order")
    void pythonPublishesQos1And2ToPahoJava() throws Exception {
        Paho.Client sub = broker.paho("java-sub", true);
        sub.subscribe("py/#", 2);

        pythonPublish("py-pub", "py/data", "1", "at least once", "2", "exactly once");

        Received first = sub.next();
        assertThat(first.topic()).isEqualTo("py/data");
        assertThat(first.text()).isEqualTo("at least once");
        assertThat(first.message().getQos()).isEqualTo(1);
        Received second = sub.next();
        assertThat(second.text()).isEqualTo("exactly once");
        assertThat(second.message().getQos()).isEqualTo(2);
        assertThat(broker.engine().sessions().get("py-pub")).as("the publisher disconnected cleanly").isNull();
    }

    @Test
    @DisplayName("client1.py sends CONNECT with protocol MQTT 3.1.1, clean session, keep-alive 60 and client id client1")
    void client1ConnectPacket() throws Exception {
        try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            fake.setSoTimeout(15_000);
            ChildProcess client1 = python("client1", CLIENT1.toString(), HOST, String.valueOf(fake.getLocalPort()),
                    "--timeout", "15");
            try (Socket socket = fake.accept()) {
                socket.setSoTimeout(15_000);
                InputStream in = socket.getInputStream();
                byte[] connect = in.readNBytes(21);
                // 10 13 | 00 04 "MQTT" | level 4 | flags 02 (clean session) | keep-alive 00 3C | 00 07 "client1"
                assertThat(HexFormat.of().formatHex(connect))
                        .as("CONNECT from client1.py\n%s", client1.describe())
                        .isEqualTo("1013" + "00044d515454" + "04" + "02" + "003c" + "0007" + "636c69656e7431");
            }
            client1.close();
        }
    }

    @Test
    @DisplayName("client1.py exits 1 with a message when nothing arrives within --timeout, and when no broker listens")
    void client1FailsWhenNothingArrives() throws Exception {
        ChildProcess waiting = client1("--timeout", "1");
        assertThat(waiting.awaitExit(EXIT)).as(waiting.describe()).isEqualTo(1);
        assertThat(waiting.stdout()).isEmpty();
        assertThat(waiting.stderr()).contains("received 0 of 1 message(s) on topic/1 within 1 s");

        int port = broker.port();
        broker.stop();
        ChildProcess refused = python("client1", CLIENT1.toString(), HOST, String.valueOf(port), "--timeout", "5");
        assertThat(refused.awaitExit(EXIT)).as(refused.describe()).isEqualTo(1);
        assertThat(refused.stderr()).startsWith("client1: cannot connect to " + HOST + ":" + port);
    }
}
