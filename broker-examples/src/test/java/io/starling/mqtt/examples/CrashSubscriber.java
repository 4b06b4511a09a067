package io.starling.mqtt.examples;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A subscriber of {@link CrashRecoveryIT} with a persistent session (clean session 0) subscribed to {@code crash/#}
 * at one QoS. It acknowledges everything it gets and records every message it hands on, in arrival order.
 *
 * <p>QoS 2 receipt is MQTT's "method B" [MQTT-4.3.3-2], with the ids kept across connections as a client's session
 * state: a PUBLISH whose packet id is not held is handed on once and its id held; one whose id is held (a re-send
 * before PUBREL) is answered with PUBREC and discarded; PUBREL frees the id. So a QoS 2 message recorded twice means
 * the broker sent it again after its PUBREL, or under another packet id: the broker's fault, not the client's.
 */
final class CrashSubscriber {
    static final String FILTER = "crash/#";

    /**
     * One message handed on: its id ({@code p<publisher>-<seq>}), topic, the QoS, DUP flag and packet id it came
     * with, and the cycle.
     */
    record Delivery(String id, String topic, int qos, boolean dup, int packetId, int cycle) {
        @Override
        public String toString() {
            return "cycle " + cycle + " id " + packetId + " QoS " + qos + (dup ? " DUP" : "");
        }
    }

    private final String clientId;
    private final int qos;

    // Guarded by this.
    private final List<Delivery> deliveries = new ArrayList<>();
    // QoS 2 packet ids held until PUBREL, to the message delivered under each.
    private final Map<Integer, Delivery> awaitingRelease = new HashMap<>();
    // Per message id, the QoS 2 PUBLISHes discarded as re-sends, with the message that held the id: for the report.
    private final Map<String, List<String>> discarded = new HashMap<>();
    private final List<String> anomalies = new ArrayList<>();
    private int discardedRedeliveries;
    private boolean everConnected;
    private int cycle;
    private CompletableFuture<Integer> subAck;

    private volatile CrashClient client;
    private volatile long lastPacketNanos = System.nanoTime();

    CrashSubscriber(String clientId, int qos) {
        this.clientId = clientId;
        this.qos = qos;
    }

    /** Connects; the first time also subscribes, and returns once the SUBACK granted the QoS asked for. */
    void connect(int port, int cycle) throws IOException {
        boolean subscribe;
        synchronized (this) {
            this.cycle = cycle;
            subscribe = !everConnected;
            subAck = new CompletableFuture<>();
        }
        CrashClient c = CrashClient.connect(port, clientId, false, this::onPacket);
        client = c;
        synchronized (this) {
            if (everConnected && !c.sessionPresent()) {
                anomalies.add("CONNACK session present 0 after a restart: the broker lost the session");
            }
            everConnected = true;
        }
        if (subscribe) {
            c.send(CrashClient.subscribe(1, FILTER, qos));
            int granted;
            try {
                granted = subAck.get(10, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                throw new IOException(clientId + ": no SUBACK", e);
            }
            if (granted != qos) {
                throw new IllegalStateException(clientId + ": SUBACK granted " + granted + ", asked " + qos);
            }
        }
    }

    private synchronized void onPacket(CrashClient c, CrashClient.Packet p) {
        lastPacketNanos = System.nanoTime();
        switch (p.type()) {
            case CrashClient.PUBLISH -> {
                Delivery d = new Delivery(CrashPublisher.idInPayload(p.payload()), p.topic(), p.qos(), p.dup(),
                        p.packetId(), cycle);
                if (p.qos() > qos || p.qos() == 0) {
                    anomalies.add("received " + d.id() + " at QoS " + p.qos() + " on a QoS " + qos + " subscription");
                }
                if (p.qos() == 2) {
                    if (!awaitingRelease.containsKey(p.packetId())) {
                        awaitingRelease.put(p.packetId(), d);
                        deliveries.add(d);
                    } else {
                        discardedRedeliveries++;
                        Delivery holder = awaitingRelease.get(p.packetId());
                        discarded.computeIfAbsent(d.id(), k -> new ArrayList<>())
                                .add(d + " as a re-send of " + holder.id() + " (" + holder + ")");
                    }
                    c.send(CrashClient.pubrec(p.packetId()));
                } else {
                    deliveries.add(d);
                    if (p.qos() == 1) {
                        c.send(CrashClient.puback(p.packetId()));
                    }
                }
            }
            case CrashClient.PUBREL -> {
                awaitingRelease.remove(p.packetId());
                c.send(CrashClient.pubcomp(p.packetId()));
            }
            case CrashClient.SUBACK -> subAck.complete(p.body()[2] & 0xFF);
            default -> anomalies.add("unexpected packet type " + p.type());
        }
    }

    /** Waits until the connection has ended (the broker was killed). */
    void awaitDisconnected(Duration timeout) throws InterruptedException {
        CrashClient c = client;
        if (c != null && !c.awaitClosed(timeout)) {
            throw new AssertionError(clientId + ": connection still open " + timeout + " after the broker was killed");
        }
    }

    /** DISCONNECT: the session stays on the broker and collects messages for the next connection. */
    void disconnect() {
        CrashClient c = client;
        if (c != null) {
            c.disconnect();
        }
    }

    String clientId() {
        return clientId;
    }

    int qos() {
        return qos;
    }

    long lastPacketNanos() {
        return lastPacketNanos;
    }

    synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    synchronized int awaitingReleaseCount() {
        return awaitingRelease.size();
    }

    /** The QoS 2 messages whose PUBREL has not come, with the packet id each holds. */
    synchronized List<String> awaitingRelease() {
        return awaitingRelease.values().stream().map(d -> d.id() + " (" + d + ")").sorted().toList();
    }

    synchronized int discardedRedeliveries() {
        return discardedRedeliveries;
    }

    /** Per message id, the QoS 2 PUBLISHes of it discarded as re-sends, and of which held message. */
    synchronized Map<String, String> discarded() {
        Map<String, String> all = new HashMap<>();
        discarded.forEach((id, list) -> all.put(id, String.join(", ", list)));
        return all;
    }

    synchronized List<String> anomalies() {
        return List.copyOf(anomalies);
    }
}
