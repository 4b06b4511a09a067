package io.starling.mqtt.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How the broker paces what clients send and bounds what it holds for them (docs/flow-control.md). Every limit is
 * applied by pausing reads on the connection (TCP back-pressure), never by dropping a QoS 1 or 2 message.
 *
 * @param clientMessagesPerSecond   inbound PUBLISH packets per second per connection; 0: no limit
 * @param clientBytesPerSecond      inbound PUBLISH bytes (whole packets) per second per connection; 0: no limit
 * @param listenerMessagesPerSecond inbound PUBLISH packets per second over all connections of one listener; 0: none
 * @param listenerBytesPerSecond    inbound PUBLISH bytes per second over all connections of one listener; 0: none
 * @param burst                     how much above its rate a client may send at once: this long at its rate
 * @param overloadProtection        whether the broker lowers its heaviest publishers' rates when it is overloaded
 * @param loopLagThreshold          event-loop lag (a task's start delay) from which the broker counts as overloaded
 * @param heapThreshold             fraction of the maximum heap in use after the last collection, likewise
 * @param queuedBytesThreshold      payload bytes queued for all sessions together, likewise
 * @param outboundBytesThreshold    bytes of network buffers in use (mostly writes waiting for slow sockets),
 *                                  likewise; 0: three quarters of the direct-memory limit
 * @param lightClientRate           PUBLISH packets per second at or below which a client is never throttled by the
 *                                  overload controller
 * @param outboundBufferBytes       per connection, bytes written but not yet taken by the socket above which the
 *                                  connection counts as not writable: QoS 0 deliveries are dropped (counted), QoS
 *                                  1/2 ones wait in the session, and the client's own packets are not read until it
 *                                  reads (Netty's write-buffer high watermark; the low one is half)
 * @param loopBusyThreshold         fraction of the time the busiest event loop spends on the CPU from which the broker
 *                                  counts as overloaded; 0: off. A latency-first setting (0.4, measured in the
 *                                  overload benchmark) keeps loops from running at capacity, where every message
 *                                  waits for a full loop turn
 */
public record FlowControl(
        double clientMessagesPerSecond,
        long clientBytesPerSecond,
        double listenerMessagesPerSecond,
        long listenerBytesPerSecond,
        Duration burst,
        boolean overloadProtection,
        Duration loopLagThreshold,
        double heapThreshold,
        long queuedBytesThreshold,
        long outboundBytesThreshold,
        double lightClientRate,
        int outboundBufferBytes,
        double loopBusyThreshold) {

    /** No static rate limits; overload protection on (it acts only past its thresholds); 1 MiB write buffers. */
    public static final FlowControl DEFAULTS = new FlowControl(0, 0, 0, 0, Duration.ofSeconds(1), true,
            Duration.ofMillis(100), 0.85, 512L << 20, 0, 100, 1024 * 1024, 0);

    public FlowControl {
        Objects.requireNonNull(burst, "burst");
        Objects.requireNonNull(loopLagThreshold, "loopLagThreshold");
        require(clientMessagesPerSecond >= 0, "clientMessagesPerSecond must be >= 0");
        require(clientBytesPerSecond >= 0, "clientBytesPerSecond must be >= 0");
        require(listenerMessagesPerSecond >= 0, "listenerMessagesPerSecond must be >= 0");
        require(listenerBytesPerSecond >= 0, "listenerBytesPerSecond must be >= 0");
        require(!burst.isNegative() && burst.toMillis() >= 1, "burst must be at least 1 ms, was " + burst);
        require(loopLagThreshold.toMillis() >= 1, "loopLagThreshold must be at least 1 ms, was " + loopLagThreshold);
        require(heapThreshold > 0 && heapThreshold <= 1, "heapThreshold must be in (0, 1], was " + heapThreshold);
        require(queuedBytesThreshold >= 1, "queuedBytesThreshold must be >= 1");
        require(outboundBytesThreshold >= 0, "outboundBytesThreshold must be >= 0");
        require(lightClientRate >= 0, "lightClientRate must be >= 0");
        require(outboundBufferBytes >= 1024, "outboundBufferBytes must be at least 1024, was " + outboundBufferBytes);
        require(loopBusyThreshold >= 0 && loopBusyThreshold <= 1,
                "loopBusyThreshold must be in [0, 1] (0: off), was " + loopBusyThreshold);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    public FlowControl withClientLimits(double messagesPerSecond, long bytesPerSecond) {
        return new FlowControl(messagesPerSecond, bytesPerSecond, listenerMessagesPerSecond, listenerBytesPerSecond,
                burst, overloadProtection, loopLagThreshold, heapThreshold, queuedBytesThreshold,
                outboundBytesThreshold, lightClientRate, outboundBufferBytes, loopBusyThreshold);
    }

    public FlowControl withListenerLimits(double messagesPerSecond, long bytesPerSecond) {
        return new FlowControl(clientMessagesPerSecond, clientBytesPerSecond, messagesPerSecond, bytesPerSecond,
                burst, overloadProtection, loopLagThreshold, heapThreshold, queuedBytesThreshold,
                outboundBytesThreshold, lightClientRate, outboundBufferBytes, loopBusyThreshold);
    }

    public FlowControl withBurst(Duration value) {
        return new FlowControl(clientMessagesPerSecond, clientBytesPerSecond, listenerMessagesPerSecond,
                listenerBytesPerSecond, value, overloadProtection, loopLagThreshold, heapThreshold,
                queuedBytesThreshold, outboundBytesThreshold, lightClientRate, outboundBufferBytes, loopBusyThreshold);
    }

    public FlowControl withOverloadProtection(boolean value) {
        return new FlowControl(clientMessagesPerSecond, clientBytesPerSecond, listenerMessagesPerSecond,
                listenerBytesPerSecond, burst, value, loopLagThreshold, heapThreshold, queuedBytesThreshold,
                outboundBytesThreshold, lightClientRate, outboundBufferBytes, loopBusyThreshold);
    }

    public FlowControl withOverloadThresholds(Duration loopLag, double heapFraction, long queuedBytes,
                                              long outboundBytes) {
        return new FlowControl(clientMessagesPerSecond, clientBytesPerSecond, listenerMessagesPerSecond,
                listenerBytesPerSecond, burst, overloadProtection, loopLag, heapFraction, queuedBytes, outboundBytes,
                lightClientRate, outboundBufferBytes, loopBusyThreshold);
    }

    public FlowControl withLightClientRate(double messagesPerSecond) {
        return new FlowControl(clientMessagesPerSecond, clientBytesPerSecond, listenerMessagesPerSecond,
                listenerBytesPerSecond, burst, overloadProtection, loopLagThreshold, heapThreshold,
                queuedBytesThreshold, outboundBytesThreshold, messagesPerSecond, outboundBufferBytes, loopBusyThreshold);
    }

    public FlowControl withOutboundBufferBytes(int value) {
        return new FlowControl(clientMessagesPerSecond, clientBytesPerSecond, listenerMessagesPerSecond,
                listenerBytesPerSecond, burst, overloadProtection, loopLagThreshold, heapThreshold,
                queuedBytesThreshold, outboundBytesThreshold, lightClientRate, value, loopBusyThreshold);
    }

    public FlowControl withLoopBusyThreshold(double fraction) {
        return new FlowControl(clientMessagesPerSecond, clientBytesPerSecond, listenerMessagesPerSecond,
                listenerBytesPerSecond, burst, overloadProtection, loopLagThreshold, heapThreshold,
                queuedBytesThreshold, outboundBytesThreshold, lightClientRate, outboundBufferBytes, fraction);
    }
}
