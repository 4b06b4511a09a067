package io.starling.mqtt.netty.channel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.BrokerStats;
import io.starling.mqtt.netty.codec.BufferSource;
import io.starling.mqtt.netty.codec.MqttEncoder;
import io.starling.mqtt.netty.KeepAliveTimer;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.spi.ClientChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Core's view of a Netty channel. Packets are encoded straight into a per-connection batch buffer and flushed once
 * per event-loop turn: every packet written while handling one read batch or one batch of deliveries leaves in a
 * single buffer and a single flush, instead of one pipeline pass and one outbound entry per packet.
 */
public final class NettyClientChannel implements ClientChannel, BufferSource, Runnable {
    /**
     * The client's address when the transport learns a better one than the TCP peer's: a WebSocket upgrade from a
     * trusted reverse proxy names the client in {@code X-Forwarded-For}. Set before the CONNECT is read.
     */
    public static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.valueOf(NettyClientChannel.class,
            "clientAddress");

    private final Channel channel;
    private final KeepAliveTimer keepAliveTimer;
    private final String remoteAddress;
    private final String listenerName;
    private static final Logger LOG = LoggerFactory.getLogger(NettyClientChannel.class);
    private static final int BATCH_BUFFER_SIZE = 2048;

    private ChannelHandlerContext head;
    private ByteBuf pending;
    private final BrokerStats stats;
    private boolean flushScheduled;

    private final LoopExecutor executor;

    public NettyClientChannel(Channel channel, KeepAliveTimer keepAliveTimer, LoopExecutor executor,
                              BrokerStats stats) {
        this(channel, keepAliveTimer, executor, stats, BrokerConfig.DEFAULT_LISTENER);
    }

    public NettyClientChannel(Channel channel, KeepAliveTimer keepAliveTimer, LoopExecutor executor,
                              BrokerStats stats, String listenerName) {
        this.stats = stats;
        this.channel = channel;
        this.executor = executor;
        this.keepAliveTimer = keepAliveTimer;
        this.remoteAddress = describe(channel.remoteAddress());
        this.listenerName = listenerName;
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
            // After this loop iteration's bounded batch of tasks, not at the tail of the task queue: behind a
            // backlog (a burst of new connections) a queued flush would hold every response until the backlog is
            // gone (docs/decisions/0012-event-loop-task-quantum.md).
            if (channel.eventLoop() instanceof SingleThreadEventLoop loop) {
                loop.executeAfterEventLoopIteration(this);
            } else {
                channel.eventLoop().execute(this);
            }
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
     * The context nearest the head, or the one right after the last handler every outbound byte must pass: the TLS
     * handler, or the WebSocket framing ({@link TransportFraming}). Writing there skips the pipeline's other
     * handlers, which only decode, time out and dispatch inbound traffic, but never the encryption or the framing.
     * Looked up on the first write, after the CONNECT, so after a WebSocket upgrade has reshaped the pipeline.
     */
    private ChannelHandlerContext outbound() {
        ChannelHandlerContext ctx = head;
        if (ctx == null) {
            ChannelPipeline pipeline = channel.pipeline();
            ctx = pipeline.firstContext();
            // A context writes to the handlers before it: the first one after the last boundary.
            boolean afterBoundary = false;
            for (Map.Entry<String, ChannelHandler> entry : pipeline) {
                if (afterBoundary) {
                    ctx = pipeline.context(entry.getValue());
                }
                afterBoundary = entry.getValue() instanceof SslHandler || entry.getValue() instanceof TransportFraming;
            }
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

    /** The TCP peer as {@code ip:port}, or the client a trusted proxy named ({@link #CLIENT_ADDRESS}). */
    @Override
    public String remoteAddress() {
        String forwarded = channel.attr(CLIENT_ADDRESS).get();
        return forwarded != null ? forwarded : remoteAddress;
    }

    @Override
    public String listenerName() {
        return listenerName;
    }

    /**
     * The client's verified chain from the TLS session. The frame decoder only sees bytes once the handshake is
     * done, so by the time core handles the CONNECT the session is complete.
     */
    @Override
    public List<X509Certificate> peerCertificates() {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls == null || !tls.handshakeFuture().isSuccess()) {
            return List.of();
        }
        try {
            Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            List<X509Certificate> certificates = new ArrayList<>(chain.length);
            for (Certificate c : chain) {
                if (c instanceof X509Certificate x509) {
                    certificates.add(x509);
                }
            }
            return List.copyOf(certificates);
        } catch (SSLPeerUnverifiedException e) {
            // No client certificate (client authentication NONE, or OPTIONAL and none sent).
            return List.of();
        }
    }

    @Override
    public void pauseReading() {
        channel.config().setAutoRead(false);
        // Silence the broker imposes (a rate limit, a client that does not read) is not the client's silence.
        keepAliveTimer.pause();
    }

    @Override
    public void resumeReading() {
        keepAliveTimer.resume();
        channel.config().setAutoRead(true);
    }

    @Override
    public void schedule(Runnable task, long delayNanos) {
        channel.eventLoop().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void keepAlive(int seconds) {
        keepAliveTimer.keepAlive(seconds);
    }

    /** A peer as logs and core name it: {@code ip:port}. */
    public static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
