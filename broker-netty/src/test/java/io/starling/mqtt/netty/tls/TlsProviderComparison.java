package io.starling.mqtt.netty.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.netty.handler.ssl.OpenSsl;
import io.netty.util.ResourceLeakDetector;
import io.starling.mqtt.api.BrokerStats;
import io.starling.mqtt.api.Listener;
import io.starling.mqtt.api.TlsSettings;
import io.starling.mqtt.api.TlsSettings.Provider;
import io.starling.mqtt.netty.StarlingBroker;
import io.starling.mqtt.netty.support.Bytes;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A quick JDK versus OpenSSL comparison, not a benchmark suite: sequential full TLS 1.3 handshakes
 * (connect, CONNECT, CONNACK, close) and QoS 0 point-to-point throughput over TLS, per server provider, with the
 * broker's CPU time per handshake and per message. Clients are the JDK's SSLSocket in both cases, on the same
 * machine, so wall-clock rates include the client's cost; the server CPU columns isolate the provider.
 *
 * <p>Manual: {@code mvn -B -q -o -pl broker-netty test -Dtest=TlsProviderComparison -Dstarling.tls.compare=true}.
 * Skipped otherwise (a normal build does not measure).
 */
@Timeout(300)
class TlsProviderComparison {
    private static final int HANDSHAKES = 500;
    private static final int WARM_UP_HANDSHAKES = 200;
    private static final long THROUGHPUT_MILLIS = 5000;
    private static final int PAYLOAD = 64;

    @TempDir
    Path dir;

    record Result(Provider provider, double handshakesPerSecond, double serverMicrosPerHandshake,
                  double inPerSecond, double outPerSecond, double serverNanosPerMessage) {}

    @Test
    void compareProviders() throws Exception {
        assumeThat(Boolean.getBoolean("starling.tls.compare")).as("manual measurement: -Dstarling.tls.compare=true")
                .isTrue();
        assumeThat(OpenSsl.isAvailable()).as("netty-tcnative not loadable: %s", OpenSsl.unavailabilityCause()).isTrue();
        // The test suite tracks every buffer (paranoid leak detection); measure the broker as it runs in production.
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        try {
            measure();
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }

    private void measure() throws Exception {
        TestPki pki = new TestPki(dir);
        SSLContext client = pki.clientContext(null);
        List<Result> results = new ArrayList<>();
        for (Provider provider : List.of(Provider.JDK, Provider.OPENSSL, Provider.JDK, Provider.OPENSSL)) {
            TlsSettings tls = TlsSettings.pem(pki.server().chain(), pki.server().privateKey())
                    .protocols(List.of("TLSv1.3")).provider(provider).build();
            try (StarlingBroker broker = StarlingBroker.builder().port(0).configure(c -> c
                    .listener(Listener.tls("tls", "127.0.0.1", 0, tls))).start()) {
                int port = broker.port("tls");
                handshakes(client, port, WARM_UP_HANDSHAKES);
                long cpu = brokerCpuNanos();
                long started = System.nanoTime();
                handshakes(client, port, HANDSHAKES);
                double seconds = (System.nanoTime() - started) / 1e9;
                double cpuPerHandshake = (brokerCpuNanos() - cpu) / 1e3 / HANDSHAKES;

                throughput(tls(client, port), 2000); // warm-up
                BrokerStats stats = broker.stats();
                long in = stats.messagesReceived();
                long out = stats.messagesSent();
                cpu = brokerCpuNanos();
                throughput(tls(client, port), THROUGHPUT_MILLIS);
                long cpuUsed = brokerCpuNanos() - cpu;
                // The publisher can outrun the subscriber: QoS 0 beyond what the subscriber's socket takes is
                // dropped (counted), so messages in and out are reported apart.
                long received = stats.messagesReceived() - in;
                long sent = stats.messagesSent() - out;
                results.add(new Result(provider, HANDSHAKES / seconds, cpuPerHandshake,
                        received * 1000.0 / THROUGHPUT_MILLIS, sent * 1000.0 / THROUGHPUT_MILLIS,
                        (double) cpuUsed / (received + sent)));
                assertThat(broker.tlsHandshakeFailures()).isZero();
            }
        }
        try (StarlingBroker broker = StarlingBroker.builder().port(0).start()) {
            throughput(plain(broker.port()), 2000);
            BrokerStats stats = broker.stats();
            long in = stats.messagesReceived();
            long out = stats.messagesSent();
            long cpu = brokerCpuNanos();
            throughput(plain(broker.port()), THROUGHPUT_MILLIS);
            long cpuUsed = brokerCpuNanos() - cpu;
            long received = stats.messagesReceived() - in;
            long sent = stats.messagesSent() - out;
            results.add(new Result(null, Double.NaN, Double.NaN, received * 1000.0 / THROUGHPUT_MILLIS,
                    sent * 1000.0 / THROUGHPUT_MILLIS, (double) cpuUsed / (received + sent)));
        }
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%n| provider | full TLS 1.3 handshakes/s (%d sequential) | broker CPU per handshake | QoS 0 (%d B,"
                        + " %d s) msg/s in | msg/s out | broker CPU per message in or out |%n"
                        + "| --- | ---: | ---: | ---: | ---: | ---: |%n",
                HANDSHAKES, PAYLOAD, THROUGHPUT_MILLIS / 1000));
        for (Result r : results) {
            String handshakes = r.provider() == null ? "| | " : String.format(Locale.ROOT, "| %.0f | %.0f µs ",
                    r.handshakesPerSecond(), r.serverMicrosPerHandshake());
            table.append(String.format(Locale.ROOT, "| %s %s| %.0f | %.0f | %.0f ns |%n",
                    r.provider() == null ? "plain TCP (baseline)" : r.provider(), handshakes, r.inPerSecond(),
                    r.outPerSecond(), r.serverNanosPerMessage()));
        }
        System.out.println(table);
    }

    /** Connect, full handshake (the client's session is dropped each time), CONNECT, CONNACK, close. */
    private static void handshakes(SSLContext client, int port, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            try (TlsClient tls = TlsClient.connected(client, port, "hs-" + i)) {
                tls.session().invalidate();
            }
        }
    }

    /** An MQTT connection after CONNACK, over TLS or plain TCP. */
    private interface Connection extends AutoCloseable {
        InputStream input();

        OutputStream output();

        @Override
        void close();
    }

    private interface Opener {
        Connection open(String clientId) throws IOException;
    }

    private static Opener tls(SSLContext client, int port) {
        return id -> {
            TlsClient tls = TlsClient.connected(client, port, id);
            return new Connection() {
                public InputStream input() {
                    return tls.input();
                }

                public OutputStream output() {
                    return tls.output();
                }

                public void close() {
                    tls.close();
                }
            };
        };
    }

    private static Opener plain(int port) {
        return id -> {
            Socket socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            socket.getOutputStream().write(Bytes.connect(id, true, 0));
            byte[] connAck = socket.getInputStream().readNBytes(4);
            assertThat(connAck).containsExactly(0x20, 2, 0, 0);
            return new Connection() {
                public InputStream input() {
                    try {
                        return socket.getInputStream();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }

                public OutputStream output() {
                    try {
                        return socket.getOutputStream();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }

                public void close() {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                }
            };
        };
    }

    /** One publisher and one subscriber for {@code millis}; QoS 0 messages the subscriber read. */
    private static long throughput(Opener opener, long millis) throws Exception {
        Connection sub = opener.open("sub");
        Connection pub = opener.open("pub");
        try {
            sub.output().write(Bytes.subscribe(1, "bench/p2p", 0));
            assertThat(sub.input().readNBytes(5)[0] & 0xFF).as("SUBACK").isEqualTo(0x90);
            byte[] message = Bytes.publish("bench/p2p", 0, false, false, 0, new byte[PAYLOAD]);
            byte[] batch = new byte[message.length * 64];
            for (int i = 0; i < 64; i++) {
                System.arraycopy(message, 0, batch, i * message.length, message.length);
            }
            AtomicBoolean running = new AtomicBoolean(true);
            Thread publisher = new Thread(() -> {
                try {
                    OutputStream out = new BufferedOutputStream(pub.output(), 16 * 1024);
                    while (running.get()) {
                        out.write(batch);
                    }
                    out.flush();
                } catch (IOException e) {
                    // closed at the end of the run
                }
            }, "tls-compare-publisher");
            AtomicLong received = new AtomicLong();
            AtomicBoolean counting = new AtomicBoolean(true);
            Thread subscriber = new Thread(() -> {
                try {
                    InputStream in = new BufferedInputStream(sub.input(), 64 * 1024);
                    while (true) {
                        int first = in.read();
                        if (first < 0) {
                            return;
                        }
                        int length = 0;
                        int shift = 0;
                        int digit;
                        do {
                            digit = in.read();
                            length |= (digit & 0x7F) << shift;
                            shift += 7;
                        } while ((digit & 0x80) != 0);
                        in.skipNBytes(length);
                        if (counting.get()) {
                            received.incrementAndGet();
                        }
                    }
                } catch (IOException e) {
                    // closed at the end of the run
                }
            }, "tls-compare-subscriber");
            subscriber.start();
            publisher.start();
            Thread.sleep(millis);
            counting.set(false);
            running.set(false);
            long count = received.get();
            // Closing the sockets ends both threads' blocking calls.
            pub.close();
            sub.close();
            publisher.join(5000);
            subscriber.join(5000);
            return count;
        } finally {
            pub.close();
            sub.close();
        }
    }

    /** CPU time of this JVM's broker I/O threads so far (threads of closed brokers are gone and not counted). */
    private static long brokerCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("starling-") && t.getName().contains("-io-")) {
                long cpu = threads.getThreadCpuTime(t.getId());
                total += Math.max(cpu, 0);
            }
        }
        return total;
    }
}
