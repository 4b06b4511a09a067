package io.starling.mqtt.netty.conformance;

import static io.starling.mqtt.netty.conformance.ConnectConformanceSupport.repeat;
import static io.starling.mqtt.netty.support.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.starling.mqtt.api.AuthenticationResult;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keep-alive [MQTT-3.1.2-24] and the CONNECT timeout. The broker runs with a 500 ms CONNECT timeout; every wait is a
 * read with a timeout, never a sleep.
 */
@Timeout(30)
class ConnectKeepAliveConformanceIT {
    private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);
    /** Scheduling slack on a loaded two-core machine, added to every upper bound. */
    private static final long TOLERANCE_MILLIS = 1000;

    private final CompletableFuture<AuthenticationResult> neverAnswered = new CompletableFuture<>();

    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.started(c -> c.connectTimeout(CONNECT_TIMEOUT).authenticator(
            credentials -> "silent".equals(credentials.client().username())
                    ? neverAnswered
                    : CompletableFuture.completedFuture(AuthenticationResult.ACCEPTED)));

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Test
    @DisplayName("[MQTT-3.1.2-24] [MQTT-3.1.2-8] keep-alive 1 s and silence: closed after about 1.5 s and the will "
            + "is published")
    void silenceBeyondOneAndAHalfKeepAlivesCloses() {
        RawClient observer = broker.rawSubscriber("observer", true, "will/#", 0);
        RawClient client = broker.raw();
        client.send(Bytes.connectWithWill("quiet", true, 1, "will/quiet", utf8("timed out"), 0, false));
        client.expectConnAck(false, 0);
        long connected = System.nanoTime();

        client.expectClosed(Duration.ofMillis(1500 + TOLERANCE_MILLIS + 500));
        long closedAfter = millisSince(connected);
        assertThat(closedAfter).as("closed after 1.5 x keep-alive, not after 1 x").isBetween(1250L,
                1500 + TOLERANCE_MILLIS);

        RawPacket will = observer.expectPublish();
        assertThat(millisSince(connected)).isLessThan(1500 + TOLERANCE_MILLIS + 500);
        assertThat(will.topic()).isEqualTo("will/quiet");
        assertThat(will.payloadString()).isEqualTo("timed out");
    }

    @Test
    @DisplayName("[MQTT-3.1.2-24] [MQTT-3.12.4-1] PINGREQ every 0.7 s keeps a keep-alive 1 s connection open over "
            + "several periods")
    void pingingKeepsTheConnectionOpen() {
        RawClient client = broker.raw().send(Bytes.connect("pinger", true, 1));
        client.expectConnAck(false, 0);
        long connected = System.nanoTime();
        for (int i = 0; i < 6; i++) {
            client.expectNothingFor(Duration.ofMillis(700));
            client.send(Bytes.pingreq());
            assertThat(client.read().hex()).as("PINGRESP " + i).isEqualTo("D0 ");
        }
        assertThat(millisSince(connected)).as("observed over more than 2 x 1.5 s").isGreaterThan(4000);
    }

    @Test
    @DisplayName("[MQTT-3.1.2-24] any control packet counts: PUBLISH every 0.7 s keeps a keep-alive 1 s connection "
            + "open")
    void publishingKeepsTheConnectionOpen() {
        RawClient client = broker.raw().send(Bytes.connect("talker", true, 1));
        client.expectConnAck(false, 0);
        for (int i = 1; i <= 5; i++) {
            client.expectNothingFor(Duration.ofMillis(700));
            client.send(Bytes.publish("nobody/listens", 1, i, "tick"));
            assertThat(client.read().hex()).isEqualTo(String.format("40 %04X", i));
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.2-24] keep-alive 0 switches the timeout off (observed for well over the CONNECT timeout)")
    void keepAliveZeroNeverTimesOut() {
        RawClient client = broker.raw().send(Bytes.connect("forever", true, 0));
        client.expectConnAck(false, 0);
        client.expectNothingFor(CONNECT_TIMEOUT.multipliedBy(3));
        client.send(Bytes.pingreq());
        assertThat(client.read().hex()).isEqualTo("D0 ");
    }

    @Test
    @DisplayName("[MQTT-3.1.2-24] keep-alive 65535 (the maximum) is accepted and does not expire at once")
    void maximumKeepAlive() {
        RawClient client = broker.raw().send(Bytes.connect("patient", true, 65_535));
        client.expectConnAck(false, 0);
        client.expectNothingFor(CONNECT_TIMEOUT.multipliedBy(2));
        client.send(Bytes.pingreq());
        assertThat(client.read().hex()).isEqualTo("D0 ");
    }

    @Test
    @DisplayName("CONNECT timeout: a silent socket is closed after the configured 500 ms, with nothing sent")
    void silentSocketIsClosed() {
        long opened = System.nanoTime();
        RawClient client = broker.raw();
        client.expectClosed(CONNECT_TIMEOUT.plusMillis(TOLERANCE_MILLIS + 1000));
        assertThat(millisSince(opened)).isBetween(CONNECT_TIMEOUT.toMillis() - 100,
                CONNECT_TIMEOUT.toMillis() + TOLERANCE_MILLIS);
    }

    @Test
    @DisplayName("CONNECT timeout: a half-sent CONNECT followed by silence is closed without CONNACK")
    void partialConnectIsClosed() {
        byte[] connect = Bytes.connect("partial", true, 0);
        long opened = System.nanoTime();
        RawClient client = broker.raw().send(java.util.Arrays.copyOf(connect, 8));
        client.expectClosed(CONNECT_TIMEOUT.plusMillis(TOLERANCE_MILLIS + 1000));
        assertThat(millisSince(opened)).isLessThan(CONNECT_TIMEOUT.toMillis() + TOLERANCE_MILLIS);
    }

    @Test
    @DisplayName("CONNECT timeout: a CONNECT trickled one byte per 100 ms is closed at the deadline, not kept alive "
            + "by the bytes")
    void tricklingSocketIsClosed() throws IOException {
        byte[] connect = Bytes.connect(repeat('t', 60), true, 0);
        long opened = System.nanoTime();
        try (Socket socket = new Socket("127.0.0.1", broker.port())) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(100);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            int sent = 0;
            boolean closed = false;
            while (!closed && sent < connect.length) {
                try {
                    out.write(connect[sent++]);
                    out.flush();
                    int b = in.read();
                    if (b >= 0) {
                        fail("the server sent %02X to a client that never completed its CONNECT", b);
                    }
                    closed = true;
                } catch (SocketTimeoutException stillOpen) {
                    // 100 ms passed with the connection open: send the next byte.
                } catch (SocketException reset) {
                    closed = true;
                }
            }
            assertThat(closed).as("closed before the whole CONNECT (%d bytes) was trickled", connect.length).isTrue();
            assertThat(sent).isLessThan(connect.length);
            assertThat(millisSince(opened)).isLessThan(CONNECT_TIMEOUT.toMillis() + TOLERANCE_MILLIS);
        }
        assertThat(broker.engine().sessions().size()).isZero();
    }

    @Test
    @DisplayName("CONNECT timeout: a CONNECT whose authentication never completes is closed at the deadline, no CONNACK")
    void unansweredAuthenticationTimesOut() {
        long opened = System.nanoTime();
        RawClient client = broker.raw();
        client.send(ConnectConformanceSupport.connectWithCredentials("waiting", true, "silent", utf8("pw")));
        client.expectClosed(CONNECT_TIMEOUT.plusMillis(TOLERANCE_MILLIS + 1000));
        assertThat(millisSince(opened)).isLessThan(CONNECT_TIMEOUT.toMillis() + TOLERANCE_MILLIS);
        assertThat(broker.engine().sessions().get("waiting")).isNull();
    }

    @Test
    @DisplayName("CONNECT timeout: a CONNECT completed in time is not closed when the CONNECT deadline passes")
    void completedConnectOutlivesTheDeadline() {
        RawClient client = broker.raw().send(Bytes.connect("prompt", true, 0));
        client.expectConnAck(false, 0);
        client.expectNothingFor(CONNECT_TIMEOUT.multipliedBy(2));
        client.send(Bytes.pingreq());
        assertThat(client.read().hex()).isEqualTo("D0 ");
    }
}
