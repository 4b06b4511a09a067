package io.starling.mqtt.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
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
 * <p>Sits after the frame decoder, so it counts whole control packets, not bytes.
 */
public final class IdleTimeoutHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(IdleTimeoutHandler.class);

    private final long connectTimeoutNanos;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> check;
    private long idleLimitNanos;
    private long lastPacketNanos;
    private boolean connected;

    public IdleTimeoutHandler(long connectTimeoutNanos) {
        this.connectTimeoutNanos = connectTimeoutNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) throws Exception {
        check = context.executor().schedule(this::connectDeadline, connectTimeoutNanos, TimeUnit.NANOSECONDS);
        super.channelActive(context);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) throws Exception {
        lastPacketNanos = System.nanoTime();
        super.channelRead(context, msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        cancel();
        super.channelInactive(context);
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
            ctx.close();
        }
    }

    private void keepAliveCheck() {
        if (!ctx.channel().isActive()) {
            return;
        }
        long silent = System.nanoTime() - lastPacketNanos;
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
