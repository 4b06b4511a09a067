package io.starling.mqtt.protocol;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.packet.Will;
import io.starling.mqtt.spi.SessionStore;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A reference implementation of the {@link SessionStore} contract in memory, shared between "restarts" (engines):
 * what it holds survives an engine, as a file would. {@link #holdSyncs()} keeps barriers open until
 * {@link #releaseSyncs()}, to show what waits for durability.
 */
final class MemorySessionStore implements SessionStore {
    private final Set<String> sessions = new HashSet<>();
    private final Map<String, Map<TopicFilter, QoS>> subscriptions = new HashMap<>();
    private final Map<String, TreeMap<Long, StoredMessage>> messages = new HashMap<>();
    private final Map<String, Set<Integer>> inbound = new HashMap<>();
    private final Map<TopicName, Message> retained = new LinkedHashMap<>();
    private final Map<String, Will> wills = new HashMap<>();
    private final AtomicLong keys = new AtomicLong();
    private final List<CompletableFuture<Void>> held = new ArrayList<>();
    private boolean holding;
    int closes;

    synchronized void holdSyncs() {
        holding = true;
    }

    void releaseSyncs() {
        List<CompletableFuture<Void>> open;
        synchronized (this) {
            holding = false;
            open = new ArrayList<>(held);
            held.clear();
        }
        open.forEach(f -> f.complete(null));
    }

    /** Completes the barriers waiting now; later ones wait again. */
    void releaseHeldOnly() {
        List<CompletableFuture<Void>> open;
        synchronized (this) {
            open = new ArrayList<>(held);
            held.clear();
        }
        open.forEach(f -> f.complete(null));
    }

    synchronized int heldSyncs() {
        return held.size();
    }

    synchronized int storedMessages(String clientId) {
        return messages.getOrDefault(clientId, new TreeMap<>()).size();
    }

    synchronized boolean hasSession(String clientId) {
        return sessions.contains(clientId);
    }

    synchronized Set<TopicFilter> storedSubscriptions(String clientId) {
        return Set.copyOf(subscriptions.getOrDefault(clientId, Map.of()).keySet());
    }

    synchronized Map<String, Will> storedWills() {
        return Map.copyOf(wills);
    }

    @Override
    public synchronized Recovery recover() {
        List<StoredSession> stored = new ArrayList<>();
        for (String id : sessions) {
            stored.add(new StoredSession(id, subscriptions.getOrDefault(id, Map.of()),
                    List.copyOf(messages.getOrDefault(id, new TreeMap<>()).values()), inbound.getOrDefault(id, Set.of())));
        }
        return new Recovery(stored, List.copyOf(retained.values()), wills);
    }

    @Override
    public synchronized void putSession(String clientId) {
        sessions.add(clientId);
    }

    @Override
    public synchronized void removeSession(String clientId) {
        sessions.remove(clientId);
        subscriptions.remove(clientId);
        messages.remove(clientId);
        inbound.remove(clientId);
    }

    @Override
    public synchronized void putSubscription(String clientId, TopicFilter filter, QoS qos) {
        subscriptions.computeIfAbsent(clientId, k -> new HashMap<>()).put(filter, qos);
    }

    @Override
    public synchronized void removeSubscription(String clientId, TopicFilter filter) {
        subscriptions.getOrDefault(clientId, new HashMap<>()).remove(filter);
    }

    @Override
    public synchronized long append(String clientId, Message message, QoS qos) {
        long key = keys.incrementAndGet();
        messages.computeIfAbsent(clientId, k -> new TreeMap<>()).put(key, new StoredMessage(key, message, qos, 0, false));
        return key;
    }

    @Override
    public synchronized void markSent(String clientId, long key, int packetId) {
        messages.getOrDefault(clientId, new TreeMap<>()).computeIfPresent(key,
                (k, m) -> new StoredMessage(k, m.message(), m.qos(), packetId, m.released()));
    }

    @Override
    public synchronized void markReleased(String clientId, long key) {
        messages.getOrDefault(clientId, new TreeMap<>()).computeIfPresent(key,
                (k, m) -> new StoredMessage(k, m.message(), m.qos(), m.packetId(), true));
    }

    @Override
    public synchronized void remove(String clientId, long key) {
        messages.getOrDefault(clientId, new TreeMap<>()).remove(key);
    }

    @Override
    public synchronized void putInboundQos2(String clientId, int packetId) {
        inbound.computeIfAbsent(clientId, k -> new HashSet<>()).add(packetId);
    }

    @Override
    public synchronized void removeInboundQos2(String clientId, int packetId) {
        inbound.getOrDefault(clientId, new HashSet<>()).remove(packetId);
    }

    @Override
    public synchronized void putRetained(Message message) {
        retained.put(message.topic(), message);
    }

    @Override
    public synchronized void removeRetained(TopicName topic) {
        retained.remove(topic);
    }

    @Override
    public synchronized void putWill(String clientId, Will will) {
        wills.put(clientId, will);
    }

    @Override
    public synchronized void removeWill(String clientId) {
        wills.remove(clientId);
    }

    @Override
    public synchronized CompletableFuture<Void> sync() {
        if (!holding) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> barrier = new CompletableFuture<>();
        held.add(barrier);
        return barrier;
    }

    @Override
    public synchronized void close() {
        closes++;
    }
}
