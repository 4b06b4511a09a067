package io.starling.mqtt.protocol;

import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.flow.InboundFlow;
import io.starling.mqtt.packet.ConnAck;
import io.starling.mqtt.packet.Connect;
import io.starling.mqtt.packet.ConnectReturnCode;
import io.starling.mqtt.packet.Disconnect;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PingReq;
import io.starling.mqtt.packet.PingResp;
import io.starling.mqtt.packet.PubAck;
import io.starling.mqtt.packet.PubComp;
import io.starling.mqtt.packet.PubRec;
import io.starling.mqtt.packet.PubRel;
import io.starling.mqtt.packet.Publish;
import io.starling.mqtt.packet.Subscribe;
import io.starling.mqtt.packet.Unsubscribe;
import io.starling.mqtt.packet.Will;
import io.starling.mqtt.session.Session;
import io.starling.mqtt.session.StoreOrderedActions;
import io.starling.mqtt.session.Subscriber;
import io.starling.mqtt.session.SessionOwner;
import io.starling.mqtt.spi.ClientChannel;
import io.starling.mqtt.spi.SessionStore;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: the single dispatch point over packet types and the single place that catches
 * {@link ProtocolViolation}. States: awaiting CONNECT → connecting (authentication and session hand-over, reads
 * paused) → connected → closed.
 *
 * <p>Threading: every method runs on the channel's executor; no field needs a lock.
 */
public final class Connection implements SessionOwner {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    private enum State { AWAITING_CONNECT, CONNECTING, CONNECTED, CLOSED }

    private final ClientChannel channel;
    private final ProtocolContext context;
    // Packets pipelined behind CONNECT; created only when a client actually pipelines.
    // Packets read but not yet run (CONNECT pending, an interceptor deciding, a rate or congestion pause): a read
    // batch can leave hundreds here under a rate limit, taken from the head one by one.
    private ArrayDeque<MqttPacket> pending;

    private State state = State.AWAITING_CONNECT;
    private ClientInfo client;
    private Will will;
    private int keepAliveSeconds;
    private Session session;
    // Why reads are paused: any of the PAUSED_* bits; reads resume when none is left.
    private int pausedFor;
    private boolean held;
    // Inbound pacing; null until the connection is accepted.
    private InboundFlow flow;
    // When a rate limit lets reading resume (System.nanoTime), and whether the resume task is scheduled.
    private long resumeAtNanos;
    private boolean resumeScheduled;

    private static final int PAUSED_CONNECTING = 1;
    private static final int PAUSED_HELD = 2;
    private static final int PAUSED_RATE = 4;
    private static final int PAUSED_NOT_WRITABLE = 8;
    private static final int PAUSED_CONGESTED = 16;
    /** How often a publisher paused for a congested subscriber checks whether it has caught up. */
    private static final long CONGESTION_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    // The subscriber this publisher waits for, while PAUSED_CONGESTED.
    private Subscriber waitingFor;

    // Whether this connection holds one of the maxConnections slots, given back when it closes.
    private boolean counted;
    // Acknowledgements waiting for the session store, in order.
    private final StoreOrderedActions pendingAcks = new StoreOrderedActions();
    // Whether the session store holds this connection's will.
    private boolean willStored;

    public Connection(ClientChannel channel, ProtocolContext context) {
        this.channel = channel;
        this.context = context;
        if (context.openConnections().tryOpen()) {
            counted = true;
        } else {
            state = State.CLOSED;
            context.stats().onConnectionOverLimit();
            LOG.warn("connection from {} on listener {}: refused, {} connections are open (maxConnections); closing",
                    channel.remoteAddress(), channel.listenerName(), context.openConnections().max());
            channel.close();
        }
    }

    /** One decoded packet from the client. */
    public void onPacket(MqttPacket packet) {
        try {
            switch (state) {
                case AWAITING_CONNECT -> {
                    if (!(packet instanceof Connect connect)) {
                        throw new ProtocolViolation("MQTT-3.1.0-1", "first packet was " + packet.type() + ", not CONNECT");
                    }
                    state = State.CONNECTING;
                    try {
                        ConnectHandler.handle(this, context, connect);
                    } catch (RuntimeException unexpected) {
                        // No return code fits a failure we cannot classify [MQTT-3.2.2-6].
                        closeWithoutConnAck("CONNECT handling failed: " + unexpected);
                    }
                    if (state == State.CONNECTING) {
                        // Still waiting (an authenticator answering later, or a session hand-over): stop reading
                        // so that what the client pipelines stays bounded. The usual synchronous path never
                        // pauses, which saves two epoll_ctl calls per connection.
                        pauseReads(PAUSED_CONNECTING);
                    }
                }
                // Pipelined packets wait until CONNACK is sent [MQTT-3.2.0-1]; reads are paused meanwhile.
                case CONNECTING -> {
                    if (pending == null) {
                        pending = new ArrayDeque<>(4);
                    }
                    pending.add(packet);
                }
                case CONNECTED -> {
                    if (holding()) {
                        // An interceptor is still deciding about an earlier PUBLISH, or a rate limit paused the
                        // connection: the rest of what was already read waits, in order.
                        if (pending == null) {
                            pending = new ArrayDeque<>(4);
                        }
                        pending.add(packet);
                    } else {
                        dispatch(packet);
                    }
                }
                case CLOSED -> { }
            }
        } catch (ProtocolViolation violation) {
            context.stats().onProtocolViolation();
            LOG.info("client {} from {}: protocol violation [{}]: {}; closing", clientIdForLog(),
                    channel.remoteAddress(), violation.statementId(), violation.getMessage());
            channel.close();
        } catch (TransientFailure failure) {
            LOG.warn("client {} from {}: {} while handling {}; closing [MQTT-4.8.0-2]", clientIdForLog(),
                    channel.remoteAddress(), failure.getMessage(), packet.type(), failure.getCause());
            channel.close();
        }
    }

    private void dispatch(MqttPacket packet) {
        if (packet instanceof Publish publish) {
            InboundPublishHandler.onPublish(this, session, context, publish);
            pace(publish);
        } else if (packet instanceof PubAck ack) {
            session.onPubAck(ack.packetId());
        } else if (packet instanceof PubRec rec) {
            session.onPubRec(rec.packetId());
        } else if (packet instanceof PubRel rel) {
            InboundPublishHandler.onPubRel(this, session, rel);
        } else if (packet instanceof PubComp comp) {
            session.onPubComp(comp.packetId());
        } else if (packet instanceof Subscribe subscribe) {
            SubscriptionHandler.onSubscribe(session, this, client, context, subscribe);
        } else if (packet instanceof Unsubscribe unsubscribe) {
            SubscriptionHandler.onUnsubscribe(session, this, client, context, unsubscribe);
        } else if (packet instanceof PingReq) {
            channel.write(PingResp.INSTANCE);
        } else if (packet instanceof Disconnect) {
            // The will is thrown away unpublished [MQTT-3.14.4-3] [MQTT-3.1.2-10].
            will = null;
            forgetStoredWill();
            LOG.info("client {} from {} disconnected", client.clientId(), channel.remoteAddress());
            end(false);
            channel.close();
        } else if (packet instanceof Connect) {
            throw new ProtocolViolation("MQTT-3.1.0-2", "second CONNECT on one connection");
        } else {
            throw new ProtocolViolation("MQTT-4.8.0-1", packet.type() + " is only sent by servers");
        }
    }

    /** The decoder found malformed bytes; nothing more will be decoded on this connection. */
    public void onMalformed(String reason) {
        context.stats().onProtocolViolation();
        LOG.info("client {} from {}: malformed packet: {}; closing", clientIdForLog(), channel.remoteAddress(), reason);
        pending = null;
        if (state != State.CONNECTED) {
            state = State.CLOSED;
        }
        channel.close();
    }

    /** The CONNECT named a protocol level we do not speak: CONNACK 0x01, then close [MQTT-3.1.2-2]. */
    public void onUnsupportedProtocolLevel(String reason) {
        if (state != State.AWAITING_CONNECT) {
            onMalformed(reason);
            return;
        }
        refuse(ConnectReturnCode.UNACCEPTABLE_PROTOCOL_VERSION, reason);
    }

    /**
     * The transport's writability changed. Not writable: the client is not reading what the broker writes, so its
     * own packets are not read either (their answers would pile up in memory). Writable again: reading resumes,
     * and deliveries that waited for room (queued QoS 1/2 messages, retained streams) go on.
     */
    public void onWritabilityChanged(boolean writable) {
        if (state != State.CONNECTED) {
            return;
        }
        if (writable) {
            resumeReads(PAUSED_NOT_WRITABLE);
            session.onWritable();
        } else if ((pausedFor & PAUSED_NOT_WRITABLE) == 0) {
            context.stats().onWritabilityPause();
            pauseReads(PAUSED_NOT_WRITABLE);
        }
    }

    /** Applies the inbound rate limits after a PUBLISH: past them, reads pause until the client is back within. */
    private void pace(Publish publish) {
        if (flow == null) {
            return;
        }
        // Topic and payload bytes plus four for the headers: close enough for a bytes-per-second limit.
        long wait = flow.onPublish(publish.topic().value().length() + publish.payload().length + 4);
        if (wait <= 0) {
            return;
        }
        resumeAtNanos = Math.max(resumeAtNanos, System.nanoTime() + wait);
        if ((pausedFor & PAUSED_RATE) == 0) {
            context.stats().onRateLimitPause();
            pauseReads(PAUSED_RATE);
        }
        if (!resumeScheduled) {
            resumeScheduled = true;
            channel.schedule(this::resumeAfterRateLimit, wait);
        }
    }

    private void resumeAfterRateLimit() {
        resumeScheduled = false;
        if (state != State.CONNECTED) {
            return;
        }
        long left = resumeAtNanos - System.nanoTime();
        if (left > 0) {
            resumeScheduled = true;
            channel.schedule(this::resumeAfterRateLimit, left);
            return;
        }
        // The packets of the read batch that came after the pause go first; one of them may pause it again.
        resumeHeld(PAUSED_RATE);
    }

    private void pauseReads(int reason) {
        if (pausedFor == 0) {
            channel.pauseReading();
        }
        pausedFor |= reason;
    }

    private void resumeReads(int reason) {
        if ((pausedFor & reason) == 0) {
            return;
        }
        pausedFor &= ~reason;
        if (pausedFor == 0) {
            channel.resumeReading();
        }
    }

    /** The transport closed (peer, keep-alive, error or us). Publishes the will unless DISCONNECT came. */
    public void onClosed() {
        if (counted) {
            counted = false;
            context.openConnections().close();
        }
        if (flow != null) {
            context.flow().close(flow);
        }
        if (state == State.CONNECTED) {
            LOG.info("client {} from {} connection lost", client.clientId(), channel.remoteAddress());
            end(true);
        }
        state = State.CLOSED;
        pending = null;
    }

    // ---- called by ConnectHandler ----

    void refuse(ConnectReturnCode code, String reason) {
        context.stats().onConnectionRefused();
        LOG.info("client {} from {}: connection refused ({}): {}", clientIdForLog(), channel.remoteAddress(), code,
                reason);
        state = State.CLOSED;
        pending = null;
        // Nothing the client sent after the CONNECT is acted on [MQTT-3.1.4-5], and the refusal ends it [MQTT-3.2.2-5].
        channel.write(ConnAck.refuse(code));
        channel.close();
    }

    void closeWithoutConnAck(String reason) {
        LOG.warn("client {} from {}: {}; closing without CONNACK", clientIdForLog(), channel.remoteAddress(), reason);
        state = State.CLOSED;
        pending = null;
        channel.close();
    }

    boolean isConnecting() {
        return state == State.CONNECTING;
    }

    ClientChannel channel() {
        return channel;
    }

    void identify(ClientInfo clientInfo, Will connectWill, int keepAlive) {
        this.client = clientInfo;
        this.will = connectWill;
        this.keepAliveSeconds = keepAlive;
    }

    @Override
    public ClientInfo client() {
        return client;
    }

    /** The session is ours: CONNACK first [MQTT-3.2.0-1], then re-sends, then the packets that waited. */
    void onSessionReady(Session readySession, boolean sessionPresent) {
        if (state != State.CONNECTING) {
            // The connection died while the session was being handed over; leave the session offline.
            readySession.detach(this);
            return;
        }
        this.session = readySession;
        state = State.CONNECTED;
        context.stats().onConnectionAccepted();
        channel.keepAlive(keepAliveSeconds);
        channel.write(new ConnAck(sessionPresent, ConnectReturnCode.ACCEPTED));
        LOG.info("client {} connected from {} (clean session {}, keep alive {} s, session present {})",
                client.clientId(), channel.remoteAddress(), readySession.cleanSession(), keepAliveSeconds,
                sessionPresent);
        flow = context.flow().open(client.clientId(), channel.listenerName(), channel.remoteAddress());
        readySession.attach(this, channel);
        if (will != null && context.registry().store() != SessionStore.NONE) {
            context.registry().store().putWill(client.clientId(), will);
            willStored = true;
        }
        ClientInfo connected = client;
        context.interceptors().notify(i -> i.onConnect(connected));
        ArrayDeque<MqttPacket> waiting = pending;
        pending = null;
        if (waiting != null) {
            for (MqttPacket packet : waiting) {
                onPacket(packet);
                if (state != State.CONNECTED) {
                    return;
                }
            }
        }
        resumeReads(PAUSED_CONNECTING);
    }

    // ---- SessionOwner: called on this connection's executor by the session ----

    @Override
    public void onTakenOver() {
        LOG.info("client {} from {}: taken over by a new connection with the same client id", client.clientId(),
                channel.remoteAddress());
        endAfterSessionLeft();
    }

    @Override
    public void onSessionDiscarded() {
        LOG.info("client {} from {}: session discarded; closing", client.clientId(), channel.remoteAddress());
        endAfterSessionLeft();
    }

    @Override
    public void onAdminDisconnect() {
        LOG.info("client {} from {}: disconnected by the application", client.clientId(), channel.remoteAddress());
        // Ended without DISCONNECT from the client: the will is published [MQTT-3.1.2-8].
        if (state == State.CONNECTED) {
            end(true);
        }
        state = State.CLOSED;
        channel.close();
    }

    @Override
    public String clientId() {
        return client == null ? null : client.clientId();
    }

    private void endAfterSessionLeft() {
        if (state == State.CONNECTED) {
            context.stats().onClientGone();
            ClientInfo gone = client;
            context.interceptors().notify(i -> i.onDisconnect(gone, false));
            publishWill();
        }
        state = State.CLOSED;
        channel.close();
    }

    private void end(boolean publishWill) {
        if (state == State.CONNECTED) {
            context.stats().onClientGone();
            ClientInfo gone = client;
            boolean clean = !publishWill;
            context.interceptors().notify(i -> i.onDisconnect(gone, clean));
        }
        state = State.CLOSED;
        if (publishWill) {
            publishWill();
        }
        session.detach(this);
    }

    /** Published when the connection ends other than by DISCONNECT [MQTT-3.1.2-8], then forgotten [MQTT-3.1.2-10]. */
    private void publishWill() {
        Will w = will;
        will = null;
        if (w != null) {
            context.router().publish(w.toMessage());
        }
        forgetStoredWill();
    }

    private void forgetStoredWill() {
        if (willStored) {
            willStored = false;
            context.registry().store().removeWill(client.clientId());
        }
    }

    private String clientIdForLog() {
        return client == null ? "(not connected)" : client.clientId();
    }

    /** Holds the following packets (and reading) until {@link #release()}: an interceptor answers later. */
    void hold() {
        held = true;
        pauseReads(PAUSED_HELD);
    }

    /** The decision came: run the packets that waited, in order, until done or held again. */
    void release() {
        held = false;
        runPending();
        if (!held && state == State.CONNECTED) {
            resumeReads(PAUSED_HELD);
        }
    }

    /**
     * Whether packets already read must wait: an interceptor decides, a rate limit paused the connection, or a
     * subscriber it feeds is congested.
     */
    private boolean holding() {
        return held || (pausedFor & (PAUSED_RATE | PAUSED_CONGESTED)) != 0;
    }

    /**
     * Pauses this publisher's reads until {@code subscriber} has caught up ({@link Subscriber#congested()} false):
     * back-pressure from a subscriber's queue to the publishers that fill it, so that messages already acknowledged
     * to them are not dropped at the queue's limit. Polled every 2 ms; the rest of what was read waits, in order.
     */
    void waitFor(Subscriber subscriber) {
        if (state != State.CONNECTED) {
            return;
        }
        waitingFor = subscriber;
        if ((pausedFor & PAUSED_CONGESTED) == 0) {
            context.stats().onCongestionPause();
            pauseReads(PAUSED_CONGESTED);
            channel.schedule(this::checkCongestion, CONGESTION_POLL_NANOS);
        }
    }

    private void checkCongestion() {
        if (state != State.CONNECTED) {
            return;
        }
        Subscriber subscriber = waitingFor;
        if (subscriber != null && subscriber.congested()) {
            channel.schedule(this::checkCongestion, CONGESTION_POLL_NANOS);
            return;
        }
        waitingFor = null;
        resumeHeld(PAUSED_CONGESTED);
    }

    /** Ends a pause that holds packets: those already read go first (one may pause again), then reading resumes. */
    private void resumeHeld(int reason) {
        pausedFor &= ~reason;
        runPending();
        if (state == State.CONNECTED && pausedFor == 0) {
            channel.resumeReading();
        }
    }

    private void runPending() {
        while (!holding() && state == State.CONNECTED && pending != null && !pending.isEmpty()) {
            onPacket(pending.poll());
        }
    }

    /**
     * Sends an acknowledgement (PUBACK, PUBREC, PUBCOMP, SUBACK, UNSUBACK) once the session store holds what its
     * packet changed, then runs {@code after}; acknowledgements keep the order of their packets [MQTT-4.6.0-2].
     * Without a store both happen now.
     */
    void acknowledge(MqttPacket ack, Runnable after) {
        SessionStore store = context.registry().store();
        if (store == SessionStore.NONE) {
            // Nothing is ever stored, so nothing waits: no closures on the publish path of an in-memory broker.
            channel.write(ack);
            after.run();
            return;
        }
        pendingAcks.run(store, channel.executor(), () -> {
            channel.write(ack);
            after.run();
        }, error -> {
            // Not acknowledged: the client keeps the packet and sends it again on its next connection.
            LOG.error("client {} from {}: session store failed, {} not sent; closing", clientIdForLog(),
                    channel.remoteAddress(), ack.type(), error);
            channel.close();
        });
    }

    void acknowledge(MqttPacket ack) {
        acknowledge(ack, NOTHING);
    }

    private static final Runnable NOTHING = () -> { };

    /** Closes the connection for a reason that is not a protocol violation (e.g. a refused publish by policy). */
    void closeForPolicy(String reason) {
        LOG.info("client {} from {}: {}; closing", clientIdForLog(), channel.remoteAddress(), reason);
        channel.close();
    }
}
