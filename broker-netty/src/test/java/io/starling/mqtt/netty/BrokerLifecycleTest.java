package io.starling.mqtt.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.Bytes;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Start, bound port, several brokers side by side, and a close that leaves no thread behind. */
@Timeout(30)
class BrokerLifecycleTest {

    private static Set<String> starlingThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("starling-"))
                .collect(Collectors.toSet());
    }

    @Test
    @DisplayName("port 0 binds a free port; two brokers run side by side; close() is quick and leaves no thread")
    void severalBrokersStartAndStopCleanly() {
        StarlingBroker a = StarlingBroker.builder().port(0).start();
        StarlingBroker b = StarlingBroker.builder().port(0).start();
        assertThat(a.port()).isPositive().isNotEqualTo(b.port());
        assertThat(a.uri()).isEqualTo("tcp://127.0.0.1:" + a.port());

        try (RawClient ca = RawClient.connected(a.port(), "x", true);
             RawClient cb = RawClient.connected(b.port(), "x", true)) {
            long started = System.nanoTime();
            a.close();
            long closeMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(closeMillis).as("close() with a client connected").isLessThan(1000);
            ca.expectClosed();
            // The other broker is unaffected.
            cb.send(Bytes.pingreq()).expect(0xD0);
        }
        b.close();
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(starlingThreads()).isEmpty());
    }

    @Test
    @DisplayName("start() and close() are idempotent; port() before start() fails clearly")
    void idempotentLifecycle() {
        StarlingBroker broker = StarlingBroker.builder().port(0).build();
        assertThatThrownBy(broker::port).isInstanceOf(IllegalStateException.class).hasMessageContaining("not started");
        broker.start();
        int port = broker.port();
        assertThat(broker.start().port()).isEqualTo(port);
        broker.close();
        broker.close();
        assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("binding a port in use fails with a clear message and leaves no thread")
    void bindFailure() {
        try (StarlingBroker first = StarlingBroker.builder().port(0).start()) {
            StarlingBroker second = StarlingBroker.builder().port(first.port()).build();
            assertThatThrownBy(second::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot bind 127.0.0.1:" + first.port());
            second.close();
        }
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(starlingThreads()).isEmpty());
    }

    @Test
    @DisplayName("the NIO transport serves clients when the native one is switched off")
    void nioTransport() {
        try (StarlingBroker broker = StarlingBroker.builder().port(0).configure(c -> c.nativeTransport(false)).start();
             RawClient client = RawClient.connected(broker.port(), "nio", true)) {
            client.send(Bytes.pingreq()).expect(0xD0);
        }
    }
}
