package io.starling.mqtt.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.netty.StarlingBroker;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** PER_METHOD and PER_CLASS brokers: which instance each test sees, and that each is closed afterwards. */
@Timeout(30)
class LifecycleTest {

    /** What a fixture saw: (where, broker, was it accepting connections then). */
    record Seen(String where, StarlingBroker broker, boolean accepting) {
        static Seen now(String where, StarlingBroker broker) {
            return new Seen(where, broker, Fixtures.accepts(broker.port()));
        }
    }

    static final List<Seen> SEEN = new CopyOnWriteArrayList<>();

    @BeforeEach
    void clear() {
        SEEN.clear();
    }

    @Test
    void perMethodStartsOneBrokerPerTestAndClosesEach() {
        EngineExecutionResults results = Fixtures.run(PerMethodFixture.class);

        results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(SEEN).extracting(Seen::where)
                .containsExactlyInAnyOrder("beforeEach", "test", "afterEach", "beforeEach", "test", "afterEach");
        assertThat(SEEN).allMatch(Seen::accepting);
        List<StarlingBroker> brokers = SEEN.stream().filter(s -> s.where().equals("test")).map(Seen::broker).toList();
        assertThat(brokers).doesNotHaveDuplicates();
        // Each test's @BeforeEach, test and @AfterEach see one broker.
        assertThat(SEEN.stream().map(Seen::broker).distinct()).hasSize(2);
        brokers.forEach(Fixtures::assertClosed);
        Fixtures.awaitNoStarlingThreads();
    }

    @Test
    void perClassSharesOneBrokerFromBeforeAllToAfterAllThenClosesIt() {
        EngineExecutionResults results = Fixtures.run(PerClassFixture.class);

        results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(SEEN).extracting(Seen::where)
                .containsExactly("beforeAll", "constructor", "test", "constructor", "test", "afterAll");
        assertThat(SEEN).allMatch(Seen::accepting);
        assertThat(SEEN.stream().map(Seen::broker).distinct()).hasSize(1);
        Fixtures.assertClosed(SEEN.get(0).broker());
        Fixtures.awaitNoStarlingThreads();
    }

    @Test
    void nestedClassesShareTheEnclosingPerClassBroker() {
        EngineExecutionResults results = Fixtures.run(NestedFixture.class);

        results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(SEEN).extracting(Seen::where).containsExactlyInAnyOrder("outer", "inner");
        assertThat(SEEN.stream().map(Seen::broker).distinct()).hasSize(1);
        Fixtures.assertClosed(SEEN.get(0).broker());
    }

    @Test
    void registeredExtensionWithPerClassLifecycleAndSettings() {
        EngineExecutionResults results = Fixtures.run(RegisteredPerClassFixture.class);

        results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(SEEN.stream().map(Seen::broker).distinct()).hasSize(1);
        assertThat(SEEN.get(0).broker().config().maxInflight()).isEqualTo(3);
        assertThat(SEEN.get(0).broker().config().ioThreads()).as("default kept").isEqualTo(1);
        Fixtures.assertClosed(SEEN.get(0).broker());
    }

    @Test
    void registeredExtensionInAnInstanceFieldRunsPerMethod() {
        EngineExecutionResults results = Fixtures.run(RegisteredPerMethodFixture.class);

        results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(SEEN.stream().map(Seen::broker).distinct()).hasSize(2);
        SEEN.forEach(seen -> Fixtures.assertClosed(seen.broker()));
    }

    // ---- fixtures ----

    @Fixtures.Fixture
    @StarlingTest
    static class PerMethodFixture {
        StarlingBroker broker;

        @BeforeEach
        void beforeEach() {
            SEEN.add(Seen.now("beforeEach", broker));
        }

        @AfterEach
        void afterEach() {
            SEEN.add(Seen.now("afterEach", broker));
        }

        @Test
        void one() {
            SEEN.add(Seen.now("test", broker));
        }

        @Test
        void two() {
            SEEN.add(Seen.now("test", broker));
        }
    }

    @Fixtures.Fixture
    @StarlingTest(lifecycle = BrokerLifecycle.PER_CLASS)
    @org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.MethodName.class)
    static class PerClassFixture {
        static StarlingBroker shared;

        PerClassFixture(StarlingBroker broker) {
            SEEN.add(Seen.now("constructor", broker));
        }

        @BeforeAll
        static void beforeAll(StarlingBroker broker) {
            assertThat(shared).as("static field injected before @BeforeAll").isSameAs(broker);
            SEEN.add(Seen.now("beforeAll", broker));
        }

        @AfterAll
        static void afterAll() {
            SEEN.add(Seen.now("afterAll", shared));
        }

        @Test
        void one(StarlingBroker broker) {
            SEEN.add(Seen.now("test", broker));
        }

        @Test
        void two(StarlingBroker broker) {
            SEEN.add(Seen.now("test", broker));
        }
    }

    @Fixtures.Fixture
    @StarlingTest(lifecycle = BrokerLifecycle.PER_CLASS)
    static class NestedFixture {
        @Test
        void outer(StarlingBroker broker) {
            SEEN.add(Seen.now("outer", broker));
        }

        @Nested
        class Inner {
            @Test
            void inner(StarlingBroker broker) {
                SEEN.add(Seen.now("inner", broker));
            }
        }
    }

    @Fixtures.Fixture
    static class RegisteredPerClassFixture {
        @RegisterExtension
        static final StarlingExtension STARLING = StarlingExtension.builder()
                .lifecycle(BrokerLifecycle.PER_CLASS)
                .configure(config -> config.maxInflight(3))
                .build();

        @Test
        void one(StarlingBroker broker) {
            SEEN.add(Seen.now("test", broker));
        }

        @Test
        void two(StarlingBroker broker) {
            SEEN.add(Seen.now("test", broker));
        }
    }

    @Fixtures.Fixture
    static class RegisteredPerMethodFixture {
        @RegisterExtension
        final StarlingExtension starling = StarlingExtension.builder().build();

        @Test
        void one(StarlingTestKit kit) {
            SEEN.add(Seen.now("test", kit.broker()));
        }

        @Test
        void two(StarlingTestKit kit) {
            SEEN.add(Seen.now("test", kit.broker()));
        }
    }
}
