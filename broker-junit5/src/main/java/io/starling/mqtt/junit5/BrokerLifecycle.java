package io.starling.mqtt.junit5;

/** How long one broker of {@link StarlingTest} / {@link StarlingExtension} lives. */
public enum BrokerLifecycle {
    /**
     * One broker per test method: started before the method's {@code @BeforeEach} methods, closed after its
     * {@code @AfterEach} methods. Tests cannot see each other's sessions, subscriptions or retained messages.
     */
    PER_METHOD,

    /**
     * One broker for the whole test class (and its {@code @Nested} classes): started before the {@code @BeforeAll}
     * methods, closed after the {@code @AfterAll} methods. Faster for many small tests, but state (retained
     * messages, persistent sessions) carries over from one test to the next.
     */
    PER_CLASS
}
