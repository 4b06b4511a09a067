package io.starling.mqtt.session;

import io.starling.mqtt.api.Authorizer;
import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.api.QueueOverflowPolicy;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PubRel;
import io.starling.mqtt.packet.Publish;
import io.starling.mqtt.spi.ClientChannel;
import io.starling.mqtt.spi.RetainedStore;
import io.starling.mqtt.spi.SessionStore;
import io.starling.mqtt.topic.TopicFilter;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state the server keeps for one client id (section 4.1): subscriptions, the outbound QoS 1/2 flows in
 * flight, the ids of inbound QoS 2 messages awaiting PUBREL, and the queue of messages waiting to be sent.
 *
 * <p>Threading: every field is touched only on the owner executor, either by the attached connection's own
 * handlers (which run there) or by tasks of the {@link Mailbox}; hence no locks and no volatile fields.
 */
public final class Session implements Subscriber {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    private final String clientId;
    private final boolean cleanSession;
    private final SessionContext context;
    private final Mailbox mailbox;
    // A persistent session with a durable store: its state is written through to the store.
    private final boolean durable;

    // The collections are created on first use: most sessions of a broker with many idle devices never need
    // some of them, and each empty collection costs 50-90 bytes per connection.
    private Map<TopicFilter, QoS> subscriptions = Map.of();
    // Insertion order is resend order [MQTT-4.6.0-1]; a PUBREC moves its entry to the end [MQTT-4.6.0-4].
    private LinkedHashMap<Integer, InflightMessage> inflight;
    private Set<Integer> inboundQos2 = Set.of();
    private ArrayDeque<QueuedMessage> queue;
    // True while retained messages of a new subscription are enqueued: they bypass the queue limits.
    private boolean retainedBurst;
    // Retained messages still owed for new subscriptions, streamed as the client takes them; usually null.
    private RetainedStreams retained;
    private boolean retainedStepScheduled;
    // Packets waiting for the store before they may be written (QoS 2 of stored messages), in order; usually null.
    private final StoreOrderedActions pendingWrites = new StoreOrderedActions();
    // Payload bytes in the queue, bounded by maxQueuedBytes.
    private long queuedBytes;
    // Back-pressure toward publishers (congested()): QoS 1/2 deliveries on their way to this session's thread, the
    // queue length as last published by that thread, whether a client is attached, and the hysteresis state.
    private final AtomicInteger inTransit = new AtomicInteger();
    private volatile int queuedMirror;
    private volatile long queuedBytesMirror;
    private volatile boolean online;
    private volatile boolean congested;
    private volatile long lastProgressNanos;
    // Drop log lines: at most one per DROP_LOG_INTERVAL_NANOS, with a count.
    private long lastDropLogNanos;
    private long droppedSinceLog;
    static final long STALL_MILLIS = 500;
    // Below this queue limit there is no room between half and full to wait in: the limit and its policy decide.
    private static final int MIN_QUEUE_FOR_BACK_PRESSURE = 16;
    private static final long STALL_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS);
    private static final long DROP_LOG_INTERVAL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    private int nextPacketId = 1;
    // Who the session's client last was (user name included), for the authorizer's canReceive.
    private ClientInfo client;

    private SessionOwner owner;
    private ClientChannel channel;
    private boolean ended;

    Session(String clientId, boolean cleanSession, SessionContext context, Executor executor) {
        this.clientId = clientId;
        this.cleanSession = cleanSession;
        this.context = context;
        this.mailbox = new Mailbox(executor);
        this.durable = !cleanSession && context.store() != SessionStore.NONE;
    }

    public String clientId() {
        return clientId;
    }

    public boolean cleanSession() {
        return cleanSession;
    }

    /** Runs {@code task} on this session's owner executor, after every task submitted before it. */
    public void execute(Runnable task) {
        mailbox.submit(task);
    }

    /** Computes {@code query} on the owner executor (at once if the caller is the owner and nothing is waiting). */
    public <T> CompletableFuture<T> query(Supplier<T> query) {
        if (mailbox.canRunInline()) {
            return CompletableFuture.completedFuture(query.get());
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        mailbox.submit(() -> {
            try {
                result.complete(query.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    Executor executor() {
        return mailbox.executor();
    }

    void moveTo(Executor executor) {
        mailbox.moveTo(executor);
    }

    boolean ended() {
        return ended;
    }

    // ---- delivery (called from any thread) ----

    @Override
    public void deliver(Message message, QoS qos) {
        if (durable && qos != QoS.AT_MOST_ONCE) {
            // Stored on the publisher's thread, so the publisher's acknowledgement waits for it (store barrier).
            long key = context.store().append(clientId, message, qos);
            if (qos == QoS.EXACTLY_ONCE) {
                // Sent only once stored: a copy the client saw but a restart forgot would be sent again under
                // another packet id, and exactly once would be broken.
                java.util.concurrent.CompletableFuture<Void> stored = context.store().sync();
                if (!stored.isDone()) {
                    inTransit.incrementAndGet();
                    stored.whenComplete((ok, error) -> {
                        if (error == null) {
                            mailbox.submit(() -> arrived(message, qos, key));
                        } else {
                            inTransit.decrementAndGet();
                            LOG.error("client {}: session store failed; QoS 2 message on {} not delivered", clientId,
                                    message.topic(), error);
                        }
                    });
                    return;
                }
            }
            deliverStored(message, qos, key);
            return;
        }
        deliverStored(message, qos, 0);
    }

    private void deliverStored(Message message, QoS qos, long key) {
        if (mailbox.canRunInline()) {
            enqueue(message, qos, key);
        } else if (qos == QoS.AT_MOST_ONCE) {
            mailbox.submit(() -> enqueue(message, qos, key));
        } else {
            // Counted until the session's own thread has it, so a publisher sees the backlog it is building now.
            inTransit.incrementAndGet();
            mailbox.submit(() -> arrived(message, qos, key));
        }
    }

    /** Sends or queues one message; on the owner executor. */
    public void enqueue(Message message, QoS qos) {
        long key = durable && qos != QoS.AT_MOST_ONCE && !ended ? context.store().append(clientId, message, qos) : 0;
        enqueue(message, qos, key);
    }

    /** A counted delivery reaches the owner thread; the backlog it was part of may have cleared (sent directly). */
    private void arrived(Message message, QoS qos, long key) {
        inTransit.decrementAndGet();
        enqueue(message, qos, key);
        if (congested) {
            updateCongestion();
        }
    }

    /** Retained messages sent per event-loop task, and the queue length at which the stream waits for acks. */
    static final int RETAINED_BATCH = 256;
    /** Retained topics examined per event-loop task, so that a narrow wildcard over many topics never holds it. */
    static final int RETAINED_EXAMINED = 4_096;

    /**
     * Streams the retained messages {@code filter} matches [MQTT-3.3.1-6], at the lower of their and the granted
     * QoS: a step of at most {@value #RETAINED_EXAMINED} topics and {@value #RETAINED_BATCH} messages per task, and
     * only while the client has room (the connection writable and the queue shorter than {@value #RETAINED_BATCH});
     * acknowledgements, writability and a new connection resume it. So QoS 0 retained messages are not dropped for
     * a full socket, and the session never references more than a batch of them. They bypass the queue limits: a
     * client subscribing to {@code #} must not lose its session because many topics have a retained message. What
     * is not yet streamed is not stored: after a broker restart the client gets it by subscribing again. On the
     * owner executor.
     */
    public void streamRetained(TopicFilter filter, QoS granted, RetainedStore.Scan scan) {
        if (ended) {
            return;
        }
        if (retained == null) {
            retained = new RetainedStreams();
        }
        retained.start(filter, granted, scan);
        scheduleRetained();
    }

    /** The connection can take writes again (Netty's writability): queued messages and retained streams go on. */
    public void onWritable() {
        drainQueue();
        scheduleRetained();
    }

    private boolean roomForRetained() {
        return channel != null && !ended && channel.isWritable() && queuedCount() < RETAINED_BATCH;
    }

    private void scheduleRetained() {
        if (retained != null && !retainedStepScheduled && !retained.isEmpty() && roomForRetained()) {
            retainedStepScheduled = true;
            // Through the back of the loop's own queue: a mailbox runs up to 256 tasks per turn, so a step that
            // re-entered it directly would run 256 times before the loop's I/O and other connections got a turn.
            mailbox.executor().execute(() -> mailbox.submit(this::stepRetained));
        }
    }

    private void stepRetained() {
        retainedStepScheduled = false;
        if (retained == null || !roomForRetained()) {
            return;
        }
        int[] sent = {0};
        retainedBurst = true;
        try {
            retained.step(RETAINED_EXAMINED, (m, qos) -> {
                enqueue(m, qos);
                return ++sent[0] < RETAINED_BATCH && roomForRetained();
            });
        } finally {
            retainedBurst = false;
        }
        scheduleRetained();
    }

    private void enqueue(Message message, QoS qos, long key) {
        if (ended) {
            forget(key);
            return;
        }
        Authorizer authorizer = context.config().authorizer();
        if (authorizer != Authorizer.ALLOW_ALL && client != null && !mayReceive(authorizer, message)) {
            forget(key);
            context.stats().onDeliveryDenied();
            LOG.debug("client {}: delivery of {} refused by the authorizer", clientId, message.topic());
            return;
        }
        if (channel != null) {
            if (qos == QoS.AT_MOST_ONCE) {
                sendQos0(message);
            } else if (queuedCount() == 0 && inflightCount() < context.config().maxInflight()
                    && channel.isWritable()) {
                sendNew(message, qos, key);
            } else {
                offer(new QueuedMessage(message, qos, key));
            }
            return;
        }
        if (qos == QoS.AT_MOST_ONCE && !context.config().queueQos0WhenOffline()) {
            context.stats().onQos0DroppedOffline();
            return;
        }
        offer(new QueuedMessage(message, qos, key));
    }

    /** The stored copy of a message this session will not keep. */
    private void forget(long key) {
        if (key != 0) {
            context.store().remove(clientId, key);
        }
    }

    private boolean mayReceive(Authorizer authorizer, Message message) {
        try {
            return authorizer.canReceive(client, message.topic());
        } catch (RuntimeException e) {
            LOG.warn("client {}: authorizer.canReceive failed for {}; not delivered", clientId, message.topic(), e);
            return false;
        }
    }

    private void sendQos0(Message message) {
        if (!channel.isWritable()) {
            context.stats().onQos0DroppedNotWritable();
            return;
        }
        channel.write(new Publish(message.topic(), QoS.AT_MOST_ONCE, false, message.retain(), 0, message.payload()));
        context.stats().onMessageSent(QoS.AT_MOST_ONCE);
        notifyDelivery(message, QoS.AT_MOST_ONCE);
    }

    private void sendNew(Message message, QoS qos, long key) {
        if (inflight == null) {
            inflight = new LinkedHashMap<>();
        }
        int packetId = allocatePacketId();
        inflight.put(packetId, new InflightMessage(packetId, message, qos, false, key));
        if (congested) {
            lastProgressNanos = System.nanoTime();
        }
        Publish publish = new Publish(message.topic(), qos, false, message.retain(), packetId, message.payload());
        context.stats().onMessageSent(qos);
        notifyDelivery(message, qos);
        if (key != 0) {
            context.store().markSent(clientId, key, packetId);
            if (qos == QoS.EXACTLY_ONCE) {
                // The packet id must be stored before the client can see it: after a restart the message is sent
                // again under this id, which the client recognises, not under a new one it would deliver again.
                writeWhenStored(publish);
                return;
            }
        }
        channel.write(publish);
    }

    /**
     * Writes {@code packet} once the store holds everything written before, keeping the order of such writes. If the
     * connection changes meanwhile the packet is not written: attaching re-sends what is in flight.
     */
    private void writeWhenStored(MqttPacket packet) {
        ClientChannel target = channel;
        pendingWrites.run(context.store(), mailbox::submit, () -> {
            if (channel == target && target != null) {
                target.write(packet);
            }
        }, error -> LOG.error("client {}: session store failed; {} not sent", clientId, packet.type(), error));
    }

    /**
     * The next id not in flight toward this client: 1..65535 in a cycle, so an id is reused only after its PUBACK
     * or PUBCOMP [MQTT-2.3.1-4]. The inflight window (at most 65535) guarantees a free one.
     */
    private int allocatePacketId() {
        for (int tries = 0; tries < 65_535; tries++) {
            int candidate = nextPacketId;
            nextPacketId = nextPacketId == 65_535 ? 1 : nextPacketId + 1;
            if (!inflight.containsKey(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("all 65535 packet identifiers are in flight");
    }

    private void offer(QueuedMessage queued) {
        if (queue == null) {
            queue = new ArrayDeque<>(8);
        }
        int size = queued.message().payload().length;
        // One message always fits an empty queue, whatever its size: the packet-size limit bounds it.
        if (retainedBurst || queue.size() < context.config().maxQueuedMessages()
                && (queue.isEmpty() || queuedBytes + size <= context.config().maxQueuedBytes())) {
            queue.add(queued);
            queuedBytes += size;
            context.stats().onQueued(1, size);
            updateCongestion();
            return;
        }
        QueueOverflowPolicy policy = context.config().queueOverflowPolicy();
        switch (policy) {
            case DROP_NEWEST -> {
                forget(queued.key());
                context.stats().onQueueOverflowDrop();
                notifyDrop(queued.message(), "queue full, newest dropped");
                logDrop("newest", queued.message());
            }
            case DROP_OLDEST -> {
                // Enough of the oldest go to make room by count and by bytes.
                while (!queue.isEmpty() && (queue.size() >= context.config().maxQueuedMessages()
                        || queuedBytes + size > context.config().maxQueuedBytes())) {
                    QueuedMessage dropped = poll();
                    forget(dropped.key());
                    context.stats().onQueueOverflowDrop();
                    notifyDrop(dropped.message(), "queue full, oldest dropped");
                    logDrop("oldest", dropped.message());
                }
                if (context.config().maxQueuedMessages() > 0) {
                    queue.add(queued);
                    queuedBytes += size;
                    context.stats().onQueued(1, size);
                } else {
                    forget(queued.key());
                }
            }
            case DISCARD_SESSION -> {
                context.stats().onSessionDiscardedOnOverflow();
                notifyDrop(queued.message(), "queue full, session discarded");
                LOG.warn("client {}: queue full ({} messages, {} bytes), discarding the session; the client will "
                        + "see session present 0", clientId, queue.size(), queuedBytes);
                discard();
            }
        }
    }

    /**
     * One WARN line per session per second at most, with how many went since the last: a queue that overflows at a
     * million messages a second must not also write a million log lines.
     */
    private void logDrop(String which, Message message) {
        droppedSinceLog++;
        long now = System.nanoTime();
        if (lastDropLogNanos != 0 && now - lastDropLogNanos < DROP_LOG_INTERVAL_NANOS) {
            return;
        }
        LOG.warn("client {}: queue full ({} messages, {} bytes), dropping the {} messages ({} dropped since the last "
                + "such line; last on {}); counted in queueOverflowDrops", clientId, queue.size(), queuedBytes, which,
                droppedSinceLog, message.topic());
        droppedSinceLog = 0;
        lastDropLogNanos = now;
    }

    /**
     * Back-pressure toward publishers: an attached session whose queue is past half its limits (by count or bytes)
     * asks the connections that publish to it to pause their reads ({@link #congested()}), until it is down to a
     * quarter. Publishers then wait instead of filling the queue to its limit, where the overflow policy would drop
     * messages they have had acknowledged. On the owner executor.
     */
    private void updateCongestion() {
        int size = queue == null ? 0 : queue.size();
        queuedMirror = size;
        queuedBytesMirror = queuedBytes;
        long maxMessages = context.config().maxQueuedMessages();
        if (maxMessages < MIN_QUEUE_FOR_BACK_PRESSURE) {
            congested = false;
            return;
        }
        long maxBytes = context.config().maxQueuedBytes();
        long backlog = (long) size + inTransit.get();
        if (!congested) {
            if (channel != null && (backlog > maxMessages / 2 || queuedBytes > maxBytes / 2) && size > 1) {
                lastProgressNanos = System.nanoTime();
                congested = true;
            }
        } else if (channel == null || backlog <= maxMessages / 4 && queuedBytes <= maxBytes / 4) {
            congested = false;
        }
    }

    /**
     * Whether publishers to this session should pause: its queue is past half its limits while its client is
     * connected and taking messages. A client that took nothing for {@value #STALL_MILLIS} ms is not waited for:
     * it would stall every publisher of its topics, so its queue fills and the overflow policy applies to it alone
     * (the slow-consumer rule). Called from publishers' threads.
     */
    @Override
    public boolean congested() {
        if (!congested) {
            // Deliveries still on their way count: a publisher must not get a whole read batch ahead before this
            // session's thread has seen any of it.
            int max = context.config().maxQueuedMessages();
            if (!online || max < MIN_QUEUE_FOR_BACK_PRESSURE || (long) inTransit.get() + queuedMirror <= max / 2) {
                return false;
            }
            lastProgressNanos = System.nanoTime();
            congested = true;
            return true;
        }
        // Cleared here too, not only by the owner thread: the backlog may have gone out without a queue change that
        // would have made the owner look (sent at once into a free inflight window).
        if ((long) inTransit.get() + queuedMirror <= context.config().maxQueuedMessages() / 4
                && queuedBytesMirror <= context.config().maxQueuedBytes() / 4) {
            congested = false;
            return false;
        }
        return System.nanoTime() - lastProgressNanos < STALL_NANOS;
    }

    private QueuedMessage poll() {
        QueuedMessage head = queue.poll();
        int size = head.message().payload().length;
        queuedBytes -= size;
        context.stats().onQueued(-1, -size);
        if (congested) {
            lastProgressNanos = System.nanoTime();
        }
        updateCongestion();
        return head;
    }

    /** Payload bytes waiting in the queue. */
    public long queuedBytes() {
        return queuedBytes;
    }

    private void notifyDelivery(Message message, QoS qos) {
        if (context.interceptors().wantsDeliveries()) {
            context.interceptors().notify(i -> {
                if (i.wantsDeliveries()) {
                    i.onDeliver(clientId, message, qos);
                }
            });
        }
    }

    private void notifyDrop(Message message, String reason) {
        context.interceptors().notify(i -> i.onDrop(clientId, message, reason));
    }

    /**
     * Fills the inflight window from the queue while the connection can take writes; on the owner executor while
     * attached. A client that does not read keeps its messages here, bounded by the queue limits and policy, not in
     * the connection's write buffer.
     */
    private void drainQueue() {
        while (channel != null && queuedCount() > 0 && channel.isWritable()) {
            QueuedMessage next = queue.peek();
            if (next.qos() == QoS.AT_MOST_ONCE) {
                poll();
                forget(next.key());
                sendQos0(next.message());
            } else if (inflightCount() < context.config().maxInflight()) {
                poll();
                sendNew(next.message(), next.qos(), next.key());
            } else {
                return;
            }
        }
    }

    // ---- acknowledgements from the client (owner executor) ----

    /** PUBACK: the QoS 1 flow is complete. */
    public void onPubAck(int packetId) {
        InflightMessage entry = inflight == null ? null : inflight.get(packetId);
        if (entry != null && entry.qos() == QoS.AT_LEAST_ONCE) {
            inflight.remove(packetId);
            forget(entry.key());
            drainQueue();
            scheduleRetained();
        } else {
            LOG.debug("client {}: PUBACK for unknown packet id {}", clientId, packetId);
        }
    }

    /** PUBREC: answer PUBREL and never send the PUBLISH again [MQTT-4.3.3-1]. */
    public void onPubRec(int packetId) {
        InflightMessage entry = inflight == null ? null : inflight.get(packetId);
        if (entry != null && entry.qos() == QoS.EXACTLY_ONCE) {
            if (!entry.released()) {
                inflight.remove(packetId);
                inflight.put(packetId, entry.release());
                if (entry.key() != 0) {
                    context.store().markReleased(clientId, entry.key());
                }
            }
            if (entry.key() != 0) {
                // Released only once stored: a restart must send this PUBREL again, never the PUBLISH [MQTT-4.3.3-1].
                writeWhenStored(new PubRel(packetId));
            } else {
                channel.write(new PubRel(packetId));
            }
        } else {
            LOG.debug("client {}: PUBREC for unknown packet id {}", clientId, packetId);
        }
    }

    /** PUBCOMP: the QoS 2 flow is complete; the id may be reused. */
    public void onPubComp(int packetId) {
        InflightMessage entry = inflight == null ? null : inflight.get(packetId);
        if (entry != null && entry.released()) {
            inflight.remove(packetId);
            forget(entry.key());
            drainQueue();
            scheduleRetained();
        } else {
            LOG.debug("client {}: PUBCOMP for unknown packet id {}", clientId, packetId);
        }
    }

    /** Records an inbound QoS 2 id; false if it is already awaiting PUBREL (a duplicate not to forward). */
    public boolean markInboundQos2(int packetId) {
        if (!(inboundQos2 instanceof HashSet)) {
            inboundQos2 = new HashSet<>();
        }
        return inboundQos2.add(packetId);
    }

    /** Stores the id {@link #markInboundQos2} remembered, in the same atomic group as the message's copies. */
    public void storeInboundQos2(int packetId) {
        if (durable) {
            context.store().putInboundQos2(clientId, packetId);
        }
    }

    /** PUBREL from the client: the id is free for a new message [MQTT-4.3.3-2]. */
    public void releaseInboundQos2(int packetId) {
        if (!inboundQos2.isEmpty()) {
            if (inboundQos2.remove(packetId) && durable) {
                context.store().removeInboundQos2(clientId, packetId);
            }
        }
    }

    // ---- subscriptions (owner executor) ----

    /** Adds or replaces a subscription [MQTT-3.8.4-3]. */
    public void subscribe(TopicFilter filter, QoS qos) {
        if (!(subscriptions instanceof HashMap)) {
            subscriptions = new HashMap<>(4);
        }
        subscriptions.put(filter, qos);
        context.index().put(filter, this, qos);
        if (durable) {
            context.store().putSubscription(clientId, filter, qos);
        }
    }

    /** Removes the subscription with exactly this filter [MQTT-3.10.4-1]; false if there was none. */
    public boolean unsubscribe(TopicFilter filter) {
        if (subscriptions.isEmpty() || subscriptions.remove(filter) == null) {
            return false;
        }
        context.index().remove(filter, this);
        if (retained != null) {
            retained.stop(filter);
        }
        if (durable) {
            context.store().removeSubscription(clientId, filter);
        }
        return true;
    }

    public Map<TopicFilter, QoS> subscriptions() {
        return Collections.unmodifiableMap(subscriptions);
    }

    // ---- restore after a restart (before any connection, on the owner executor or before it is shared) ----

    /**
     * Puts back what the store kept: subscriptions (into the index too), messages in flight (sent before the
     * restart; they are re-sent with DUP and their packet id on attach [MQTT-4.4.0-1]) and queued ones in key order,
     * and the inbound QoS 2 ids awaiting PUBREL.
     */
    void restore(SessionStore.StoredSession stored) {
        if (!stored.subscriptions().isEmpty()) {
            subscriptions = new HashMap<>(stored.subscriptions());
            subscriptions.forEach((filter, qos) -> context.index().put(filter, this, qos));
        }
        for (SessionStore.StoredMessage m : stored.messages()) {
            if (m.packetId() != 0) {
                if (inflight == null) {
                    inflight = new LinkedHashMap<>();
                }
                inflight.put(m.packetId(), new InflightMessage(m.packetId(), m.message(), m.qos(), m.released(), m.key()));
                nextPacketId = m.packetId() == 65_535 ? 1 : m.packetId() + 1;
            } else {
                if (queue == null) {
                    queue = new ArrayDeque<>(Math.max(8, stored.messages().size()));
                }
                queue.add(new QueuedMessage(m.message(), m.qos(), m.key()));
                queuedBytes += m.message().payload().length;
                context.stats().onQueued(1, m.message().payload().length);
            }
        }
        if (!stored.inboundQos2().isEmpty()) {
            inboundQos2 = new HashSet<>(stored.inboundQos2());
        }
    }

    // ---- attach / detach (owner executor) ----

    /**
     * Binds a connection: re-sends unacknowledged PUBLISHes (DUP 1, same id) and PUBRELs in their original order
     * [MQTT-4.4.0-1] [MQTT-4.6.0-1], then fills the window from the queue.
     */
    public void attach(SessionOwner newOwner, ClientChannel newChannel) {
        this.owner = newOwner;
        this.client = newOwner.client();
        this.channel = newChannel;
        online = true;
        if (inflight != null) {
            resendInflight();
        }
        drainQueue();
        scheduleRetained();
    }

    private void resendInflight() {
        for (InflightMessage entry : inflight.values()) {
            if (entry.released()) {
                channel.write(new PubRel(entry.packetId()));
            } else {
                Message m = entry.message();
                channel.write(new Publish(m.topic(), entry.qos(), true, m.retain(), entry.packetId(), m.payload()));
            }
        }
    }

    /** The connection ended. A clean session ends with it [MQTT-3.1.2-6]; a persistent one waits offline. */
    public void detach(SessionOwner leaving) {
        if (owner != null && owner != leaving) {
            return;
        }
        owner = null;
        channel = null;
        congested = false;
        online = false;
        if (cleanSession) {
            end();
        }
    }

    /**
     * Called by the registry's takeover task on this session's executor: ends the current connection, if any; the
     * registry then moves the session to the new connection's executor.
     */
    void handOver() {
        if (owner != null) {
            SessionOwner old = owner;
            owner = null;
            channel = null;
            congested = false;
            online = false;
            old.onTakenOver();
        }
    }

    /**
     * Records the connection that took the session over and will attach once it is ready on its own executor.
     * Until then messages queue as for an offline session; a further takeover or a discard ends that connection.
     */
    void reserve(SessionOwner claimant) {
        owner = claimant;
        channel = null;
        congested = false;
        online = false;
    }

    /** Discards the session: out of the registry and the index; the attached connection, if any, is closed. */
    void discard() {
        if (ended) {
            return;
        }
        SessionOwner current = owner;
        owner = null;
        channel = null;
        congested = false;
        online = false;
        end();
        if (current != null) {
            current.onSessionDiscarded();
        }
    }

    /** Ends the session for good; idempotent. */
    void end() {
        if (ended) {
            return;
        }
        ended = true;
        for (TopicFilter filter : subscriptions.keySet()) {
            context.index().remove(filter, this);
        }
        subscriptions = Map.of();
        inflight = null;
        if (queue != null) {
            context.stats().onQueued(-queue.size(), -queuedBytes);
        }
        queue = null;
        queuedMirror = 0;
        queuedBytesMirror = 0;
        retained = null;
        queuedBytes = 0;
        congested = false;
        online = false;
        inboundQos2 = Set.of();
        if (durable) {
            context.store().removeSession(clientId);
        }
        context.registry().removeIfSame(clientId, this);
    }

    // ---- admin (owner executor) ----

    /** Closes the attached connection, if any; false if the client is offline. */
    public boolean disconnectClient() {
        SessionOwner current = owner;
        if (current == null) {
            return false;
        }
        current.onAdminDisconnect();
        return true;
    }

    /** A consistent picture of this session, taken on its executor. */
    public SessionSnapshot snapshot() {
        return new SessionSnapshot(clientId, cleanSession, channel != null, Map.copyOf(subscriptions),
                inflightCount(), queuedCount());
    }

    // ---- introspection for tests and admin ----

    public int inflightCount() {
        return inflight == null ? 0 : inflight.size();
    }

    public int queuedCount() {
        return queue == null ? 0 : queue.size();
    }

    public boolean isConnected() {
        return channel != null;
    }

    /** Packet ids in flight, in resend order. */
    public Iterator<Integer> inflightIds() {
        return inflight == null ? Collections.emptyIterator() : inflight.keySet().iterator();
    }

    @Override
    public String toString() {
        return "Session[" + clientId + (cleanSession ? ", clean" : ", persistent") + "]";
    }
}
