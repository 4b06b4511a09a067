/**
 * The JUnit 5 extension for testing against Starling: {@link io.starling.mqtt.junit5.StarlingTest} (or
 * {@link io.starling.mqtt.junit5.StarlingExtension} registered programmatically) starts an in-memory broker on a
 * free loopback port per test method or per class, injects it, and closes it afterwards;
 * {@link io.starling.mqtt.junit5.StarlingTestKit} and {@link io.starling.mqtt.junit5.MessageRecorder} await and
 * collect traffic.
 *
 * <p>Threading: the extension runs on JUnit's threads. Recorders are filled on the broker's in-process listener
 * thread and read by the test thread under one lock each; session state (connected, subscriptions) is read by a
 * task on the session's own event loop, never directly, so the broker's single-owner rule holds. Waiting is a
 * deadline loop on the test thread that honours interruption (JUnit's {@code @Timeout}); the package starts no
 * thread of its own.
 */
package io.starling.mqtt.junit5;
