package io.starling.mqtt.netty.channel;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.engine.BrokerEngine;
import io.starling.mqtt.netty.KeepAliveTimer;
import io.starling.mqtt.netty.codec.MalformedPacketException;
import io.starling.mqtt.netty.codec.UnsupportedProtocolLevelException;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.protocol.Connection;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands decoded packets to core's {@link Connection} and decides the fate of the connection when something goes
 * wrong: the one place the pipeline's errors end up.
 */
public final class MqttInboundHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(MqttInboundHandler.class);

    private final BrokerEngine engine;
    private final KeepAliveTimer keepAlive;
    private final LoopExecutor.Registry executors;
    private final String listenerName;
    private Connection connection;
    private NettyClientChannel clientChannel;

    public MqttInboundHandler(BrokerEngine engine, KeepAliveTimer keepAlive, LoopExecutor.Registry executors) {
        this(engine, keepAlive, executors, BrokerConfig.DEFAULT_LISTENER);
    }

    public MqttInboundHandler(BrokerEngine engine, KeepAliveTimer keepAlive, LoopExecutor.Registry executors,
                              String listenerName) {
        this.engine = engine;
        this.keepAlive = keepAlive;
        this.executors = executors;
        this.listenerName = listenerName;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        keepAlive.start(ctx);
        clientChannel = new NettyClientChannel(ctx.channel(), keepAlive, executors.of(ctx.channel().eventLoop()),
                engine.stats(), listenerName);
        connection = engine.newConnection(clientChannel);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof MqttPacket packet) {
            if (LOG.isTraceEnabled()) {
                // Packet toString never shows a password or a payload, only their presence and size.
                LOG.trace("{} <- {}", ctx.channel().remoteAddress(), packet);
            }
            keepAlive.onPacket();
            connection.onPacket(packet);
        } else {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (connection != null) {
            connection.onWritabilityChanged(ctx.channel().isWritable());
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        keepAlive.stop();
        if (connection != null) {
            connection.onClosed();
            clientChannel.releasePending();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (connection == null) {
            ctx.close();
            return;
        }
        if (cause instanceof UnsupportedProtocolLevelException unsupported) {
            connection.onUnsupportedProtocolLevel(unsupported.getMessage());
        } else if (cause instanceof MalformedPacketException malformed) {
            connection.onMalformed(malformed.getMessage());
        } else if (cause instanceof IOException) {
            LOG.debug("connection from {}: I/O error: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        } else {
            LOG.warn("connection from {}: unexpected error; closing", ctx.channel().remoteAddress(), cause);
            ctx.close();
        }
    }
}
