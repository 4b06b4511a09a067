package io.starling.mqtt.netty.support;

import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.BrokerStats;
import io.starling.mqtt.api.Message;
import io.starling.mqtt.engine.BrokerEngine;
import io.starling.mqtt.netty.StarlingBroker;
import io.starling.mqtt.session.Session;
import io.starling.mqtt.topic.TopicName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link StarlingBroker} on port 0 per test, and the clients a test opens against it, closed after the test.
 * Register it on an instance field with {@code @RegisterExtension}: {@link #started()} (or {@link #started(Consumer)}
 * with settings) starts the broker before each test; {@code new BrokerExtension()} leaves that to the test, which
 * calls {@link #start()} or {@link #start(Consumer)}, and may {@link #stop()} and start again.
 *
 * <p>After each test the tracked resources ({@link #raw()}, {@link #rawConnected}, {@link #paho}, anything passed to
 * {@link #track}) are closed in the order they were opened, then the broker. {@link #engine()}, {@link #stats()},
 * {@link #publish(Message)}, {@link #port()} and {@link #uri()} are the running broker's.
 */
public final class BrokerExtension implements BeforeEachCallback, AfterEachCallback {
    private final Consumer<BrokerConfig.Builder> startEachTest;
    private final List<AutoCloseable> tracked = new ArrayList<>();
    private StarlingBroker broker;

    /** A broker that each test starts itself, with {@link #start()} or {@link #start(Consumer)}. */
    public BrokerExtension() {
        this(null);
    }

    private BrokerExtension(Consumer<BrokerConfig.Builder> startEachTest) {
        this.startEachTest = startEachTest;
    }

    /** A broker with the default configuration, started before each test. */
    public static BrokerExtension started() {
        return started(c -> { });
    }

    /** A broker with these settings, started before each test. */
    public static BrokerExtension started(Consumer<BrokerConfig.Builder> settings) {
        return new BrokerExtension(settings);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (startEachTest != null) {
            start(startEachTest);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception failure = null;
        try {
            for (AutoCloseable resource : tracked) {
                try {
                    resource.close();
                } catch (Exception e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        } finally {
            tracked.clear();
            stop();
        }
        if (failure != null) {
            throw failure;
        }
    }

    // ---- the broker ----

    /** Starts a broker with the default configuration on port 0. */
    public StarlingBroker start() {
        return start(c -> { });
    }

    /** Starts a broker on port 0 with these settings (a host among them, if the test needs one). */
    public StarlingBroker start(Consumer<BrokerConfig.Builder> settings) {
        if (broker != null) {
            throw new IllegalStateException("a broker is already running in this test; stop() it first");
        }
        broker = StarlingBroker.builder().port(0).configure(settings).start();
        return broker;
    }

    /** Closes the running broker now (tracked clients stay tracked); {@link #start} may start another one. */
    public void stop() {
        if (broker != null) {
            StarlingBroker running = broker;
            broker = null;
            running.close();
        }
    }

    public boolean isRunning() {
        return broker != null;
    }

    /** The running broker. */
    public StarlingBroker broker() {
        if (broker == null) {
            throw new IllegalStateException("no broker is running: call start() first");
        }
        return broker;
    }

    public int port() {
        return broker().port();
    }

    public String uri() {
        return broker().uri();
    }

    public BrokerEngine engine() {
        return broker().engine();
    }

    public BrokerStats stats() {
        return broker().stats();
    }

    /** In-process publish. */
    public void publish(Message message) {
        broker().publish(message);
    }

    // ---- clients, closed after the test ----

    /** Closes {@code resource} after the test, with the clients. */
    public <T extends AutoCloseable> T track(T resource) {
        tracked.add(resource);
        return resource;
    }

    /** A TCP connection to the broker with nothing sent yet. */
    public RawClient raw() {
        return track(new RawClient(port()));
    }

    /** CONNECT (keep alive 0) answered by a CONNACK with return code 0 ({@link RawClient#connected}). */
    public RawClient rawConnected(String clientId, boolean cleanSession) {
        return track(RawClient.connected(port(), clientId, cleanSession));
    }

    /** CONNECT (keep alive 0) answered by exactly {@code 20 02 0<sessionPresent> 00}. */
    public RawClient rawConnected(String clientId, boolean cleanSession, boolean sessionPresent) {
        return track(RawClient.connected(port(), clientId, cleanSession, sessionPresent));
    }

    /**
     * A new session ({@code 20 02 00 00}) subscribed to {@code filter} at {@code qos} with packet id 1, the SUBACK
     * granting exactly that QoS.
     */
    public RawClient rawSubscriber(String clientId, boolean cleanSession, String filter, int qos) {
        RawClient client = rawConnected(clientId, cleanSession, false);
        client.subscribe(1, filter, qos);
        return client;
    }

    /** A clean-session client with a will and keep alive {@code keepAlive}, CONNACK return code 0 already read. */
    public RawClient rawConnectedWithWill(String clientId, int keepAlive, String willTopic, String willPayload,
                                          int willQos, boolean willRetain) {
        RawClient client = raw();
        client.send(Bytes.connectWithWill(clientId, true, keepAlive, willTopic, Bytes.utf8(willPayload), willQos,
                willRetain));
        client.expectConnAck(0);
        return client;
    }

    /** A connected Paho client ({@link Paho#connect(String, String, boolean)}). */
    public Paho.Client paho(String clientId, boolean cleanSession) throws MqttException {
        return track(Paho.connect(uri(), clientId, cleanSession));
    }

    // ---- waiting for the broker ----

    /** Waits up to 5 s until the session of {@code clientId} exists and has no connection. */
    public void awaitOffline(String clientId) {
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            Session s = engine().sessions().get(clientId);
            return s != null && !s.isConnected();
        });
    }

    /** True when {@code clientId}'s session is connected and the subscription index routes {@code topic} to it. */
    public boolean routes(String clientId, String topic) {
        Session session = engine().sessions().get(clientId);
        if (session == null || !session.isConnected()) {
            return false;
        }
        AtomicBoolean found = new AtomicBoolean();
        engine().index().match(TopicName.of(topic), (subscriber, qos) -> {
            if (subscriber == session) {
                found.set(true);
            }
        });
        return found.get();
    }

    /**
     * Waits up to {@code atMost} until {@code clientId}, run as {@code process}, has connected and its subscription
     * routes {@code topic}; fails at once, with {@code endedEarly}, when the process ends first.
     */
    public void awaitSubscribed(String clientId, String topic, Duration atMost, Process process, String endedEarly) {
        await().atMost(atMost).ignoreExceptions()
                .failFast(endedEarly, () -> !process.isAlive())
                .until(() -> routes(clientId, topic));
    }
}
