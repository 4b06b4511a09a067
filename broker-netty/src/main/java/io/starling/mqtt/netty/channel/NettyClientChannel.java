package io.starling.mqtt.netty.channel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.starling.mqtt.api.BrokerStats;
import io.starling.mqtt.netty.codec.BufferSource;
import io.starling.mqtt.netty.codec.MqttEncoder;
import io.starling.mqtt.netty.KeepAliveTimer;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.spi.ClientChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Core's view of a Netty channel. Packets are encoded straight into a per-connection batch buffer and flushed once
 * per event-loop turn: every packet written while handling one read batch or one batch of deliveries leaves in a
 * single buffer and a single flush, instead of one pipeline pass and one outbound entry per packet.
 */
public final class NettyClientChannel implements ClientChannel, BufferSource, Runnable {
    private final Channel channel;
    private final KeepAliveTimer keepAliveTimer;
    private final String remoteAddress;
    private static final Logger LOG = LoggerFactory.getLogger(NettyClientChannel.class);
    private static final int BATCH_BUFFER_SIZE = 2048;

    private ChannelHandlerContext head;
    private ByteBuf pending;
    private final BrokerStats stats;
    private boolean flushScheduled;

    private final LoopExecutor executor;

    public NettyClientChannel(Channel channel, KeepAliveTimer keepAliveTimer, LoopExecutor executor,
                              BrokerStats stats) {
        this.stats = stats;
        this.channel = channel;
        this.executor = executor;
        this.keepAliveTimer = keepAliveTimer;
        this.remoteAddress = describe(channel.remoteAddress());
    }

    @Override
    public void write(MqttPacket packet) {
        if (!channel.isActive()) {
            return;
        }
        if (LOG.isTraceEnabled()) {
            LOG.trace("{} -> {}", remoteAddress, packet);
        }
        MqttEncoder.encode((BufferSource) this, packet);
        if (!flushScheduled) {
            flushScheduled = true;
            channel.eventLoop().execute(this);
        }
    }

    /** The flush task: this object itself, to save a lambda per connection. */
    @Override
    public void run() {
        flushNow();
    }

    /** The batch buffer with room for {@code size} bytes; the encoder writes the next packet there. */
    @Override
    public ByteBuf bufferFor(int size) {
        ByteBuf current = pending;
        if (current != null && current.writableBytes() >= size) {
            return current;
        }
        if (current != null) {
            stats.onBytesSent(current.readableBytes());
            outbound().write(current, channel.voidPromise());
        }
        pending = channel.alloc().ioBuffer(Math.max(size, BATCH_BUFFER_SIZE));
        return pending;
    }

    private void flushNow() {
        flushScheduled = false;
        ByteBuf current = pending;
        pending = null;
        ChannelHandlerContext ctx = outbound();
        if (current != null) {
            stats.onBytesSent(current.readableBytes());
            ctx.write(current, channel.voidPromise());
        }
        ctx.flush();
    }

    /**
     * The context nearest the head: writing there skips the pipeline's other handlers, which only decode, time
     * out and dispatch inbound traffic.
     */
    private ChannelHandlerContext outbound() {
        ChannelHandlerContext ctx = head;
        if (ctx == null) {
            ctx = channel.pipeline().firstContext();
            head = ctx;
        }
        return ctx;
    }

    /** Releases what was encoded but never written; called when the connection has closed. */
    public void releasePending() {
        ByteBuf current = pending;
        pending = null;
        if (current != null) {
            current.release();
        }
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void close() {
        if (pending != null || flushScheduled) {
            flushNow();
        }
        channel.close();
    }

    @Override
    public Executor executor() {
        return executor;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public void pauseReading() {
        channel.config().setAutoRead(false);
    }

    @Override
    public void resumeReading() {
        channel.config().setAutoRead(true);
    }

    @Override
    public void keepAlive(int seconds) {
        keepAliveTimer.keepAlive(seconds);
    }

    private static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
