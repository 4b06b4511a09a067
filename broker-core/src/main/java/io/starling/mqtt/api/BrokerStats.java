package io.starling.mqtt.api;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters the broker keeps about itself. Read by anyone; incremented by broker threads without locks.
 * Every message the broker drops is counted here under its reason.
 */
public final class BrokerStats {
    private final LongAdder connectionsAccepted = new LongAdder();
    private final LongAdder clientsConnected = new LongAdder();
    private final LongAdder connectionsRefused = new LongAdder();
    private final LongAdder protocolViolations = new LongAdder();
    private final LongAdder messagesReceived = new LongAdder();
    private final LongAdder messagesSent = new LongAdder();
    private final LongAdder[] receivedByQos = {new LongAdder(), new LongAdder(), new LongAdder()};
    private final LongAdder[] sentByQos = {new LongAdder(), new LongAdder(), new LongAdder()};
    private final LongAdder qos0DroppedNotWritable = new LongAdder();
    private final LongAdder qos0DroppedOffline = new LongAdder();
    private final LongAdder queueOverflowDrops = new LongAdder();
    private final LongAdder sessionsDiscardedOnOverflow = new LongAdder();
    private final LongAdder publishesDenied = new LongAdder();
    private final LongAdder interceptorRefusals = new LongAdder();
    private final LongAdder authenticationFailures = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder interceptorNotificationsDropped = new LongAdder();
    private final LongAdder connectionsOverLimit = new LongAdder();
    private final LongAdder limitViolations = new LongAdder();
    private final LongAdder deliveriesDenied = new LongAdder();
    private final LongAdder loginsDelayed = new LongAdder();
    private final LongAdder connectTimeouts = new LongAdder();
    private final LongAdder tlsHandshakeFailures = new LongAdder();
    private final LongAdder rateLimitPauses = new LongAdder();
    private final LongAdder writabilityPauses = new LongAdder();
    private final LongAdder congestionPauses = new LongAdder();
    private final LongAdder throttleStarts = new LongAdder();
    private final LongAdder overloadEpisodes = new LongAdder();
    private final LongAdder queuedBytes = new LongAdder();
    private final LongAdder queuedMessages = new LongAdder();

    public long connectionsAccepted() {
        return connectionsAccepted.sum();
    }

    /** Clients connected right now. */
    public long clientsConnected() {
        return clientsConnected.sum();
    }

    public long connectionsRefused() {
        return connectionsRefused.sum();
    }

    public long protocolViolations() {
        return protocolViolations.sum();
    }

    public long messagesReceived() {
        return messagesReceived.sum();
    }

    public long messagesSent() {
        return messagesSent.sum();
    }

    /** QoS 0 messages not sent because the subscriber's connection could not take more bytes. */
    public long qos0DroppedNotWritable() {
        return qos0DroppedNotWritable.sum();
    }

    /** QoS 0 messages for offline persistent sessions, not queued (the default). */
    public long qos0DroppedOffline() {
        return qos0DroppedOffline.sum();
    }

    /** QoS 1/2 messages dropped by the DROP_OLDEST or DROP_NEWEST queue policies. */
    public long queueOverflowDrops() {
        return queueOverflowDrops.sum();
    }

    /** Sessions discarded because their queue overflowed (the DISCARD_SESSION policy). */
    public long sessionsDiscardedOnOverflow() {
        return sessionsDiscardedOnOverflow.sum();
    }

    /** PUBLISHes the authorizer refused, or that targeted {@code $SYS}. */
    public long publishesDenied() {
        return publishesDenied.sum();
    }

    /** Messages an interceptor refused, or whose decision failed or timed out. */
    public long interceptorRefusals() {
        return interceptorRefusals.sum();
    }

    /** Interceptor notifications not delivered because the notification thread was too far behind. */
    public long interceptorNotificationsDropped() {
        return interceptorNotificationsDropped.sum();
    }

    /** CONNECTs refused by the authenticator (CONNACK 0x04 or 0x05). */
    public long authenticationFailures() {
        return authenticationFailures.sum();
    }

    /** Bytes of whole MQTT packets received from clients. */
    public long bytesReceived() {
        return bytesReceived.sum();
    }

    /** Bytes handed to the network for clients. */
    public long bytesSent() {
        return bytesSent.sum();
    }

    public void onAuthenticationFailure() {
        authenticationFailures.increment();
    }

    public void onBytesReceived(int bytes) {
        bytesReceived.add(bytes);
    }

    public void onBytesSent(int bytes) {
        bytesSent.add(bytes);
    }

    public void onInterceptorRefusal() {
        interceptorRefusals.increment();
    }

    public void onInterceptorNotificationDropped() {
        interceptorNotificationsDropped.increment();
    }

    public void onConnectionAccepted() {
        connectionsAccepted.increment();
        clientsConnected.increment();
    }

    /** A connection that had been accepted ended. */
    public void onClientGone() {
        clientsConnected.decrement();
    }

    public void onConnectionRefused() {
        connectionsRefused.increment();
    }

    public void onProtocolViolation() {
        protocolViolations.increment();
    }

    /** PUBLISH packets received from clients at {@code qos}. */
    public long messagesReceived(QoS qos) {
        return receivedByQos[qos.value()].sum();
    }

    /** PUBLISH packets sent to clients at {@code qos} (first transmissions). */
    public long messagesSent(QoS qos) {
        return sentByQos[qos.value()].sum();
    }

    public void onMessageReceived(QoS qos) {
        messagesReceived.increment();
        receivedByQos[qos.value()].increment();
    }

    public void onMessageSent(QoS qos) {
        messagesSent.increment();
        sentByQos[qos.value()].increment();
    }

    public void onQos0DroppedNotWritable() {
        qos0DroppedNotWritable.increment();
    }

    public void onQos0DroppedOffline() {
        qos0DroppedOffline.increment();
    }

    public void onQueueOverflowDrop() {
        queueOverflowDrops.increment();
    }

    public void onSessionDiscardedOnOverflow() {
        sessionsDiscardedOnOverflow.increment();
    }

    public void onPublishDenied() {
        publishesDenied.increment();
    }

    /** Connections closed at once because {@code maxConnections} were already open. */
    public long connectionsOverLimit() {
        return connectionsOverLimit.sum();
    }

    /** Packets or operations refused by a configured limit (topic length or levels, subscriptions per client). */
    public long limitViolations() {
        return limitViolations.sum();
    }

    /** Messages not delivered to a subscriber because the authorizer's {@code canReceive} refused them. */
    public long deliveriesDenied() {
        return deliveriesDenied.sum();
    }

    /** CONNECTs answered late because their address had failed to log in too often. */
    public long loginsDelayed() {
        return loginsDelayed.sum();
    }

    public void onConnectionOverLimit() {
        connectionsOverLimit.increment();
    }

    public void onLimitViolation() {
        limitViolations.increment();
    }

    public void onDeliveryDenied() {
        deliveriesDenied.increment();
    }

    public void onLoginDelayed() {
        loginsDelayed.increment();
    }

    /** Connections closed because no CONNECT (or TLS handshake) completed within the CONNECT timeout. */
    public long connectTimeouts() {
        return connectTimeouts.sum();
    }

    public void onConnectTimeout() {
        connectTimeouts.increment();
    }

    /** TLS handshakes that failed (wrong protocol version, untrusted certificate, plain MQTT on a TLS port...). */
    public long tlsHandshakeFailures() {
        return tlsHandshakeFailures.sum();
    }

    public void onTlsHandshakeFailure() {
        tlsHandshakeFailures.increment();
    }

    // ---- flow control (docs/flow-control.md) ----

    /** Times a connection's reads were paused because it went past a rate limit (static or adaptive). */
    public long rateLimitPauses() {
        return rateLimitPauses.sum();
    }

    public void onRateLimitPause() {
        rateLimitPauses.increment();
    }

    /** Times a connection's reads were paused because the client did not read what the broker wrote. */
    public long writabilityPauses() {
        return writabilityPauses.sum();
    }

    public void onWritabilityPause() {
        writabilityPauses.increment();
    }

    /** Times a publisher's reads were paused because a subscriber it feeds was falling behind (back-pressure). */
    public long congestionPauses() {
        return congestionPauses.sum();
    }

    public void onCongestionPause() {
        congestionPauses.increment();
    }

    /** Times the overload controller started throttling a publisher. */
    public long throttleStarts() {
        return throttleStarts.sum();
    }

    public void onThrottleStart() {
        throttleStarts.increment();
    }

    /** Times the broker went into overload (pressure 1 or more). */
    public long overloadEpisodes() {
        return overloadEpisodes.sum();
    }

    public void onOverloadEpisode() {
        overloadEpisodes.increment();
    }

    /** Payload bytes queued for all sessions (waiting to be sent), now. */
    public long queuedBytes() {
        return queuedBytes.sum();
    }

    /** Messages queued for all sessions (waiting to be sent), now. */
    public long queuedMessages() {
        return queuedMessages.sum();
    }

    /** A session's queue changed by {@code messages} messages of {@code bytes} payload bytes (negative: removed). */
    public void onQueued(int messages, long bytes) {
        queuedMessages.add(messages);
        queuedBytes.add(bytes);
    }
}
