package io.starling.mqtt.junit5;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.netty.StarlingBroker;
import io.starling.mqtt.session.Session;
import io.starling.mqtt.topic.TopicFilter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Assertions on the traffic of the broker a test runs against: publish from the test, await or collect messages on
 * a topic filter, await a client's connection or subscription. Injected by {@link StarlingExtension} into fields and
 * parameters of this type; one kit per test method (and one per class for {@code @BeforeAll} with
 * {@link BrokerLifecycle#PER_CLASS}). Every {@link MessageRecorder} it hands out is closed when that scope ends.
 *
 * <p>Every {@code await} method waits on the calling thread until its condition holds or its timeout passes, then
 * throws an {@link AssertionError} that names what was awaited and the timeout. No fixed sleeps are needed.
 */
public final class StarlingTestKit {
    /** Longest wait for a session's event loop to answer a question about that session. */
    private static final Duration INSPECT_TIMEOUT = Duration.ofSeconds(2);

    private final StarlingBroker broker;
    private final ConcurrentLinkedQueue<MessageRecorder> recorders = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    StarlingTestKit(StarlingBroker broker) {
        this.broker = broker;
    }

    /** The broker under test. */
    public StarlingBroker broker() {
        return broker;
    }

    /** {@code tcp://127.0.0.1:PORT}: where MQTT clients connect. */
    public String uri() {
        return broker.uri();
    }

    // ---- publishing ----

    /** Publishes a UTF-8 payload at QoS 1, not retained, as if a client had sent it. */
    public void publish(String topic, String payload) {
        publish(topic, payload, QoS.AT_LEAST_ONCE, false);
    }

    /** Publishes a UTF-8 payload, as if a client had sent it. */
    public void publish(String topic, String payload, QoS qos, boolean retain) {
        Objects.requireNonNull(payload, "payload");
        publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retain);
    }

    /** Publishes raw bytes, as if a client had sent them. */
    public void publish(String topic, byte[] payload, QoS qos, boolean retain) {
        checkOpen();
        broker.publish(Message.of(topic, payload, qos, retain));
    }

    // ---- messages ----

    /**
     * Starts recording the messages routed to {@code filter} (at up to QoS 2, so each is recorded with the QoS it
     * was published with). Create the recorder before the action that publishes; the extension closes it after
     * the test.
     */
    public MessageRecorder collect(String filter) {
        return collect(filter, QoS.EXACTLY_ONCE);
    }

    /** As {@link #collect(String)}, subscribing at {@code qos}: messages are recorded downgraded to it. */
    public MessageRecorder collect(String filter, QoS qos) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(qos, "qos");
        checkOpen();
        MessageRecorder recorder = MessageRecorder.subscribe(broker, filter, qos);
        recorders.add(recorder);
        if (closed) {
            // The scope ended while subscribing: do not leave the subscription behind.
            recorder.close();
        }
        return recorder;
    }

    /**
     * Subscribes to {@code filter} now and waits for the first message routed to it (a retained message counts).
     * A message published before this call is missed unless retained: when the test itself triggers the
     * publish, {@link #collect(String)} first, then act, then {@link MessageRecorder#awaitMessage(Duration)}.
     *
     * @throws AssertionError naming the filter and the timeout when nothing arrives in time
     */
    public Message awaitMessage(String filter, Duration timeout) {
        try (MessageRecorder recorder = collect(filter)) {
            return recorder.awaitMessage(timeout);
        } finally {
            recorders.removeIf(MessageRecorder::isClosed);
        }
    }

    // ---- clients ----

    /**
     * Waits until a network client with this client id is connected (its CONNECT accepted and its session
     * attached).
     */
    public void awaitClientConnected(String clientId, Duration timeout) {
        checkOpen();
        Objects.requireNonNull(clientId, "clientId");
        Deadline deadline = Deadline.after(timeout);
        String waitingFor = "client '" + clientId + "' to connect";
        while (!isConnected(clientId)) {
            if (deadline.expired()) {
                throw new AssertionError("expected client '" + clientId + "' to be connected within "
                        + deadline.describe() + ", but it is not; connected clients: " + connectedClients());
            }
            deadline.pause(waitingFor);
        }
    }

    /** Asserts that a network client with this client id is connected now. */
    public void assertClientConnected(String clientId) {
        checkOpen();
        Objects.requireNonNull(clientId, "clientId");
        if (!isConnected(clientId)) {
            throw new AssertionError("expected client '" + clientId + "' to be connected, but it is not; "
                    + "connected clients: " + connectedClients());
        }
    }

    /** Waits until no network client with this client id is connected (it disconnected or was never there). */
    public void awaitClientDisconnected(String clientId, Duration timeout) {
        checkOpen();
        Objects.requireNonNull(clientId, "clientId");
        Deadline deadline = Deadline.after(timeout);
        String waitingFor = "client '" + clientId + "' to disconnect";
        while (isConnected(clientId)) {
            if (deadline.expired()) {
                throw new AssertionError("expected client '" + clientId + "' to be disconnected within "
                        + deadline.describe() + ", but it is still connected");
            }
            deadline.pause(waitingFor);
        }
    }

    /**
     * Waits until the session of {@code clientId} holds a subscription with exactly this filter (as the client
     * sent it, not a filter matching it) and returns the QoS granted.
     */
    public QoS awaitSubscribed(String clientId, String filter, Duration timeout) {
        checkOpen();
        Objects.requireNonNull(clientId, "clientId");
        TopicFilter wanted = TopicFilter.of(filter);
        Deadline deadline = Deadline.after(timeout);
        String waitingFor = "client '" + clientId + "' to subscribe to '" + filter + "'";
        while (true) {
            Optional<Map<TopicFilter, QoS>> subscriptions = inspect(clientId, s -> Map.copyOf(s.subscriptions()));
            QoS granted = subscriptions.map(m -> m.get(wanted)).orElse(null);
            if (granted != null) {
                return granted;
            }
            if (deadline.expired()) {
                throw new AssertionError("expected client '" + clientId + "' to subscribe to filter '" + filter
                        + "' within " + deadline.describe() + ", but "
                        + subscriptions.map(m -> "its subscriptions are " + filters(m))
                                .orElse("the broker has no session for it"));
            }
            deadline.pause(waitingFor);
        }
    }

    /** The client ids of the network clients connected now, sorted. */
    public Set<String> connectedClients() {
        checkOpen();
        List<Session> sessions = new ArrayList<>(broker.engine().sessions().sessions());
        List<CompletableFuture<Boolean>> answers = new ArrayList<>(sessions.size());
        for (Session session : sessions) {
            answers.add(ask(session, Session::isConnected));
        }
        Set<String> connected = new TreeSet<>();
        Deadline deadline = Deadline.after(INSPECT_TIMEOUT);
        for (int i = 0; i < sessions.size(); i++) {
            if (Boolean.TRUE.equals(await(answers.get(i), deadline, "the sessions' state"))) {
                connected.add(sessions.get(i).clientId());
            }
        }
        return connected;
    }

    // ---- lifecycle ----

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this StarlingTestKit belongs to a test that has finished");
        }
    }

    /** Closes every recorder of this kit; called by the extension when the test (or class) ends. */
    void close() {
        closed = true;
        for (MessageRecorder recorder; (recorder = recorders.poll()) != null; ) {
            recorder.close();
        }
    }

    // ---- session inspection: always on the session's own executor ----

    private boolean isConnected(String clientId) {
        return inspect(clientId, Session::isConnected).orElse(false);
    }

    private <T> Optional<T> inspect(String clientId, Function<Session, T> question) {
        Session session = broker.engine().sessions().get(clientId);
        if (session == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(await(ask(session, question), Deadline.after(INSPECT_TIMEOUT),
                "the session of client '" + clientId + "'"));
    }

    /** Session state belongs to the session's event loop: read it there, in order with the session's own tasks. */
    private static <T> CompletableFuture<T> ask(Session session, Function<Session, T> question) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        try {
            session.execute(() -> {
                try {
                    answer.complete(question.apply(session));
                } catch (RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            // The broker is shutting down: the session is as good as gone.
            answer.complete(null);
        }
        return answer;
    }

    private static <T> T await(CompletableFuture<T> answer, Deadline deadline, String what) {
        try {
            return answer.get(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            throw Deadline.interrupted(what);
        } catch (ExecutionException e) {
            throw new IllegalStateException("reading " + what + " failed", e.getCause());
        } catch (TimeoutException e) {
            // An event loop that does not answer within seconds: report it rather than hang the test.
            throw new AssertionError("the broker did not report " + what + " within "
                    + Deadline.describe(INSPECT_TIMEOUT));
        }
    }

    private static List<String> filters(Map<TopicFilter, QoS> subscriptions) {
        return subscriptions.keySet().stream().map(TopicFilter::value).sorted().toList();
    }

    @Override
    public String toString() {
        return "StarlingTestKit[" + broker.boundAddress() + "]";
    }
}
