package io.starling.mqtt.netty.conformance;

import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.e;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.subscribe;
import static io.starling.mqtt.netty.support.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.netty.StarlingBroker;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Section 7: no bridging (so [MQTT-7.0.0-1] does not apply), interoperability with a stock client in its default
 * settings, and TCP as the ordered, lossless byte stream the protocol runs on.
 */
@Timeout(60)
class TransportConformanceIT {
    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.started();

    // ---- [MQTT-7.0.0-1] ----

    /** Inodes of this JVM's sockets, from /proc/self/fd (Linux). */
    private static Set<String> ownSocketInodes() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // The descriptor went away while listing.
                }
            }
        }
        return inodes;
    }

    /** This JVM's established TCP connections as "localPort->remotePort", from /proc/net/tcp and tcp6. */
    private static Set<String> ownEstablishedConnections() throws IOException {
        Set<String> inodes = ownSocketInodes();
        Set<String> connections = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.exists(path)) {
                continue;
            }
            List<String> lines = Files.readAllLines(path);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                boolean established = f[3].equals("01");
                if (established && inodes.contains(f[9])) {
                    int local = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                    int remote = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
                    connections.add(local + "->" + remote);
                }
            }
        }
        return connections;
    }

    @Test
    @DisplayName("[MQTT-7.0.0-1] not applicable: Starling offers no bridge (no bridge setting, no outbound connection while serving)")
    void noBridge() throws Exception {
        // No configuration names another server to connect to.
        List<String> settings = new ArrayList<>();
        Arrays.stream(BrokerConfig.Builder.class.getMethods()).map(Method::getName).forEach(settings::add);
        Arrays.stream(StarlingBroker.Builder.class.getMethods()).map(Method::getName).forEach(settings::add);
        Arrays.stream(StarlingBroker.class.getMethods()).map(Method::getName).forEach(settings::add);
        assertThat(settings).noneMatch(n -> n.toLowerCase().matches(".*(bridge|upstream|remote|forward|connectto|peer).*"));

        // Serving clients opens no connection except those accepted on the listening port.
        assumeThat(Path.of("/proc/self/fd")).as("Linux /proc needed to list this JVM's sockets").exists();
        broker.stop();
        Set<String> before = ownEstablishedConnections();
        broker.start();
        RawClient sub = broker.rawConnected("sub", true);
        sub.send(subscribe(1, e("#", 2)));
        sub.expect(0x90);
        RawClient pub = broker.rawConnected("pub", false);
        pub.send(Bytes.publish("bridge/test", 1, true, false, 1, utf8("x")));
        pub.expect(0x40);
        broker.publish(Message.of("in/process", utf8("y"), QoS.AT_LEAST_ONCE, true));
        assertThat(sub.expectPublish().topic()).isEqualTo("bridge/test");
        assertThat(sub.expectPublish().topic()).isEqualTo("in/process");

        Set<String> opened = ownEstablishedConnections();
        opened.removeAll(before);
        String brokerPort = String.valueOf(broker.port());
        assertThat(opened).as("new connections all end at the broker's port %s", brokerPort)
                .isNotEmpty()
                .allMatch(c -> c.startsWith(brokerPort + "->") || c.endsWith("->" + brokerPort));
    }

    // ---- [MQTT-7.0.0-2] ----

    @Test
    @DisplayName("[MQTT-7.0.0-2] a stock Paho client with default MqttConnectOptions connects, subscribes, publishes QoS 0/1/2 and disconnects")
    void stockPahoClientInteroperates() throws Exception {
        BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        MqttClient subscriber = new MqttClient(broker.uri(), MqttClient.generateClientId(), new MemoryPersistence());
        MqttClient publisher = new MqttClient(broker.uri(), MqttClient.generateClientId(), new MemoryPersistence());
        try {
            subscriber.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    received.add(message);
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            subscriber.connect(new MqttConnectOptions());
            publisher.connect(new MqttConnectOptions());
            assertThat(broker.stats().connectionsRefused())
                    .as("no CONNACK refusal, so Paho did not need to fall back from 3.1.1").isZero();
            int[] granted = subscriber.subscribeWithResponse(new String[] {"interop/#"}, new int[] {2}).getGrantedQos();
            assertThat(granted).containsExactly(2);

            for (int qos = 0; qos <= 2; qos++) {
                publisher.publish("interop/" + qos, utf8("qos " + qos), qos, false);
            }
            List<MqttMessage> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                MqttMessage m = received.poll(10, TimeUnit.SECONDS);
                assertThat(m).as("message %d", i).isNotNull();
                got.add(m);
            }
            assertThat(got).extracting(m -> new String(m.getPayload())).containsExactly("qos 0", "qos 1", "qos 2");
            assertThat(got).extracting(MqttMessage::getQos).containsExactly(0, 1, 2);

            publisher.disconnect();
            subscriber.disconnect();
            assertThat(publisher.isConnected()).isFalse();
            await().atMost(Duration.ofSeconds(5)).until(() -> broker.engine().sessions().size() == 0);
        } finally {
            publisher.close(true);
            subscriber.close(true);
        }
    }

    // ---- [MQTT-7.1.1-1] ----

    /** CONNECT, SUBSCRIBE s/t QoS 1, PUBLISH s/t QoS 1 id 2, PINGREQ. */
    private static byte[] conversation(String clientId) {
        return Bytes.concat(Bytes.connect(clientId, true, 0), subscribe(1, e("s/t", 1)),
                Bytes.publish("s/t", 1, 2, "split payload"), Bytes.pingreq());
    }

    /** CONNACK, SUBACK, then PUBACK 2, the delivered PUBLISH and PINGRESP (whose relative order may vary). */
    private static void expectConversationAnswers(RawClient c) {
        assertThat(c.read().hex()).as("CONNACK").isEqualTo("20 0000");
        assertThat(c.read().hex()).as("SUBACK").isEqualTo("90 000101");
        List<RawPacket> rest = List.of(c.read(), c.read(), c.read());
        assertThat(rest).extracting(RawPacket::hex).contains("40 0002", "D0 ");
        RawPacket delivered = rest.stream().filter(RawPacket::isPublish).findFirst().orElseThrow();
        assertThat(delivered.topic()).isEqualTo("s/t");
        assertThat(delivered.qos()).isEqualTo(1);
        assertThat(delivered.payloadString()).isEqualTo("split payload");
        c.send(Bytes.puback(delivered.publishId()));
    }

    @Test
    @DisplayName("[MQTT-7.1.1-1] over TCP: a conversation split at every byte boundary (two segments) is understood")
    void splitAtEveryBoundary() {
        int length = conversation("split-00").length;
        for (int at = 1; at < length; at++) {
            byte[] bytes = conversation(String.format("split-%02d", at % 100));
            try (RawClient c = new RawClient(broker.port())) {
                c.send(Arrays.copyOfRange(bytes, 0, at));
                c.send(Arrays.copyOfRange(bytes, at, bytes.length));
                expectConversationAnswers(c);
            }
        }
    }

    @Test
    @DisplayName("[MQTT-7.1.1-1] over TCP: a conversation sent one byte per write is understood")
    void oneBytePerWrite() {
        byte[] bytes = conversation("trickle");
        RawClient c = broker.raw();
        for (byte b : bytes) {
            c.send(new byte[] {b});
        }
        expectConversationAnswers(c);
    }

    @Test
    @DisplayName("[MQTT-7.1.1-1] over TCP: ordered and lossless both ways (1000 sequenced messages, a 1 MiB payload intact)")
    void orderedAndLossless() {
        RawClient sub = broker.rawConnected("sub", true);
        sub.send(subscribe(1, e("seq", 0), e("big", 1)));
        sub.expect(0x90);
        RawClient pub = broker.rawConnected("pub", true);
        byte[] big = new byte[1024 * 1024];
        new Random(7).nextBytes(big);
        List<byte[]> burst = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            burst.add(Bytes.publish("seq", 0, 0, "n" + i));
        }
        burst.add(Bytes.publish("big", 1, false, false, 9, big));
        pub.send(burst.toArray(byte[][]::new));
        assertThat(pub.read(Duration.ofSeconds(10)).hex()).isEqualTo("40 0009");
        for (int i = 0; i < 1000; i++) {
            RawPacket p = sub.expectPublish();
            assertThat(p.payloadString()).isEqualTo("n" + i);
        }
        RawPacket large = sub.read(Duration.ofSeconds(10));
        assertThat(large.topic()).isEqualTo("big");
        assertThat(large.payload()).isEqualTo(big);
    }
}
