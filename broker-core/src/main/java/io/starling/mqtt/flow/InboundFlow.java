package io.starling.mqtt.flow;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One connection's inbound pacing: its own limits, its listener's shared ones, and the rate the overload controller
 * set for it, if any. {@link #onPublish} runs on the connection's event loop for every PUBLISH and answers how long
 * to stop reading. The controller thread reads the counters and sets the adaptive rate; the counters have one
 * writer (the loop), so they are plain fields published with opaque writes, not atomics.
 */
public final class InboundFlow {
    private static final VarHandle MESSAGES;
    private static final VarHandle BYTES;
    private static final VarHandle LAST_LIMITED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            MESSAGES = lookup.findVarHandle(InboundFlow.class, "messages", long.class);
            BYTES = lookup.findVarHandle(InboundFlow.class, "bytes", long.class);
            LAST_LIMITED = lookup.findVarHandle(InboundFlow.class, "lastLimitedNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String clientId;
    private final String listener;
    private final String remoteAddress;
    private final RateLimit clientMessages;
    private final RateLimit clientBytes;
    private final RateLimit listenerMessages;
    private final RateLimit listenerBytes;
    private final RateLimit adaptive;
    private final boolean staticLimits;

    // Written by the connection's loop only.
    private long messages;
    private long bytes;
    private long lastLimitedNanos;

    // The controller's own bookkeeping (its thread only).
    long seenMessages;
    long seenBytes;
    double messageRate;
    double byteRate;
    /** The rate the client published at when the controller first throttled it; 0 while not throttled. */
    double throttledFrom;
    boolean limitLogged;
    long throttleStartNanos;

    InboundFlow(String clientId, String listener, String remoteAddress, RateLimit clientMessages,
                RateLimit clientBytes, RateLimit listenerMessages, RateLimit listenerBytes, RateLimit adaptive) {
        this.clientId = clientId;
        this.listener = listener;
        this.remoteAddress = remoteAddress;
        this.clientMessages = clientMessages;
        this.clientBytes = clientBytes;
        this.listenerMessages = listenerMessages;
        this.listenerBytes = listenerBytes;
        this.adaptive = adaptive;
        this.staticLimits = clientMessages != null || clientBytes != null || listenerMessages != null
                || listenerBytes != null;
    }

    /**
     * One PUBLISH of {@code size} bytes arrived; on the connection's loop. Returns how many nanoseconds to stop
     * reading (0: go on). Without limits in force this is two counter increments and no clock read.
     */
    public long onPublish(int size) {
        MESSAGES.setOpaque(this, messages + 1);
        BYTES.setOpaque(this, bytes + size);
        if (!staticLimits && adaptive.rate() <= 0) {
            return 0;
        }
        long now = System.nanoTime();
        long wait = 0;
        if (clientMessages != null) {
            wait = clientMessages.take(1, now);
        }
        if (clientBytes != null) {
            wait = Math.max(wait, clientBytes.take(size, now));
        }
        if (listenerMessages != null) {
            wait = Math.max(wait, listenerMessages.take(1, now));
        }
        if (listenerBytes != null) {
            wait = Math.max(wait, listenerBytes.take(size, now));
        }
        if (adaptive.rate() > 0) {
            wait = Math.max(wait, adaptive.take(1, now));
        }
        if (wait > 0) {
            LAST_LIMITED.setOpaque(this, now);
        }
        return wait;
    }

    public String clientId() {
        return clientId;
    }

    public String listener() {
        return listener;
    }

    public String remoteAddress() {
        return remoteAddress;
    }

    long messages() {
        return (long) MESSAGES.getOpaque(this);
    }

    long bytes() {
        return (long) BYTES.getOpaque(this);
    }

    /** When a limit last made this connection pause (System.nanoTime), 0 if never. */
    long lastLimitedNanos() {
        return (long) LAST_LIMITED.getOpaque(this);
    }

    /** The controller's rate for this client in messages per second; 0: not throttled. */
    double adaptiveRate() {
        return adaptive.rate();
    }

    void adaptiveRate(double messagesPerSecond) {
        adaptive.rate(messagesPerSecond);
    }

    boolean hasStaticLimits() {
        return staticLimits;
    }
}
