package io.starling.mqtt.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes connections that go quiet. Until the CONNECT is accepted, an absolute deadline (the CONNECT timeout)
 * applies, so a client that trickles bytes without ever completing a CONNECT cannot hold the socket. Afterwards
 * the keep-alive rule applies: 1.5 times the keep-alive with no control packet closes the connection
 * [MQTT-3.1.2-24]; keep-alive 0 switches it off.
 *
 * <p>Driven by the inbound handler, which sees whole control packets, not bytes. Not a handler of its own: a
 * pipeline slot costs a context object per connection, and the timer needs no pipeline events but these.
 */
public final class KeepAliveTimer {
    private static final Logger LOG = LoggerFactory.getLogger(KeepAliveTimer.class);

    private final long connectTimeoutNanos;
    private final Runnable onConnectTimeout;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> check;
    private long idleLimitNanos;
    private long lastPacketNanos;
    private boolean connected;
    private boolean paused;

    public KeepAliveTimer(long connectTimeoutNanos) {
        this(connectTimeoutNanos, () -> { });
    }

    /** {@code onConnectTimeout} runs (to count it) each time the CONNECT deadline closes a connection. */
    public KeepAliveTimer(long connectTimeoutNanos, Runnable onConnectTimeout) {
        this.connectTimeoutNanos = connectTimeoutNanos;
        this.onConnectTimeout = onConnectTimeout;
    }

    /** The connection is open: the CONNECT deadline starts. */
    public void start(ChannelHandlerContext context) {
        this.ctx = context;
        check = context.executor().schedule(this::connectDeadline, connectTimeoutNanos, TimeUnit.NANOSECONDS);
    }

    /** A control packet arrived. */
    public void onPacket() {
        lastPacketNanos = System.nanoTime();
    }

    /**
     * The broker stopped reading (back-pressure): the client's packets wait in the socket unread, so silence does not
     * count against it until {@link #resume()}.
     */
    public void pause() {
        paused = true;
    }

    /** Reading again: the silence clock restarts now. */
    public void resume() {
        if (paused) {
            paused = false;
            lastPacketNanos = System.nanoTime();
        }
    }

        /** The connection closed. */
    public void stop() {
        cancel();
    }

    /** Switches from the CONNECT deadline to the keep-alive rule; called on the event loop. */
    public void keepAlive(int seconds) {
        connected = true;
        cancel();
        if (seconds <= 0 || !ctx.channel().isActive()) {
            return;
        }
        idleLimitNanos = TimeUnit.MILLISECONDS.toNanos(seconds * 1500L);
        lastPacketNanos = System.nanoTime();
        check = ctx.executor().schedule(this::keepAliveCheck, idleLimitNanos, TimeUnit.NANOSECONDS);
    }

    private void connectDeadline() {
        if (!connected && ctx.channel().isActive()) {
            LOG.info("connection from {}: no CONNECT accepted within {} ms; closing", ctx.channel().remoteAddress(),
                    TimeUnit.NANOSECONDS.toMillis(connectTimeoutNanos));
            onConnectTimeout.run();
            ctx.close();
        }
    }

    private void keepAliveCheck() {
        if (!ctx.channel().isActive()) {
            return;
        }
        long silent = paused ? 0 : System.nanoTime() - lastPacketNanos;
        if (silent >= idleLimitNanos) {
            LOG.info("connection from {}: keep-alive expired after {} ms of silence; closing",
                    ctx.channel().remoteAddress(), TimeUnit.NANOSECONDS.toMillis(silent));
            ctx.close();
            return;
        }
        check = ctx.executor().schedule(this::keepAliveCheck, idleLimitNanos - silent, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }
}
