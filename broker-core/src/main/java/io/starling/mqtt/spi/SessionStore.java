package io.starling.mqtt.spi;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.packet.Will;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Durable broker state: persistent sessions (their subscriptions, queued and in-flight QoS 1/2 messages, the ids of
 * inbound QoS 2 messages awaiting PUBREL), retained messages and the wills of connected clients.
 *
 * <p>Writes are called from any thread (event loops included) and must not block: an implementation queues them and
 * makes them durable in groups, in submission order. {@link #sync()} is the barrier: the broker sends a PUBACK,
 * PUBREC or SUBACK only once every write the packet caused is durable, and delivers a QoS 2 message to a persistent
 * session only once it is stored (docs/persistence.md). {@link #NONE} keeps nothing: the broker's default for
 * embedded use and tests, with no cost on any path.
 */
public interface SessionStore extends AutoCloseable {
    /** Stores nothing; every barrier is already passed. */
    SessionStore NONE = new SessionStore() {
        private final CompletableFuture<Void> done = CompletableFuture.completedFuture(null);

        @Override
        public Recovery recover() {
            return Recovery.EMPTY;
        }

        @Override
        public void putSession(String clientId) {}

        @Override
        public void removeSession(String clientId) {}

        @Override
        public void putSubscription(String clientId, TopicFilter filter, QoS qos) {}

        @Override
        public void removeSubscription(String clientId, TopicFilter filter) {}

        @Override
        public long append(String clientId, Message message, QoS qos) {
            return 0;
        }

        @Override
        public void markSent(String clientId, long key, int packetId) {}

        @Override
        public void markReleased(String clientId, long key) {}

        @Override
        public void remove(String clientId, long key) {}

        @Override
        public void putInboundQos2(String clientId, int packetId) {}

        @Override
        public void removeInboundQos2(String clientId, int packetId) {}

        @Override
        public void putRetained(Message message) {}

        @Override
        public void removeRetained(TopicName topic) {}

        @Override
        public void putWill(String clientId, Will will) {}

        @Override
        public void removeWill(String clientId) {}

        @Override
        public CompletableFuture<Void> sync() {
            return done;
        }

        @Override
        public void close() {}

        @Override
        public String toString() {
            return "SessionStore.NONE";
        }
    };

    /** Everything stored, read once before the broker accepts connections. */
    Recovery recover();

    /** A persistent session (clean session 0) now exists for {@code clientId}. */
    void putSession(String clientId);

    /** The session ended: its subscriptions, messages and inbound QoS 2 ids go with it. */
    void removeSession(String clientId);

    void putSubscription(String clientId, TopicFilter filter, QoS qos);

    void removeSubscription(String clientId, TopicFilter filter);

    /**
     * Stores a QoS 1 or 2 message for a persistent session's queue. Returns its key: positive, unique within the
     * store, and increasing in call order, so that recovery restores each session's queue in order.
     */
    long append(String clientId, Message message, QoS qos);

    /** The message {@code key} was sent with {@code packetId}: a resend after a restart uses the same id. */
    void markSent(String clientId, long key, int packetId);

    /** PUBREC came for {@code key}: after a restart a PUBREL is sent for it, never the PUBLISH again. */
    void markReleased(String clientId, long key);

    /** The message {@code key} is done with (acknowledged, expired or dropped by a queue policy). */
    void remove(String clientId, long key);

    /** An inbound QoS 2 message was forwarded and its id awaits PUBREL [MQTT-4.3.3-2]. */
    void putInboundQos2(String clientId, int packetId);

    void removeInboundQos2(String clientId, int packetId);

    void putRetained(Message message);

    void removeRetained(TopicName topic);

    /**
     * The will of a connected client: published after a restart, as its connection ended without DISCONNECT. Wills
     * belong to connections, not sessions: {@link #removeSession} leaves them alone.
     */
    void putWill(String clientId, Will will);

    void removeWill(String clientId);

    /**
     * Runs {@code writes} (which call this store's write methods on this thread) so that what they write becomes
     * durable together or not at all. A {@link #sync()} inside completes once the whole group is durable. Used for
     * an inbound QoS 2 message: its id and its forwarded copies must survive a crash together, or a restart either
     * forgets copies it acknowledged or forwards the message twice.
     */
    default void atomically(Runnable writes) {
        writes.run();
    }

    /**
     * Completes once every write submitted before this call, by any thread, is durable. It may complete on the
     * store's own thread: callbacks must not block, and hand their work to the connection's executor.
     */
    CompletableFuture<Void> sync();

    /** Makes what was written durable and releases the store's files and threads. */
    @Override
    void close();

    /** The stored state. */
    record Recovery(List<StoredSession> sessions, List<Message> retained, Map<String, Will> wills) {
        public static final Recovery EMPTY = new Recovery(List.of(), List.of(), Map.of());

        public Recovery {
            sessions = List.copyOf(sessions);
            retained = List.copyOf(retained);
            wills = Map.copyOf(wills);
        }
    }

    /**
     * One persistent session as stored.
     *
     * @param messages    its messages in key order: in flight first where {@link StoredMessage#packetId()} is set
     * @param inboundQos2 ids of inbound QoS 2 messages forwarded and awaiting PUBREL
     */
    record StoredSession(String clientId, Map<TopicFilter, QoS> subscriptions, List<StoredMessage> messages,
                         Set<Integer> inboundQos2) {
        public StoredSession {
            subscriptions = Map.copyOf(subscriptions);
            messages = List.copyOf(messages);
            inboundQos2 = Set.copyOf(inboundQos2);
        }
    }

    /**
     * One stored message of a session.
     *
     * @param packetId the id it was sent with, 0 if never sent
     * @param released PUBREC came for it (QoS 2): only the PUBREL remains
     */
    record StoredMessage(long key, Message message, QoS qos, int packetId, boolean released) {}
}
