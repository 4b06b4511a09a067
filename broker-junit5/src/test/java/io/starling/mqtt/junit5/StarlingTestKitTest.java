package io.starling.mqtt.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** The helpers: what they return, how long they wait, and what they say when the traffic does not come. */
@StarlingTest
@Timeout(30)
class StarlingTestKitTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration SHORT = Duration.ofMillis(150);

    StarlingTestKit kit;

    @Test
    void collectRecordsMatchingMessagesInOrder() {
        MessageRecorder recorder = kit.collect("sensors/+/temperature");

        kit.publish("sensors/kitchen/temperature", "21.5");
        kit.publish("sensors/kitchen/humidity", "40");
        kit.publish("sensors/hall/temperature", "19.0", QoS.AT_MOST_ONCE, false);

        List<Message> messages = recorder.awaitCount(2, WAIT);
        assertThat(messages).hasSize(2);
        assertThat(recorder.payloadsAsStrings()).containsExactly("21.5", "19.0");
        assertThat(recorder.topics()).containsExactly("sensors/kitchen/temperature", "sensors/hall/temperature");
        assertThat(recorder.messages()).extracting(Message::qos).containsExactly(QoS.AT_LEAST_ONCE, QoS.AT_MOST_ONCE);
        assertThat(recorder.filter()).isEqualTo("sensors/+/temperature");
        assertThat(recorder.count()).isEqualTo(2);
    }

    @Test
    void collectAtALowerQosDowngrades() {
        MessageRecorder recorder = kit.collect("a/#", QoS.AT_MOST_ONCE);
        kit.publish("a/b", "x", QoS.EXACTLY_ONCE, false);
        assertThat(recorder.awaitMessage(WAIT).qos()).isEqualTo(QoS.AT_MOST_ONCE);
    }

    @Test
    void awaitMessageSeesRetainedMessagesAndLaterOnes() {
        kit.publish("config/mode", "eco", QoS.AT_LEAST_ONCE, true);
        Message retained = kit.awaitMessage("config/#", WAIT);
        assertThat(retained.retain()).isTrue();
        assertThat(new String(retained.payload(), StandardCharsets.UTF_8)).isEqualTo("eco");

        byte[] bytes = {1, 2, 3};
        kit.publish("raw/bytes", bytes, QoS.AT_MOST_ONCE, false);
        // Published before the wait began and not retained: missed. That is why collect() comes first.
        MessageRecorder recorder = kit.collect("raw/bytes");
        kit.publish("raw/bytes", bytes, QoS.AT_MOST_ONCE, false);
        assertThat(recorder.awaitMessage(WAIT).payload()).containsExactly(1, 2, 3);
        assertThat(recorder.count()).isEqualTo(1);
    }

    @Test
    void clearForgetsWhatWasRecorded() {
        MessageRecorder recorder = kit.collect("t");
        kit.publish("t", "one");
        recorder.awaitCount(1, WAIT);
        recorder.clear();
        kit.publish("t", "two");
        recorder.awaitCount(1, WAIT);
        assertThat(recorder.payloadsAsStrings()).containsExactly("two");
    }

    @Test
    void awaitMessageTimesOutNamingFilterAndTimeout() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> kit.awaitMessage("nothing/+/here", SHORT))
                .isInstanceOf(AssertionError.class)
                .hasMessage("expected a message on filter 'nothing/+/here' within 150 ms, but none arrived");
        long waitedMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(waitedMillis).isBetween(150L, 150L + 2_000L);
    }

    @Test
    void awaitCountTimesOutListingWhatArrived() {
        MessageRecorder recorder = kit.collect("orders/#");
        kit.publish("orders/1", "{\"id\":1}");
        recorder.awaitCount(1, WAIT);
        kit.publish("orders/2", new byte[] {0, (byte) 0xFF}, QoS.AT_MOST_ONCE, true);
        recorder.awaitCount(2, WAIT);

        assertThatThrownBy(() -> recorder.awaitCount(3, Duration.ofMillis(300)))
                .isInstanceOf(AssertionError.class)
                .hasMessage("expected 3 messages on filter 'orders/#' within 300 ms, but only 2 arrived: "
                        + "[orders/1 \"{\"id\":1}\" qos1, orders/2 (2 bytes, binary) qos0]");
    }

    @Test
    void timeoutsAreWrittenAsPeopleReadThem() {
        assertThat(Deadline.describe(Duration.ofMillis(150))).isEqualTo("150 ms");
        assertThat(Deadline.describe(Duration.ofSeconds(2))).isEqualTo("2 s");
        assertThat(Deadline.describe(Duration.ofMillis(1500))).isEqualTo("1.500 s");
    }

    @Test
    void clientHelpersFollowConnectionsAndSubscriptions(StarlingTestKit kit) {
        assertThatThrownBy(() -> kit.assertClientConnected("device-1"))
                .isInstanceOf(AssertionError.class)
                .hasMessage("expected client 'device-1' to be connected, but it is not; connected clients: []");

        try (RawMqttClient device = RawMqttClient.connect(kit.broker().port(), "device-1")) {
            kit.awaitClientConnected("device-1", WAIT);
            kit.assertClientConnected("device-1");
            assertThat(kit.connectedClients()).containsExactly("device-1");

            assertThatThrownBy(() -> kit.awaitSubscribed("device-1", "cmd/device-1", SHORT))
                    .isInstanceOf(AssertionError.class)
                    .hasMessage("expected client 'device-1' to subscribe to filter 'cmd/device-1' within 150 ms, "
                            + "but its subscriptions are []");

            device.subscribe("cmd/device-1", 1);
            assertThat(kit.awaitSubscribed("device-1", "cmd/device-1", WAIT)).isEqualTo(QoS.AT_LEAST_ONCE);

            assertThatThrownBy(() -> kit.awaitClientDisconnected("device-1", SHORT))
                    .isInstanceOf(AssertionError.class)
                    .hasMessage("expected client 'device-1' to be disconnected within 150 ms, "
                            + "but it is still connected");
        }
        kit.awaitClientDisconnected("device-1", WAIT);
    }

    @Test
    void clientHelpersTimeOutNamingClientAndTimeout() {
        assertThatThrownBy(() -> kit.awaitClientConnected("ghost", SHORT))
                .isInstanceOf(AssertionError.class)
                .hasMessage("expected client 'ghost' to be connected within 150 ms, "
                        + "but it is not; connected clients: []");
        assertThatThrownBy(() -> kit.awaitSubscribed("ghost", "a/b", SHORT))
                .isInstanceOf(AssertionError.class)
                .hasMessage("expected client 'ghost' to subscribe to filter 'a/b' within 150 ms, "
                        + "but the broker has no session for it");
    }

    @Test
    void anInterruptedWaitStopsAtOnceAndKeepsTheFlag() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> kit.awaitMessage("x", WAIT))
                    .isInstanceOf(AssertionError.class)
                    .hasMessage("interrupted while waiting for 1 message(s) on filter 'x'");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void invalidArgumentsAreRejected() {
        assertThatThrownBy(() -> kit.awaitMessage("a/#", Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout must not be negative");
        assertThatThrownBy(() -> kit.collect("a/#/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> kit.publish("a/+", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- recorders end with their test ----

    static final List<MessageRecorder> LEFT_OPEN = new CopyOnWriteArrayList<>();

    @Test
    void recordersAreClosedAfterEachTest() {
        LEFT_OPEN.clear();
        EngineExecutionResults results = Fixtures.run(RecorderFixture.class);

        results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(LEFT_OPEN).hasSize(2).allMatch(MessageRecorder::isClosed);
        assertThatThrownBy(() -> ((StarlingTestKit) RecorderFixture.kitOfFirstTest).collect("#"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("this StarlingTestKit belongs to a test that has finished");
    }

    @Fixtures.Fixture
    @StarlingTest(lifecycle = BrokerLifecycle.PER_CLASS)
    @org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.MethodName.class)
    static class RecorderFixture {
        static Object kitOfFirstTest;

        @Test
        void first(StarlingTestKit kit) {
            kitOfFirstTest = kit;
            LEFT_OPEN.add(kit.collect("#"));
        }

        @Test
        void second(StarlingTestKit kit) {
            // The same broker (PER_CLASS), a fresh kit; the first test's recorder no longer listens.
            assertThat(kit).isNotSameAs(kitOfFirstTest);
            MessageRecorder mine = kit.collect("#");
            LEFT_OPEN.add(mine);
            kit.publish("after/first", "x");
            mine.awaitCount(1, WAIT);
            assertThat(LEFT_OPEN.get(0).count()).isZero();
            assertThat(LEFT_OPEN.get(0).isClosed()).isTrue();
        }
    }
}
