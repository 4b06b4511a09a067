package io.starling.mqtt.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.netty.StarlingBroker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/** A failing, erroring or timed-out test still stops its broker; misuse fails with a message that says why. */
@Timeout(30)
class FailureHandlingTest {

    static final List<StarlingBroker> BROKERS = new CopyOnWriteArrayList<>();
    static final List<MessageRecorder> RECORDERS = new CopyOnWriteArrayList<>();

    @BeforeEach
    void clear() {
        BROKERS.clear();
        RECORDERS.clear();
    }

    @Test
    void failingTestsStillStopTheirBrokers() {
        EngineExecutionResults results = Fixtures.run(FailingTestsFixture.class);

        results.testEvents().assertStatistics(s -> s.started(2).failed(2));
        assertThat(BROKERS).hasSize(2).doesNotHaveDuplicates();
        BROKERS.forEach(Fixtures::assertClosed);
        assertThat(RECORDERS).hasSize(1).allMatch(MessageRecorder::isClosed);
        Fixtures.awaitNoStarlingThreads();
    }

    @Test
    void failingBeforeEachStillStopsTheBroker() {
        EngineExecutionResults results = Fixtures.run(FailingBeforeEachFixture.class);

        results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        assertThat(BROKERS).hasSize(1);
        Fixtures.assertClosed(BROKERS.get(0));
        Fixtures.awaitNoStarlingThreads();
    }

    @Test
    void perClassBrokerIsStoppedWhenTestsAndAfterAllFail() {
        EngineExecutionResults results = Fixtures.run(FailingPerClassFixture.class);

        results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        assertThat(messages(results)).anyMatch(m -> m.contains("@AfterAll broke"));
        assertThat(BROKERS).hasSize(1);
        Fixtures.assertClosed(BROKERS.get(0));
        Fixtures.awaitNoStarlingThreads();
    }

    @Test
    void timedOutTestIsInterruptedOutOfItsWaitAndStopsTheBroker() {
        EngineExecutionResults results = Fixtures.run(TimedOutFixture.class);

        results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        assertThat(messages(results)).anyMatch(m -> m.contains("timed out after 200 milliseconds"));
        assertThat(BROKERS).hasSize(1);
        Fixtures.assertClosed(BROKERS.get(0));
        Fixtures.awaitNoStarlingThreads();
    }

    @Test
    void registeringTheExtensionTwiceIsReported() {
        EngineExecutionResults results = Fixtures.run(RegisteredTwiceFixture.class);

        results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        assertThat(messages(results)).anyMatch(m -> m.contains("StarlingExtension is registered more than once")
                && m.contains("either @StarlingTest or one @RegisterExtension field"));
        Fixtures.awaitNoStarlingThreads();
    }

    @Test
    void perMethodBrokerCannotBeInjectedIntoBeforeAll() {
        EngineExecutionResults results = Fixtures.run(PerMethodBeforeAllFixture.class);

        assertThat(messages(results)).anyMatch(m -> m.contains("with BrokerLifecycle.PER_METHOD a broker exists only")
                && m.contains("@StarlingTest(lifecycle = BrokerLifecycle.PER_CLASS)"));
        Fixtures.awaitNoStarlingThreads();
    }

    @Test
    void badConfigMethodIsReported() {
        EngineExecutionResults results = Fixtures.run(BadConfigMethodFixture.class);

        // Found before any test starts: the class fails as a whole.
        results.containerEvents().assertStatistics(s -> s.failed(1));
        results.testEvents().assertStatistics(s -> s.started(0));
        assertThat(messages(results)).anyMatch(m -> m.contains("@StarlingConfig method")
                && m.contains("must be 'static void name(BrokerConfig.Builder config)'"));
    }

    @Test
    void invalidSettingFailsTheTestWithTheBuilderMessage() {
        EngineExecutionResults results = Fixtures.run(InvalidSettingFixture.class);

        results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        assertThat(messages(results)).anyMatch(m -> m.contains("maxInflight must be 1..65535, was 0"));
        Fixtures.awaitNoStarlingThreads();
    }

    private static List<String> messages(EngineExecutionResults results) {
        return results.allEvents().failed().stream()
                .map(FailureHandlingTest::failure)
                .toList();
    }

    private static String failure(Event event) {
        Throwable t = event.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
                .orElseThrow();
        StringBuilder text = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            text.append(c).append('\n');
            for (Throwable s : c.getSuppressed()) {
                text.append(s).append('\n');
            }
        }
        return text.toString();
    }

    // ---- fixtures ----

    @Fixtures.Fixture
    @StarlingTest
    static class FailingTestsFixture {
        @Test
        void assertionFails(StarlingBroker broker, StarlingTestKit kit) {
            BROKERS.add(broker);
            RECORDERS.add(kit.collect("#"));
            fail("on purpose");
        }

        @Test
        void exceptionEscapes(StarlingBroker broker) {
            BROKERS.add(broker);
            throw new IllegalStateException("on purpose");
        }
    }

    @Fixtures.Fixture
    @StarlingTest
    static class FailingBeforeEachFixture {
        StarlingBroker broker;

        @BeforeEach
        void setUp() {
            BROKERS.add(broker);
            throw new IllegalStateException("@BeforeEach broke");
        }

        @Test
        void neverRuns() {
            fail("not reached");
        }
    }

    @Fixtures.Fixture
    @StarlingTest(lifecycle = BrokerLifecycle.PER_CLASS)
    static class FailingPerClassFixture {
        @BeforeAll
        static void remember(StarlingBroker broker) {
            BROKERS.add(broker);
        }

        @AfterAll
        static void tearDown() {
            throw new IllegalStateException("@AfterAll broke");
        }

        @Test
        void fails() {
            fail("on purpose");
        }
    }

    @Fixtures.Fixture
    @StarlingTest
    static class TimedOutFixture {
        @Test
        @Timeout(value = 200, unit = TimeUnit.MILLISECONDS)
        void waitsTooLong(StarlingBroker broker, StarlingTestKit kit) {
            BROKERS.add(broker);
            kit.awaitMessage("never/published", Duration.ofMinutes(5));
        }
    }

    @Fixtures.Fixture
    @StarlingTest
    static class RegisteredTwiceFixture {
        @RegisterExtension
        final StarlingExtension second = StarlingExtension.builder().build();

        @Test
        void test() {
            fail("not reached");
        }
    }

    @Fixtures.Fixture
    @StarlingTest
    static class PerMethodBeforeAllFixture {
        @BeforeAll
        static void setUp(StarlingBroker broker) {
            fail("not reached");
        }

        @Test
        void test() {
        }
    }

    @Fixtures.Fixture
    @StarlingTest
    static class BadConfigMethodFixture {
        @StarlingConfig
        void notStatic(BrokerConfig.Builder config) {
        }

        @Test
        void test() {
        }
    }

    @Fixtures.Fixture
    @StarlingTest
    static class InvalidSettingFixture {
        @StarlingConfig
        static void invalid(BrokerConfig.Builder config) {
            config.maxInflight(0);
        }

        @Test
        void test() {
        }
    }

    @AfterEach
    void noBrokerOutlivesAFixture() {
        BROKERS.forEach(b -> assertThat(Fixtures.accepts(b.port())).isFalse());
    }
}
