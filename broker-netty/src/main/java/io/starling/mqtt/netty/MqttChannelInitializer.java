package io.starling.mqtt.netty;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.engine.BrokerEngine;
import io.starling.mqtt.netty.channel.LoopExecutor;
import io.starling.mqtt.netty.channel.MqttInboundHandler;
import io.starling.mqtt.netty.codec.MqttFrameDecoder;

/** The one place the pipeline is defined. Handlers are installed once here and never added or removed later. */
public final class MqttChannelInitializer extends ChannelInitializer<SocketChannel> {
    public static final String FRAME_DECODER = "mqtt-frame-decoder";
    public static final String INBOUND = "mqtt-inbound";

    private final BrokerEngine engine;
    private final LoopExecutor.Registry executors = new LoopExecutor.Registry();

    public MqttChannelInitializer(BrokerEngine engine) {
        this.engine = engine;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        BrokerConfig config = engine.config();
        KeepAliveTimer keepAlive = new KeepAliveTimer(config.connectTimeout().toNanos());
        ChannelPipeline p = ch.pipeline();
        // Two handlers: outbound packets are encoded by NettyClientChannel straight into its batch buffer and
        // written from the head, so no encoder sits in the pipeline (docs/decisions/0006-outbound-batching.md).
        p.addLast(FRAME_DECODER, new MqttFrameDecoder(config.maxPacketSize(), engine.stats()::onBytesReceived));
        p.addLast(INBOUND, new MqttInboundHandler(engine, keepAlive, executors));
    }
}
