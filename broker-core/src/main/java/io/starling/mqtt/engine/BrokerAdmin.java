package io.starling.mqtt.engine;

import io.starling.mqtt.flow.ClientFlowSnapshot;
import io.starling.mqtt.flow.FlowController;
import io.starling.mqtt.flow.OverloadSnapshot;
import io.starling.mqtt.session.Session;
import io.starling.mqtt.session.SessionRegistry;
import io.starling.mqtt.session.SessionSnapshot;
import io.starling.mqtt.spi.RetainedStore;
import io.starling.mqtt.topic.TopicName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the embedding application can see and do about clients: list sessions with their subscriptions, queue
 * depths and inflight counts, disconnect a client, clear a retained message.
 *
 * <p>Session state belongs to event loops, so every read is a snapshot taken there. The {@code *Async} methods
 * never block; the others wait up to one second and must not be called from a broker event loop.
 */
public final class BrokerAdmin {
    private static final Duration WAIT = Duration.ofSeconds(1);

    private final SessionRegistry registry;
    private final RetainedStore retained;
    private final FlowController flow;

    BrokerAdmin(SessionRegistry registry, RetainedStore retained, FlowController flow) {
        this.registry = registry;
        this.retained = retained;
        this.flow = flow;
    }

    /**
     * Every connected client's inbound rate and throttle state, as the flow controller measured them at its last
     * tick (every 100 ms while flow control is on; rates read 0 when it is off), heaviest publisher first.
     */
    public List<ClientFlowSnapshot> flow() {
        List<ClientFlowSnapshot> clients = new ArrayList<>(flow.clients());
        clients.sort(Comparator.comparingDouble(ClientFlowSnapshot::messagesPerSecond).reversed());
        return clients;
    }

    /** The broker's load signals, its pressure and how many publishers the overload controller holds back. */
    public OverloadSnapshot overload() {
        return flow.overload();
    }

    /** Every session, online and offline, sorted by client id. */
    public CompletableFuture<List<SessionSnapshot>> sessionsAsync() {
        List<CompletableFuture<SessionSnapshot>> parts = new ArrayList<>();
        for (Session session : registry.sessions()) {
            parts.add(session.query(session::snapshot));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> parts.stream()
                .map(CompletableFuture::join)
                .sorted(Comparator.comparing(SessionSnapshot::clientId))
                .toList());
    }

    public List<SessionSnapshot> sessions() {
        return await(sessionsAsync());
    }

    public CompletableFuture<Optional<SessionSnapshot>> sessionAsync(String clientId) {
        Session session = registry.get(clientId);
        if (session == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return session.query(session::snapshot).thenApply(Optional::of);
    }

    public Optional<SessionSnapshot> session(String clientId) {
        return await(sessionAsync(clientId));
    }

    /**
     * Closes the client's connection as the server would on a network failure: its will is published, a persistent
     * session stays. Completes with false if the client is not connected.
     */
    public CompletableFuture<Boolean> disconnectAsync(String clientId) {
        Session session = registry.get(clientId);
        if (session == null) {
            return CompletableFuture.completedFuture(false);
        }
        return session.query(session::disconnectClient);
    }

    public boolean disconnect(String clientId) {
        return await(disconnectAsync(clientId));
    }

    /** Removes the retained message of {@code topic}; false if there was none. */
    public boolean clearRetained(String topic) {
        return retained.remove(TopicName.of(topic));
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("admin query failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the broker did not answer within " + WAIT.toMillis()
                    + " ms; do not call the blocking admin methods from a broker event loop", e);
        }
    }
}
