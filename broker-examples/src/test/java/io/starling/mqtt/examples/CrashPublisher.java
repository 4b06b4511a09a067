package io.starling.mqtt.examples;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A publisher of {@link CrashRecoveryIT} with a persistent session (clean session 0) whose state outlives its
 * connections, as a real client's would: messages not yet acknowledged are sent again after a reconnect with DUP and
 * their packet id, PUBRELs of released QoS 2 messages too, in the original order [MQTT-4.4.0-1]. A message counts
 * as acknowledged when its PUBACK (QoS 1) or PUBREC (QoS 2) arrives, and only then.
 *
 * <p>Its message number {@code seq} alternates QoS 1 (odd) and QoS 2 (even) over four topics, one QoS per topic, so
 * that order per topic is order per QoS level, which is all MQTT orders [MQTT-4.6.0-5].
 */
final class CrashPublisher {
    /** One message as published, first in {@code cycle}. */
    record Sent(String id, int publisher, int seq, String topic, int qos, int cycle) {}

    private static final class Outgoing {
        final int packetId;
        final Sent message;
        boolean released;

        Outgoing(int packetId, Sent message) {
            this.packetId = packetId;
            this.message = message;
        }
    }

    private final int index;
    private final String clientId;
    private final int window;
    private final long intervalNanos;
    private final String padding;

    // Guarded by this: the reader thread and the publishing thread both change them.
    private final LinkedHashMap<Integer, Outgoing> inflight = new LinkedHashMap<>();
    // Message id to the cycle its PUBACK or PUBREC came in.
    private final Map<String, Integer> acknowledged = new LinkedHashMap<>();
    private final List<Sent> sent = new ArrayList<>();
    private final List<String> anomalies = new ArrayList<>();
    // Per message id, what happened to it and in which cycle: for the report of a failure.
    private final Map<String, List<String>> history = new LinkedHashMap<>();
    private int nextSeq = 1;
    private int nextPacketId = 1;
    private boolean everConnected;
    private int cycle;

    private volatile CrashClient client;
    private Thread worker;

    CrashPublisher(int index, int window, Duration interval, int payloadBytes) {
        this.index = index;
        this.clientId = "crash-pub-" + index;
        this.window = window;
        this.intervalNanos = interval.toNanos();
        this.padding = "x".repeat(payloadBytes);
    }

    static String topicFor(int seq) {
        int qos = qosFor(seq);
        return "crash/" + ((seq / 2) % 2 == 0 ? "a" : "b") + "/q" + qos;
    }

    static int qosFor(int seq) {
        return seq % 2 == 0 ? 2 : 1;
    }

    /** {@code p<publisher>-<seq>}: what the subscribers count by. */
    static String idOf(int publisher, int seq) {
        return "p" + publisher + "-" + seq;
    }

    /** The id at the head of a payload ({@code id|padding}). */
    static String idInPayload(String payload) {
        int bar = payload.indexOf('|');
        return bar < 0 ? payload : payload.substring(0, bar);
    }

    /**
     * Connects, sends again what is unacknowledged, then publishes up to {@code maxNew} new messages on a thread of
     * its own, paced and at most {@code window} unacknowledged, until the limit or the connection's end.
     */
    void start(int port, int maxNew, int cycle) throws IOException {
        synchronized (this) {
            this.cycle = cycle;
        }
        CrashClient c = CrashClient.connect(port, clientId, false, this::onPacket);
        client = c;
        List<Outgoing> again;
        synchronized (this) {
            if (everConnected && !c.sessionPresent()) {
                anomalies.add("CONNACK session present 0 after a restart: the broker lost the session");
            }
            everConnected = true;
            again = new ArrayList<>(inflight.values());
            again.forEach(o -> note(o.message, (o.released ? "PUBREL" : "PUBLISH") + " re-sent"));
        }
        for (Outgoing o : again) {
            if (!c.send(o.released ? CrashClient.pubrel(o.packetId) : publishPacket(o, true))) {
                break;
            }
        }
        worker = new Thread(() -> publish(c, maxNew), "crash-publisher-" + index);
        worker.setDaemon(true);
        worker.start();
    }

    private void publish(CrashClient c, int maxNew) {
        for (int n = 0; n < maxNew && c.isOpen(); n++) {
            Outgoing o;
            synchronized (this) {
                while (c.isOpen() && inflight.size() >= window) {
                    try {
                        wait(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (!c.isOpen()) {
                    return;
                }
                int seq = nextSeq++;
                Sent m = new Sent(idOf(index, seq), index, seq, topicFor(seq), qosFor(seq), cycle);
                o = new Outgoing(allocatePacketId(), m);
                inflight.put(o.packetId, o);
                sent.add(m);
                note(m, "sent with id " + o.packetId);
            }
            // A PUBLISH the dying broker never read stays in flight and is sent again on the next connection.
            if (!c.send(publishPacket(o, false))) {
                return;
            }
            LockSupport.parkNanos(intervalNanos);
        }
    }

    /** Guarded by this. */
    private void note(Sent m, String event) {
        history.computeIfAbsent(m.id(), k -> new ArrayList<>()).add(event + " in cycle " + cycle);
    }

    private int allocatePacketId() {
        while (true) {
            int id = nextPacketId;
            nextPacketId = id == 65_535 ? 1 : id + 1;
            if (!inflight.containsKey(id)) {
                return id;
            }
        }
    }

    private byte[] publishPacket(Outgoing o, boolean dup) {
        return CrashClient.publish(o.message.topic(), o.message.qos(), dup, o.packetId, o.message.id() + "|" + padding);
    }

    private synchronized void onPacket(CrashClient c, CrashClient.Packet p) {
        Outgoing o = inflight.get(p.packetId());
        switch (p.type()) {
            case CrashClient.PUBACK -> {
                if (o == null || o.message.qos() != 1) {
                    anomalies.add("PUBACK for packet id " + p.packetId() + " not in flight at QoS 1");
                    return;
                }
                inflight.remove(o.packetId);
                acknowledged.put(o.message.id(), cycle);
                note(o.message, "PUBACK");
                notifyAll();
            }
            case CrashClient.PUBREC -> {
                if (o == null || o.message.qos() != 2) {
                    anomalies.add("PUBREC for packet id " + p.packetId() + " not in flight at QoS 2");
                    return;
                }
                if (!o.released) {
                    o.released = true;
                    acknowledged.put(o.message.id(), cycle);
                }
                note(o.message, "PUBREC");
                c.send(CrashClient.pubrel(o.packetId));
            }
            case CrashClient.PUBCOMP -> {
                if (o == null || !o.released) {
                    anomalies.add("PUBCOMP for packet id " + p.packetId() + " not released");
                    return;
                }
                inflight.remove(o.packetId);
                note(o.message, "PUBCOMP");
                notifyAll();
            }
            default -> anomalies.add("unexpected packet type " + p.type());
        }
    }

    /** Waits for the publishing thread to stop after the connection ended. */
    void awaitStopped(Duration timeout) throws InterruptedException {
        CrashClient c = client;
        if (c != null && !c.awaitClosed(timeout)) {
            throw new AssertionError(clientId + ": connection still open " + timeout + " after the broker was killed");
        }
        if (worker != null) {
            worker.join(timeout.toMillis());
            if (worker.isAlive()) {
                throw new AssertionError(clientId + ": publishing thread still running after the connection ended");
            }
        }
    }

    /** DISCONNECT: the session stays on the broker. */
    void disconnect() {
        CrashClient c = client;
        if (c != null) {
            c.disconnect();
        }
    }

    void stopWorker() throws InterruptedException {
        CrashClient c = client;
        if (c != null) {
            c.close();
        }
        if (worker != null) {
            worker.join(TimeUnit.SECONDS.toMillis(5));
        }
    }

    String clientId() {
        return clientId;
    }

    synchronized int inflightCount() {
        return inflight.size();
    }

    /** Messages sent but neither acknowledged (PUBACK or PUBREC) yet. */
    synchronized int unacknowledgedCount() {
        return (int) inflight.values().stream().filter(o -> !o.released).count();
    }

    /** Message id to the cycle its PUBACK or PUBREC came in. */
    synchronized Map<String, Integer> acknowledged() {
        return new LinkedHashMap<>(acknowledged);
    }

    /** Per message id, its events ("sent with id 7 in cycle 3", "PUBREC in cycle 3", ...). */
    synchronized Map<String, String> history() {
        Map<String, String> all = new LinkedHashMap<>();
        history.forEach((id, events) -> all.put(id, String.join(", ", events)));
        return all;
    }

    synchronized List<Sent> sent() {
        return List.copyOf(sent);
    }

    synchronized List<String> anomalies() {
        return List.copyOf(anomalies);
    }
}
