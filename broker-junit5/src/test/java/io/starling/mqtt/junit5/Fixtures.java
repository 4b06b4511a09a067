package io.starling.mqtt.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.starling.mqtt.netty.StarlingBroker;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Runs fixture classes (tests that fail on purpose, lifecycle probes) through JUnit's {@link EngineTestKit}, and
 * checks what the extension did to their brokers afterwards.
 */
final class Fixtures {
    private static final String ENABLED = "starling.junit5.fixtures";

    private Fixtures() {}

    /**
     * Marks a fixture class: it runs only inside {@link #run}, never when an IDE or the build discovers it
     * (the build skips nested classes anyway).
     */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @ExtendWith(OnlyInEngineTestKit.class)
    @interface Fixture {
    }

    static final class OnlyInEngineTestKit implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(ENABLED).map(Boolean::parseBoolean).orElse(false)
                    ? ConditionEvaluationResult.enabled("run by Fixtures.run")
                    : ConditionEvaluationResult.disabled("a fixture, run only by Fixtures.run");
        }
    }

    static EngineExecutionResults run(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter(ENABLED, "true")
                .selectors(selectClass(fixture))
                .execute();
    }

    /** Closed: {@code start()} refuses, and nothing listens on its port any more. */
    static void assertClosed(StarlingBroker broker) {
        int port = broker.port();
        assertThatThrownBy(broker::start).as("start() of a closed broker")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(accepts(port)).as("something still listens on port %d", port).isFalse();
    }

    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            throw new AssertionError("probing port " + port + " failed", e);
        }
    }

    static Set<String> starlingThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("starling-"))
                .collect(Collectors.toSet());
    }

    /** Threads end a moment after their event loop terminates: give them two seconds. */
    static void awaitNoStarlingThreads() {
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(starlingThreads()).as("threads named starling-*").isEmpty());
    }
}
