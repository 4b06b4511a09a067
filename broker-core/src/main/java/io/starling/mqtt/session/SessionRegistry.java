package io.starling.mqtt.session;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.BrokerStats;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.topic.TopicTrie;
import io.starling.mqtt.spi.SessionStore;
import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Client id → session, and the one place where connections acquire sessions. Takeover is decided inside one
 * atomic {@code compute} on the client id, so two connections racing for an id are ordered; the old connection
 * is then closed on its own executor before the session moves to the new one [MQTT-3.1.4-2].
 */
public final class SessionRegistry {
    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final SessionContext context;

    public SessionRegistry(BrokerConfig config, BrokerStats stats, TopicTrie<Subscriber, QoS> index,
                           InterceptorChain interceptors) {
        this(config, stats, index, interceptors, SessionStore.NONE);
    }

    public SessionRegistry(BrokerConfig config, BrokerStats stats, TopicTrie<Subscriber, QoS> index,
                           InterceptorChain interceptors, SessionStore store) {
        this.context = new SessionContext(config, stats, index, this, interceptors, store);
    }

    /** Called on the new connection's executor once the session may be used there. */
    @FunctionalInterface
    public interface ReadyCallback {
        void onSessionReady(Session session, boolean sessionPresent);
    }

    /**
     * Finds or creates the session for an accepted CONNECT [MQTT-3.1.2-4] [MQTT-3.1.2-6] [MQTT-3.1.4-3].
     * Must be called on {@code executor}; {@code ready} runs there, immediately or once the takeover is done.
     * {@code claimant} is the connection asking: during a takeover it is recorded as the session's owner before it
     * attaches, so a third connection taking over meanwhile ends it too [MQTT-3.1.4-2].
     */
    public void acquire(String clientId, boolean cleanSession, Executor executor, SessionOwner claimant,
                        ReadyCallback ready) {
        Session[] previous = new Session[1];
        Session[] chosen = new Session[1];
        sessions.compute(clientId, (id, existing) -> {
            previous[0] = existing;
            if (!cleanSession && existing != null && !existing.cleanSession()) {
                chosen[0] = existing;
                return existing;
            }
            chosen[0] = new Session(id, cleanSession, context, executor);
            return chosen[0];
        });
        Session session = chosen[0];
        if (session == previous[0]) {
            session.execute(() -> {
                if (session.ended()) {
                    // Discarded between compute and now: start over, which creates a fresh session.
                    executor.execute(() -> acquire(clientId, cleanSession, executor, claimant, ready));
                    return;
                }
                session.handOver();
                session.reserve(claimant);
                session.moveTo(executor);
                executor.execute(() -> ready.onSessionReady(session, true));
            });
            return;
        }
        if (!cleanSession && context.store() != SessionStore.NONE) {
            context.store().putSession(clientId);
        }
        Session old = previous[0];
        if (old != null) {
            old.execute(() -> {
                old.handOver();
                old.end();
            });
        }
        ready.onSessionReady(session, false);
    }

    /**
     * Puts back a persistent session the store kept, offline until its client connects; its deliveries meanwhile
     * run on {@code executor}. Called before the broker accepts connections.
     */
    public void restore(SessionStore.StoredSession stored, Executor executor) {
        Session session = new Session(stored.clientId(), false, context, executor);
        session.restore(stored);
        sessions.put(stored.clientId(), session);
    }

    /** Removes the mapping only if it still points at {@code session} (a newer session keeps its place). */
    void removeIfSame(String clientId, Session session) {
        sessions.remove(clientId, session);
    }

    public SessionStore store() {
        return context.store();
    }

    public Session get(String clientId) {
        return sessions.get(clientId);
    }

    public int size() {
        return sessions.size();
    }

    public Collection<Session> sessions() {
        return Collections.unmodifiableCollection(sessions.values());
    }
}
